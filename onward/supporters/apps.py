from django.apps import AppConfig


class SupportersConfig(AppConfig):
    name = "onward.supporters"
    label = "supporters"
    verbose_name = "The people around each young person: mentors, carers, training, accommodation providers"

    def ready(self) -> None:
        from onward.supporters import registry

        registry.register_all()
        from onward.accounts.permissions import Perm
        from onward.core import contributions
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu
        from onward.supporters.home import person_supporters

        contributions.register_demo_loader(
            "supporters", contributions.lazy_demo_loader("onward.supporters.demo.load_supporters_demo"), order=90
        )
        # Before the plans (50), so the first review round's snapshot quotes the EHC plan figure.
        contributions.register_demo_loader(
            "supporters-ehc-plans",
            contributions.lazy_demo_loader("onward.supporters.demo.load_ehc_plans_demo"),
            order=45,
        )
        contributions.register_page_section("people:person-detail", "supporters", person_supporters, order=30)
        menu(
            NavItem(
                "Supporters",
                "supporters:index",
                (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE, Perm.MANAGE_SUPPORTERS),
                council_staff_only=True,
            ),
            order=45,
        )
