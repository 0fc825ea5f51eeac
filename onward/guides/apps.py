from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "onward.guides"
    label = "guides"
    verbose_name = "Guides"

    def ready(self) -> None:
        from onward.guides import catalogue

        catalogue.register_help()
        # Its pages in the menu (core.navigation).
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu

        menu(NavItem("Guides", "guides:index"), order=900)
