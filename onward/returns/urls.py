from django.urls import path

from onward.returns import views

app_name = "returns"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/<int:year>.zip", views.export, name="export"),
    path("check/<int:year>/", views.check, name="check"),
    path("imports/new/", views.import_upload, name="import-upload"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/problems.csv", views.import_problems_csv, name="import-problems-csv"),
    path("imports/<int:pk>/commit/", views.import_commit, name="import-commit"),
    path("imports/<int:pk>/discard/", views.import_discard, name="import-discard"),
    path("imports/<int:pk>/retry/", views.import_retry, name="import-retry"),
    path("background-work/", views.background_work, name="background-work"),
    path("case-system/", views.case_upload, name="case-upload"),
    path("mappings/", views.mapping_list, name="mapping-list"),
    path("mappings/add/", views.mapping_edit, name="mapping-create"),
    path("mappings/<int:pk>/", views.mapping_edit, name="mapping-update"),
]
