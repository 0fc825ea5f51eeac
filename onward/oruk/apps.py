from django.apps import AppConfig


class OrukConfig(AppConfig):
    name = "onward.oruk"
    label = "oruk"
    verbose_name = "The provision directory published as Open Referral UK"
