from django.urls import path

from onward.guides import views

app_name = "guides"

urlpatterns = [
    path("", views.index, name="index"),
    path("glossary/", views.glossary, name="glossary"),
    path("roles/<slug:role>/", views.role_guide, name="role"),
    path("<slug:slug>/", views.guide, name="guide"),
]
