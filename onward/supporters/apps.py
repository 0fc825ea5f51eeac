from django.apps import AppConfig


class SupportersConfig(AppConfig):
    name = "onward.supporters"
    label = "supporters"
    verbose_name = "The people around each young person: mentors, carers, training, accommodation providers"

    def ready(self) -> None:
        from onward.supporters import registry

        registry.register_all()
