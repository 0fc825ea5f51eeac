"""Referral and application events become webhook deliveries, for every webhook whose user may see
the record (the same access functions as the pages), after the change commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from onward.api.models import Webhook, WebhookDelivery
from onward.opportunities import access as opportunity_access
from onward.opportunities.models import Application
from onward.referrals import access as referral_access
from onward.referrals.models import Event, Send


def _sees_send(user: Any, send: Send) -> bool:
    if referral_access.sends_received_by(user).filter(pk=send.pk).exists():
        return True
    return referral_access.referrals_visible_to(user).filter(pk=send.referral_id).exists()


def _sees_application(user: Any, application: Application) -> bool:
    return (
        opportunity_access.applications_visible_to(user).filter(pk=application.pk).exists()
        or opportunity_access.applications_for_employer(user).filter(pk=application.pk).exists()
    )


def _emit(kind: str, event: str, payload: dict[str, Any], sees: Any, organisations: list[int | None]) -> None:
    """Deliver to the webhooks of ``organisations`` (the only ones whose users could see the record)
    whose user may see it, once the change has committed."""

    def create() -> None:
        from onward.api.tasks import schedule

        hooks = Webhook.objects.filter(
            disabled_at__isnull=True, user__is_active=True, organisation_id__in=[o for o in organisations if o]
        ).select_related("user")
        for hook in hooks:
            if kind not in hook.events or not sees(hook.user):
                continue
            delivery = WebhookDelivery.objects.create(webhook=hook, event=event, payload=payload)
            schedule(delivery)

    transaction.on_commit(create)


def _send_organisations(send: Send) -> list[int | None]:
    return [send.referral.council_id, send.service.provider_id]


@receiver(post_save, sender=Send, dispatch_uid="api-webhook-send")
def _send_saved(sender: Any, instance: Send, created: bool, **kwargs: Any) -> None:
    event = "referral.received" if created else "referral.updated"
    payload = {"type": "referral", "id": instance.pk, "status": instance.status, "version": instance.version}
    _emit("referral", event, payload, lambda user: _sees_send(user, instance), _send_organisations(instance))


@receiver(post_save, sender=Event, dispatch_uid="api-webhook-note")
def _event_saved(sender: Any, instance: Event, created: bool, **kwargs: Any) -> None:
    if not created or instance.send_id is None or instance.from_status != instance.to_status:
        return  # status changes are told by the send's own save
    send = instance.send
    if send is None:  # pragma: no cover - checked above
        return
    payload = {"type": "referral", "id": send.pk, "status": send.status, "version": send.version}
    _emit("referral", "referral.note_added", payload, lambda user: _sees_send(user, send), _send_organisations(send))


@receiver(post_save, sender=Application, dispatch_uid="api-webhook-application")
def _application_saved(sender: Any, instance: Application, created: bool, **kwargs: Any) -> None:
    event = "application.created" if created else "application.updated"
    payload = {"type": "application", "id": instance.pk, "status": instance.status}
    opportunity = instance.opportunity
    organisations = [opportunity.council_id, opportunity.employer.organisation_id]
    _emit("application", event, payload, lambda user: _sees_application(user, instance), organisations)
