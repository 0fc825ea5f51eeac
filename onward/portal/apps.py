from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "onward.portal"
    label = "portal"
    verbose_name = "The young people's own service"
