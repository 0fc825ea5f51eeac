from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "onward.opportunities"
    label = "opportunities"
    verbose_name = "Employers and opportunities"

    def ready(self) -> None:
        from onward.core import contributions
        from onward.opportunities.demo import load_opportunities_demo
        from onward.opportunities.home import person_opportunities, sustainment_tasks

        contributions.register_home_tasks("opportunities", sustainment_tasks, order=30)
        contributions.register_demo_loader("opportunities", load_opportunities_demo, order=30)
        contributions.register_page_section("people:person-detail", "opportunities", person_opportunities, order=20)
        # The counts plans quote, as indicators plan measures bind to (core.indicators); read only when asked.
        from onward.opportunities import registry

        registry.register_all()
        # Its pages in the menu (core.navigation).
        from onward.accounts.permissions import Perm
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu

        menu(
            NavItem(
                "Opportunities",
                "opportunities:opportunity-list",
                (Perm.MANAGE_EMPLOYERS, Perm.MANAGE_OPPORTUNITIES, Perm.PUT_FORWARD),
                council_staff_only=True,
            ),
            order=100,
        )
        menu(
            NavItem("Employers", "opportunities:employer-list", (Perm.MANAGE_EMPLOYERS, Perm.MANAGE_OPPORTUNITIES)),
            order=110,
        )
        menu(
            NavItem(
                "Sustainment checks", "opportunities:checks", (Perm.MANAGE_OPPORTUNITIES,), council_staff_only=True
            ),
            order=120,
        )
        menu(
            NavItem("Candidates", "opportunities:candidates", (Perm.RECEIVE_REFERRALS,), employers_only=True), order=130
        )
