from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "onward.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Roles are reference data defined in code (permissions.py); keep their groups in step
        # after every migrate, as Django does for its own permissions.
        from onward.accounts.services import roles_sync_after_migrate

        post_migrate.connect(roles_sync_after_migrate, sender=self)
        # Every session remembers the user's sign-in epoch; raising it signs them out (leavers).
        from django.contrib.auth.signals import user_logged_in

        from onward.accounts.middleware import remember_session_epoch

        user_logged_in.connect(remember_session_epoch, dispatch_uid="onward-session-epoch")
        from onward.accounts.home import invitation_tasks
        from onward.core import contributions

        contributions.register_home_tasks("accounts", invitation_tasks, order=40)
        # Its pages in the menu (core.navigation).
        from onward.accounts.permissions import Perm
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu

        menu(NavItem("Teams", "accounts:team-list", council_staff_only=True), order=230)
        menu(NavItem("Users", "accounts:user-list", (Perm.MANAGE_USERS,)), order=240)
        menu(NavItem("Partner organisations", "accounts:partner-list", (Perm.MANAGE_ORGANISATIONS,)), order=250)
        menu(NavItem("Councils you work with", "accounts:partnership-list", (Perm.ANSWER_PARTNERSHIPS,)), order=260)
