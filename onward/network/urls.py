from django.urls import path

from onward.network import views

app_name = "network"

urlpatterns = [
    path("settings/", views.setting_list, name="setting-list"),
    path("settings/new/", views.setting_create, name="setting-create"),
    path("settings/load/", views.setting_load, name="setting-load"),
    path("settings/<int:pk>/", views.setting_detail, name="setting-detail"),
    path("settings/<int:pk>/edit/", views.setting_update, name="setting-update"),
    path("settings/<int:pk>/send/", views.setting_send, name="setting-send"),
    path("settings/<int:pk>/on-roll/", views.roll_upload, name="roll-upload"),
    path("on-roll/<int:pk>/", views.roll_detail, name="roll-detail"),
    path("on-roll/<int:pk>/commit/", views.roll_commit, name="roll-commit"),
    path("on-roll/<int:pk>/discard/", views.roll_discard, name="roll-discard"),
    path("on-roll/<int:pk>/retry/", views.roll_retry, name="roll-retry"),
    path("school-years/", views.school_years, name="school-years"),
    path("people/<int:person_pk>/settings/", views.person_settings, name="person-settings"),
    path("people/<int:person_pk>/benefits/", views.person_benefits, name="person-benefits"),
    path(
        "people/<int:person_pk>/settings/<int:pk>/correct/", views.setting_spell_correct, name="setting-spell-correct"
    ),
    path("people/<int:person_pk>/benefits/<int:pk>/correct/", views.benefit_correct, name="benefit-correct"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/new/", views.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", views.agreement_update, name="agreement-update"),
    path("work-coaches/", views.work_coach_list, name="work-coach-list"),
    path("work-coaches/new/", views.work_coach_create, name="work-coach-create"),
    path("work-coaches/<int:pk>/edit/", views.work_coach_update, name="work-coach-update"),
    path("jobcentre-plus/", views.jobcentre_send, name="jobcentre-send"),
]
