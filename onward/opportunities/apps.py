from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "onward.opportunities"
    label = "opportunities"
    verbose_name = "Employers and opportunities"
