from django.urls import path

from onward.people import views

app_name = "people"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("export.<str:file_format>", views.caseload_export, name="caseload-export"),
    path("neet/", views.neet_cohort, name="neet"),
    path("at-risk/", views.at_risk_list, name="at-risk"),
    path("support-requests/", views.support_requests, name="support-requests"),
    path("add/", views.person_create, name="person-create"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/change/", views.person_update, name="person-update"),
    path("<int:pk>/record/<slug:kind>/", views.record_add, name="record-add"),
    path("<int:pk>/eet/<int:eet_spell_pk>/end/", views.eet_end, name="eet-end"),
    path("<int:pk>/correct/<slug:kind>/<int:record_pk>/", views.record_correct, name="record-correct"),
    path(
        "<int:pk>/he-application/<int:application_pk>/status/",
        views.he_application_status,
        name="he-application-status",
    ),
    path(
        "<int:pk>/support-request/<int:request_pk>/assess/", views.support_request_assess, name="support-request-assess"
    ),
]
