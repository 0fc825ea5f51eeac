from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "onward.participation"
    label = "participation"
    verbose_name = "16-17 participation and NCCIS"

    def ready(self) -> None:
        from onward.participation import registry

        registry.register_all()
