from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "onward.performance"
    label = "performance"
    verbose_name = "Performance, targets and benchmarks"

    def ready(self) -> None:
        from onward.performance import registry

        registry.register_all()
