from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "onward.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Its pages in the menu (core.navigation).
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu

        menu(NavItem("Home", "core:home"), order=10)

        # The import flow's background tasks announce abandoned runs (core.import_tasks).
        from onward.core import import_tasks  # noqa: F401
