from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "onward.plans"
    label = "plans"
    verbose_name = "Improvement plans and scrutiny"
