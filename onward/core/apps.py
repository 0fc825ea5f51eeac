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
