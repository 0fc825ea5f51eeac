from django.apps import AppConfig


class OrukConfig(AppConfig):
    name = "onward.oruk"
    label = "oruk"
    verbose_name = "The provision directory published as Open Referral UK"

    def ready(self) -> None:
        from onward.core import contributions
        from onward.oruk.demo import publish_demo_feed

        contributions.register_demo_loader("oruk", publish_demo_feed, order=70)
