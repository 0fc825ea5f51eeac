from django.urls import path

from onward.finance import views

app_name = "finance"

urlpatterns = [
    path("people/<int:person_pk>/", views.person_payments, name="payments"),
    path("people/<int:person_pk>/add/", views.payment_edit, name="payment-create"),
    path("payments/<int:payment_pk>/change/", views.payment_edit, name="payment-update"),
    path("report/", views.payment_report, name="report"),
    path("report.csv", views.payment_report_export, name="report-export"),
]
