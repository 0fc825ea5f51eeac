from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "onward.referrals"
    label = "referrals"
    verbose_name = "Referrals, triage and the provision directory"

    def ready(self) -> None:
        from onward.core import contributions
        from onward.referrals.home import neet_referral_tasks, person_referrals, referral_tasks

        contributions.register_home_tasks("referrals", referral_tasks, order=10)
        # Partners' lists in the core import flow (core.imports).
        from onward.core import imports
        from onward.referrals.services import PartnerListKind

        imports.register(PartnerListKind())
        contributions.register_home_tasks("referrals-neet", neet_referral_tasks, order=15)
        # NEET young people referred in time, for plan measures (core.indicators); read only when asked.
        from onward.referrals import indicators as referral_indicators

        referral_indicators.register_all()
        contributions.register_demo_loader(
            "referrals", contributions.lazy_demo_loader("onward.referrals.demo.load_referrals_demo"), order=20
        )
        # Referrals of a year ago and their starts, so the impact of services shows figures (issue 26).
        contributions.register_demo_loader(
            "referrals-impact", contributions.lazy_demo_loader("onward.referrals.demo.load_impact_demo"), order=21
        )
        contributions.register_page_section("people:person-detail", "referrals", person_referrals, order=10)
        from onward.people import open_work
        from onward.referrals.home import open_referrals, referrals_changed_since

        open_work.register_open_work("referrals", open_referrals, referrals_changed_since)
        # Its pages in the menu (core.navigation).
        from onward.accounts.permissions import Perm
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu
        from onward.people import access as people_access

        # Advisers and managers (through the people access policy), beside the NEET cohort (Derby 4.14).
        menu(
            NavItem("NEET without a referral", "referrals:neet-without-referral", people_access.PEOPLE_PERMS), order=35
        )
        menu(NavItem("Triage", "referrals:triage-queue", (Perm.TRIAGE_REFERRALS,)), order=60)
        menu(NavItem("Referrals received", "referrals:received-list", (Perm.RECEIVE_REFERRALS,)), order=70)
        menu(NavItem("Referrals", "referrals:referral-list", (Perm.CREATE_REFERRALS,)), order=80)
        menu(
            NavItem(
                "Referral monitoring",
                "referrals:monitoring",
                (Perm.TRIAGE_REFERRALS, Perm.VIEW_AGGREGATES),
                council_staff_only=True,
            ),
            order=140,
        )
        menu(
            NavItem(
                "Directory",
                "referrals:directory",
                (Perm.CREATE_REFERRALS, Perm.TRIAGE_REFERRALS, Perm.RECEIVE_REFERRALS, Perm.MANAGE_DIRECTORY),
            ),
            order=150,
        )
