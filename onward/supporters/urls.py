from django.urls import path

from onward.supporters import views

app_name = "supporters"

urlpatterns = [
    path("", views.index, name="index"),
    path("mentors/", views.mentor_list, name="mentor-list"),
    path("mentors/add/", views.mentor_edit, name="mentor-create"),
    path("mentors/<int:mentor_pk>/", views.mentor_detail, name="mentor-detail"),
    path("mentors/<int:mentor_pk>/change/", views.mentor_edit, name="mentor-update"),
    path("matches/<int:match_pk>/", views.match_detail, name="match-detail"),
    path("people/<int:person_pk>/", views.person_supporters, name="person"),
    path("people/<int:person_pk>/mentor/", views.match_create, name="match-create"),
    path("people/<int:person_pk>/carers/add/", views.carer_create, name="carer-create"),
    path("people/<int:person_pk>/invite/", views.review_invite, name="review-invite"),
    path("carers/<int:carer_pk>/change/", views.carer_edit, name="carer-update"),
    path("training/", views.training, name="training"),
    path("providers/", views.provider_list, name="provider-list"),
    path("providers/add/", views.provider_edit, name="provider-create"),
    path("providers/<int:provider_pk>/", views.provider_detail, name="provider-detail"),
    path("providers/<int:provider_pk>/change/", views.provider_edit, name="provider-update"),
    path("people/<int:person_pk>/accommodation/", views.person_accommodation, name="accommodation"),
    path("move-on/", views.move_on_due, name="move-on"),
    path("move-on/<int:plan_pk>/change/", views.move_on_edit, name="move-on-update"),
    path("transitions/", views.transitions, name="transitions"),
    path("people/<int:person_pk>/transitions/", views.person_transitions, name="transitions-person"),
    path("ehc-plans/<int:ehcplan_pk>/change/", views.ehc_plan_edit, name="ehc-plan-update"),
    path("ehc-plans/in-force/", views.ehc_plans_in_force, name="ehc-plans-in-force"),
    path("transitions/<int:referral_pk>/change/", views.transition_edit, name="transition-update"),
    path("people/<int:person_pk>/closure-letter/", views.closure_letter, name="closure-letter"),
]
