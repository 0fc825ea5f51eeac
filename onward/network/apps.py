from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "onward.network"
    label = "network"
    verbose_name = "The network around each young person"

    def ready(self) -> None:
        from onward.network import registry

        registry.register_all()
