from django.urls import path

from onward.plans import document_urls, structure_urls, views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("add/", views.plan_edit, name="plan-create"),
    path("due/", views.due_list, name="due"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/change/", views.plan_edit, name="plan-update"),
    path("<int:pk>/sections/add/", views.section_edit, name="section-create"),
    path("<int:pk>/sections/<int:section_pk>/change/", views.section_edit, name="section-update"),
    path("<int:plan_pk>/items/add/", views.item_edit, name="item-create"),
    path("<int:pk>/rounds/open/", views.round_open, name="round-open"),
    path("<int:pk>/meetings/add/", views.meeting_edit, name="meeting-create"),
    path("<int:pk>/meetings/<int:meeting_pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/meetings/<int:meeting_pk>/change/", views.meeting_edit, name="meeting-update"),
    path("<int:pk>/meetings/<int:meeting_pk>/decisions/add/", views.decision_create, name="decision-create"),
    path("items/<int:pk>/", views.item_detail, name="item-detail"),
    path("items/<int:pk>/change/", views.item_edit, name="item-update"),
    path("items/<int:pk>/status/", views.item_status, name="item-status"),
    path("items/<int:pk>/update/", views.update_create, name="update-create"),
    path("items/<int:item_pk>/measures/add/", views.measure_edit, name="measure-create"),
    path("measures/<int:pk>/", views.measure_detail, name="measure-detail"),
    path("measures/<int:pk>/change/", views.measure_edit, name="measure-update"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/close/", views.round_close, name="round-close"),
    path("rating-schemes/", views.scheme_list, name="scheme-list"),
    path("rating-schemes/add/", views.scheme_edit, name="scheme-create"),
    path("rating-schemes/<int:pk>/change/", views.scheme_edit, name="scheme-update"),
]
# Committee documents and the spreadsheet template, export and import.
urlpatterns += document_urls.urlpatterns
# A plan's structure: criteria, budgets, the board, the report schedule (ADR 35).
urlpatterns += structure_urls.urlpatterns
