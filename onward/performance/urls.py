from django.urls import path

from onward.performance import views

app_name = "performance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/<slug:code>/", views.indicator_detail, name="indicator"),
    path("people/", views.people, name="people"),
    path("quarterly/", views.quarterly_report, name="quarterly"),
    path(
        "quarterly/<str:quarter>.<str:file_format>",
        views.quarterly_download,
        name="quarterly-download",
    ),
    path(
        "quarterly/<str:quarter>/commentary/<slug:section>/",
        views.quarterly_commentary,
        name="quarterly-commentary",
    ),
    path("targets/", views.target_list, name="target-list"),
    path("targets/add/", views.target_edit, name="target-create"),
    path("targets/<int:pk>/", views.target_detail, name="target-detail"),
    path("targets/<int:pk>/change/", views.target_edit, name="target-update"),
    path("targets/<int:pk>/steps/<int:step_pk>/remove/", views.target_step_remove, name="target-step-remove"),
    path("benchmarks/", views.benchmark_upload, name="benchmark-upload"),
    path("benchmarks/example.csv", views.benchmark_example, name="benchmark-example"),
    path("benchmarks/<int:pk>/", views.benchmark_detail, name="benchmark-detail"),
    path("benchmarks/<int:pk>/save/", views.benchmark_save, name="benchmark-save"),
    path("benchmarks/<int:pk>/discard/", views.benchmark_discard, name="benchmark-discard"),
    path("benchmarks/<int:pk>/retry/", views.benchmark_retry, name="benchmark-retry"),
]
