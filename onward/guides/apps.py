from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "onward.guides"
    label = "guides"
    verbose_name = "Guides"

    def ready(self) -> None:
        from onward.guides import catalogue

        catalogue.register_help()
