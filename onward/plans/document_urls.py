"""URLs of committee documents and the spreadsheet template, export and import (included by urls.py)."""

from django.urls import path

from onward.plans import document_views

urlpatterns = [
    path("<int:pk>/document.<str:file_format>", document_views.plan_document, name="document"),
    path(
        "<int:pk>/rounds/<int:round_pk>/document.<str:file_format>",
        document_views.round_document,
        name="round-document",
    ),
    path("<int:pk>/spreadsheet.<str:file_format>", document_views.plan_spreadsheet, name="spreadsheet"),
    path("import/template.<str:file_format>", document_views.template, name="import-template"),
    path("import/", document_views.import_new, name="import-new"),
    path("<int:pk>/import/", document_views.import_into, name="import-into"),
    path("import/runs/<int:pk>/", document_views.import_run, name="import-run"),
    path("import/runs/<int:pk>/retry/", document_views.import_run_retry, name="import-run-retry"),
    path("import/runs/<int:pk>/discard/", document_views.import_run_discard, name="import-run-discard"),
]
