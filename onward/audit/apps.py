from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "onward.audit"
    label = "audit"
    verbose_name = "Audit"
