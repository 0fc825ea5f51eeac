from django.urls import path

from onward.privacy import views

app_name = "privacy"

urlpatterns = [
    path("requests/", views.request_list, name="request-list"),
    path("requests/add/", views.request_create, name="request-create"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/gather/", views.request_gather, name="request-gather"),
    path("requests/<int:pk>/review/", views.request_review, name="request-review"),
    path("requests/<int:pk>/approve/", views.request_approve, name="request-approve"),
    path("requests/<int:pk>/bundle.<str:file_format>", views.request_bundle, name="request-bundle"),
    path("restrictions/", views.restriction_list, name="restriction-list"),
    path("restrictions/<int:pk>/lift/", views.restriction_lift, name="restriction-lift"),
    path("retention/", views.retention_list, name="retention"),
    path("retention/<int:person_pk>/delete/<slug:rule>/", views.retention_delete, name="retention-delete"),
    path("retention/delete-many/", views.retention_run, name="retention-run"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold-lift"),
    path("corrections/", views.correction_list, name="correction-list"),
    path("corrections/<int:pk>/", views.correction_detail, name="correction-detail"),
    path("corrections/<int:pk>/decline/", views.correction_decline, name="correction-decline"),
    path("corrections/people/<int:person_pk>/details/", views.correct_person, name="correct-person"),
    path(
        "corrections/people/<int:person_pk>/<slug:kind>/<int:record_pk>/", views.correct_record, name="correct-record"
    ),
    path("record-of-processing/", views.record_of_processing, name="record-of-processing"),
]
