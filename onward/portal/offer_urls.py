"""A council's local offer for care leavers, public at an address per council (namespace ``local-offer``)."""

from django.urls import path

from onward.portal import views

app_name = "local-offer"

urlpatterns = [
    path("<int:council_pk>/", views.offer_public, name="current"),
    path("<int:council_pk>/version/<int:number>/", views.offer_public, name="version"),
    path("<int:council_pk>/ask-for-support-again/", views.support_again, name="support-again"),
]
