from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "onward.participation"
    label = "participation"
    verbose_name = "16-17 participation and NCCIS"

    def ready(self) -> None:
        from onward.participation import registry

        registry.register_all()
        from onward.core import contributions
        from onward.participation.demo import load_participation_demo

        contributions.register_demo_loader("participation", load_participation_demo, order=40)
        # Its pages in the menu (core.navigation).
        from onward.accounts.permissions import Perm
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu
        from onward.people import access as people_access

        menu(NavItem("16 to 17 participation", "participation:overview", people_access.PEOPLE_PERMS), order=50)
        menu(NavItem("Aspirations", "participation:aspirations", people_access.PEOPLE_PERMS), order=55)
        menu(NavItem("NCCIS feed", "participation:feed", (Perm.EXPORT_RETURNS,)), order=220)
