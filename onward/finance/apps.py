from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "onward.finance"
    label = "finance"
    verbose_name = "Financial support for education, employment and training"

    def ready(self) -> None:
        from onward.accounts.permissions import Perm
        from onward.core import contributions
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu
        from onward.finance import registry
        from onward.finance.demo import load_finance_demo
        from onward.finance.home import person_payments

        registry.register_all()
        contributions.register_demo_loader("finance", load_finance_demo, order=92)
        contributions.register_page_section("people:person-detail", "finance", person_payments, order=35)
        menu(
            NavItem("Financial support", "finance:report", (Perm.VIEW_AGGREGATES,), council_staff_only=True),
            order=146,
        )
