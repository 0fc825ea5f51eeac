"""A council's local offer for care leavers, public at an address per council (namespace ``local-offer``)."""

from django.urls import path

from onward.portal import views

app_name = "local-offer"

urlpatterns = [
    path("<int:council>/", views.offer_public, name="current"),
    path("<int:council>/version/<int:number>/", views.offer_public, name="version"),
    path("<int:council>/ask-for-support-again/", views.support_again, name="support-again"),
]
