from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "onward.referrals"
    label = "referrals"
    verbose_name = "Referrals, triage and the provision directory"
