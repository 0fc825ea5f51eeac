from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "onward.performance"
    label = "performance"
    verbose_name = "Performance, targets and benchmarks"

    def ready(self) -> None:
        from onward.performance import registry

        registry.register_all()
        from onward.core import contributions

        contributions.register_demo_loader(
            "performance", contributions.lazy_demo_loader("onward.performance.demo.load_performance_demo"), order=60
        )
        # Benchmark files in the core import flow (core.imports).
        from onward.core import imports
        from onward.performance.services import BenchmarkKind

        imports.register(BenchmarkKind())
        # Its pages in the menu (core.navigation).
        from onward.accounts.permissions import Perm
        from onward.core.navigation import NavItem
        from onward.core.navigation import register as menu

        menu(
            NavItem("Performance", "performance:dashboard", (Perm.VIEW_AGGREGATES,), council_staff_only=True), order=180
        )
        menu(
            NavItem("Quarterly report", "performance:quarterly", (Perm.VIEW_AGGREGATES,), council_staff_only=True),
            order=190,
        )
        menu(NavItem("Targets", "performance:target-list", (Perm.MANAGE_TARGETS,)), order=200)
