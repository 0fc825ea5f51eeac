from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "onward.privacy"
    label = "privacy"
    verbose_name = "Data protection"
