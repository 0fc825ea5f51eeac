from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "onward.returns"
    label = "returns"
    verbose_name = "Statutory returns and data exchange"

    def ready(self) -> None:
        # Its pages in the menu (core.navigation).
        from onward.accounts.permissions import Perm
        from onward.core import imports
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu
        from onward.returns import services, tasks  # noqa: F401 - connects the receiver for tasks given up on

        imports.register(services.Ssda903Kind())
        imports.register(services.CaseSystemKind())

        menu(NavItem("Statutory returns", "returns:overview", (Perm.IMPORT_DATA, Perm.EXPORT_RETURNS)), order=210)
        menu(
            NavItem(
                "Background work", "returns:background-work", (Perm.VIEW_BACKGROUND_WORK,), council_staff_only=True
            ),
            order=290,
        )
