from django.urls import path

from onward.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="referral-list"),
    path("triage/", views.triage_queue, name="triage-queue"),
    path("neet-without-referral/", views.neet_without_referral, name="neet-without-referral"),
    path("new/<int:person_pk>/", views.referral_create, name="referral-create"),
    path("<int:pk>/", views.referral_detail, name="referral-detail"),
    path("received/", views.received_list, name="received-list"),
    path("received/<int:pk>/", views.received_detail, name="received-detail"),
    path("<int:pk>/feedback/", views.feedback_add, name="feedback-add"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/export.<str:file_format>", views.monitoring_export, name="monitoring-export"),
    path("needs-provision/", views.needs_provision, name="needs-provision"),
    path("needs-provision.csv", views.needs_provision_export, name="needs-provision-export"),
    path("needs-provision/people/", views.needs_provision_people, name="needs-provision-people"),
    path("received/list/", views.partner_list, name="partner-list"),
    path("received/list/<int:pk>/", views.partner_list_run, name="partner-list-run"),
    path("received/list/<int:pk>/retry/", views.partner_list_retry, name="partner-list-retry"),
    path("received/list/<int:pk>/discard/", views.partner_list_discard, name="partner-list-discard"),
    path("directory/", views.directory, name="directory"),
    path("directory/add/", views.service_edit, name="service-create"),
    path("directory/<int:pk>/", views.service_detail, name="service-detail"),
    path("directory/<int:pk>/change/", views.service_edit, name="service-update"),
]
