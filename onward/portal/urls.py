"""Staff pages of the young people's own service (namespace ``portal``)."""

from django.urls import path

from onward.portal import views

app_name = "portal"

urlpatterns = [
    path("people/<int:pk>/invite/", views.invite, name="invite"),
    path("people/<int:pk>/end/", views.end, name="end"),
    path("people/<int:pk>/said/<int:statement_pk>/", views.resolve, name="resolve"),
    path("local-offer/", views.offer_list, name="offer-list"),
    path("local-offer/<int:pk>/", views.offer_edit, name="offer-edit"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/questions/<int:pk>/retire/", views.question_retire, name="question-retire"),
    path("you-said-we-did/", views.themes, name="themes"),
    path("you-said-we-did/new/", views.theme_edit, name="theme-create"),
    path("you-said-we-did/<int:pk>/", views.theme_edit, name="theme-update"),
    path("feedback-figures/", views.feedback_figures, name="feedback-figures"),
    path("requests/", views.tasks, name="tasks"),
    path("support-again/", views.returner_enquiries, name="returner-enquiries"),
    path("support-again/<int:pk>/", views.returner_enquiry, name="returner-enquiry"),
    path("feedback-on-our-services/", views.partner_feedback, name="partner-feedback"),
]
