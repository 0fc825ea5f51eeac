from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "onward.api"
    label = "api"
    verbose_name = "The open API: tokens, webhooks and export jobs"

    def ready(self) -> None:
        from onward.api import signals  # noqa: F401 - connects the webhook events
