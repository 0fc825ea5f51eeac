from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "onward.portal"
    label = "portal"
    verbose_name = "The young people's own service"

    def ready(self) -> None:
        from onward.portal import registry, selectors
        from onward.referrals.registry import register_service_voice

        registry.register_all()
        # Referral monitoring counts young people's own ratings of each service (referrals sits below portal).
        register_service_voice("portal", selectors.service_voice)
        from onward.accounts.permissions import Perm
        from onward.core import contributions
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu
        from onward.portal import demo, home

        contributions.register_demo_loader("portal", demo.load_demo, order=95)
        contributions.register_page_section("people:person-detail", "portal", home.person_voice, order=40)
        contributions.register_home_tasks("portal", home.portal_tasks, order=25)
        contributions.register_home_tasks("portal-returners", home.returner_tasks, order=26)
        menu(NavItem("Local offer", "portal:offer-list", (Perm.MANAGE_PORTAL,), council_staff_only=True), order=221)
        menu(
            NavItem(
                "Requests from young people",
                "portal:tasks",
                (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE),
                council_staff_only=True,
            ),
            order=222,
        )
        menu(
            NavItem(
                "Young people's voice", "portal:feedback-figures", (Perm.VIEW_AGGREGATES,), council_staff_only=True
            ),
            order=223,
        )
        menu(NavItem("Young people's feedback", "portal:partner-feedback", (Perm.RECEIVE_REFERRALS,)), order=224)
