"""The young person's own pages, under /my/ (namespace ``my``)."""

from django.urls import path

from onward.portal import views

app_name = "my"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.code, name="code"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("", views.home, name="home"),
    path("education-work-training/wrong/", views.eet_wrong, name="eet-wrong"),
    path("your-records/", views.your_data, name="your-data"),
    path("plan/add/", views.goal_add, name="goal-add"),
    path("plan/<int:goal_pk>/add/", views.goal_add, name="action-add"),
    path("plan/<int:pk>/done/", views.goal_done, name="goal-done"),
    path("referrals/<int:pk>/withdraw-consent/", views.consent_withdraw, name="consent-withdraw"),
    path("services/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("opportunities/", views.opportunities, name="opportunities"),
    path("opportunities/<int:pk>/interested/", views.interested, name="interested"),
    path("check-in/", views.check_in, name="check-in"),
    path("closure-letter/", views.closure_letter, name="closure-letter"),
    path("leave/", views.leave, name="leave"),
    path("local-offer/", views.my_offer, name="local-offer"),
    path("survey/", views.survey, name="survey"),
    path("you-said-we-did/", views.you_said, name="you-said"),
]
