"""URLs of a plan's structure (ADR 35), included by ``onward.plans.urls``."""

from django.urls import path

from onward.plans import structure_views as views

urlpatterns = [
    path("<int:pk>/structure/", views.structure, name="structure"),
    path("<int:plan_pk>/criteria/add/", views.criterion_edit, name="criterion-create"),
    path("criteria/<int:pk>/", views.criterion_detail, name="criterion-detail"),
    path("criteria/<int:pk>/change/", views.criterion_edit, name="criterion-update"),
    path("criteria/<int:pk>/status/", views.criterion_status, name="criterion-status"),
    path("<int:plan_pk>/budgets/add/", views.budget_edit, name="budget-create"),
    path("budgets/<int:pk>/", views.budget_detail, name="budget-detail"),
    path("budgets/<int:pk>/change/", views.budget_edit, name="budget-update"),
    path("budgets/<int:pk>/spend/", views.spend_create, name="spend-create"),
    path("<int:plan_pk>/board/members/add/", views.board_member_edit, name="board-member-create"),
    path("board-members/<int:pk>/change/", views.board_member_edit, name="board-member-update"),
    path("<int:pk>/board/terms/add/", views.terms_create, name="terms-create"),
    path("<int:plan_pk>/schedule/add/", views.schedule_edit, name="schedule-create"),
    path("schedules/<int:pk>/change/", views.schedule_edit, name="schedule-update"),
    path("schedules/<int:pk>/sent/", views.schedule_sent, name="schedule-sent"),
]
