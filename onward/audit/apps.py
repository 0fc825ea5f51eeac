from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "onward.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        # Its pages in the menu (core.navigation).
        from onward.accounts.permissions import Perm
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu

        menu(NavItem("Audit trail", "audit:event-list", (Perm.VIEW_AUDIT,)), order=280)
