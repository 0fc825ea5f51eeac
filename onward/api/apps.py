from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "onward.api"
    label = "api"
    verbose_name = "The open API: tokens, webhooks and export jobs"

    def ready(self) -> None:
        from onward.accounts.permissions import Perm
        from onward.api import signals  # noqa: F401 - connects the webhook events
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu

        menu(NavItem("API tokens", "integrations:token-list", (Perm.MANAGE_API,)), order=287)
