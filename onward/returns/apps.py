from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "onward.returns"
    label = "returns"
    verbose_name = "Statutory returns and data exchange"

    def ready(self) -> None:
        from onward.returns import tasks  # noqa: F401 - connects the receiver for tasks given up on
