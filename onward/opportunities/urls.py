from django.urls import path

from onward.opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("", views.opportunity_list, name="opportunity-list"),
    path("add/", views.opportunity_edit, name="opportunity-create"),
    path("<int:pk>/", views.opportunity_detail, name="opportunity-detail"),
    path("<int:pk>/change/", views.opportunity_edit, name="opportunity-update"),
    path("for/<int:person_pk>/", views.for_person, name="for-person"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("employers/", views.employer_list, name="employer-list"),
    path("employers/add/", views.employer_edit, name="employer-create"),
    path("employers/<int:pk>/", views.employer_detail, name="employer-detail"),
    path("employers/<int:pk>/change/", views.employer_edit, name="employer-update"),
    path("candidates/", views.candidates, name="candidates"),
    path("counts/", views.counts, name="counts"),
    path("training/", views.training, name="training"),
    path("checks/", views.checks, name="checks"),
]
