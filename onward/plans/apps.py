from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "onward.plans"
    label = "plans"
    verbose_name = "Improvement plans and scrutiny"

    def ready(self) -> None:
        from onward.core import contributions
        from onward.plans.home import plan_tasks

        contributions.register_home_tasks("plans", plan_tasks, order=50)
        # The spreadsheet import in the core import flow (core.imports).
        from onward.core import imports
        from onward.plans.imports import PlanImportKind

        imports.register(PlanImportKind())
        contributions.register_demo_loader(
            "plans", contributions.lazy_demo_loader("onward.plans.demo.load_plans_demo"), order=50
        )

        contributions.register_demo_loader(
            "plans-structure",
            contributions.lazy_demo_loader("onward.plans.structure_demo.load_structure_demo"),
            order=51,
        )
        # Its pages in the menu (core.navigation).
        from onward.accounts.permissions import Perm
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu

        menu(NavItem("Plans", "plans:plan-list", (Perm.VIEW_PLANS,), council_staff_only=True), order=160)
        menu(
            NavItem("Rating schemes", "plans:scheme-list", (Perm.MANAGE_RATING_SCHEMES,), council_staff_only=True),
            order=170,
        )
