from django.urls import path

from onward.participation import views

app_name = "participation"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("lapsing/", views.lapsing, name="lapsing"),
    path("september-guarantee/", views.guarantee, name="guarantee"),
    path("september-guarantee/report/", views.guarantee_report, name="guarantee-report"),
    path("feed/", views.feed_page, name="feed"),
    path("feed/returns/new/", views.return_upload, name="return-upload"),
    path("feed/returns/<int:pk>/", views.return_detail, name="return-detail"),
    path("activity-survey/", views.survey_page, name="survey"),
    path("aspirations/", views.aspirations, name="aspirations"),
    path("aspirations/sectors/", views.aspiration_sectors, name="aspiration-sectors"),
    path("aspirations/destinations/", views.destinations_against_aspirations, name="aspiration-destinations"),
]
