from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "onward.people"
    label = "people"
    verbose_name = "Cohort register"

    def ready(self) -> None:
        # The home page's caseload figures and returners' requests, and the demo cohort (core.contributions).
        # An import's save can outlast the stored figures' margin: its council's are worked out again (ADR 36).
        from onward.core import contributions, imports
        from onward.people import demo, home, stored

        imports.on_saved(stored.forget)
        contributions.register_home_summary("people", home.caseload_summary, order=10)
        contributions.register_home_tasks("people", home.support_request_tasks, order=20)
        contributions.register_demo_loader("people", demo.load_demo_cohort, order=10)
        # The EET outcome indicators plan measures bind to (core.indicators); read only when asked.
        from onward.people import registry

        registry.register_all()
        # Its pages in the menu (core.navigation).
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu
        from onward.people import access as people_access

        menu(NavItem("Young people", "people:caseload", people_access.PEOPLE_PERMS), order=20)
        menu(NavItem("NEET cohort", "people:neet", people_access.PEOPLE_PERMS), order=30)
        menu(NavItem("At risk of NEET", "people:at-risk", people_access.PEOPLE_PERMS), order=40)
        menu(NavItem("Requests for support", "people:support-requests", people_access.PEOPLE_PERMS), order=90)
