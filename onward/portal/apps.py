from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "onward.portal"
    label = "portal"
    verbose_name = "The young people's own service"

    def ready(self) -> None:
        from onward.portal import registry

        registry.register_all()
