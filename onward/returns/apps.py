from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "onward.returns"
    label = "returns"
    verbose_name = "Statutory returns and data exchange"
