"""Webhooks: referral and application events, for the systems whose user may see them, signed with
HMAC-SHA256, retried with back-off, logged on the administrator's page."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from typing import Any

import pytest
from django.utils import timezone

from onward.api import services, tasks
from onward.api.models import Webhook, WebhookDelivery
from onward.referrals import services as referral_services
from tests.api.world import add_api_world
from tests.conftest import sign_in


@pytest.fixture
def received(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    answers: list[int] = []

    def fake_post(url: str, body: bytes, headers: dict[str, str]) -> int:
        calls.append({"url": url, "body": body, "headers": headers})
        return answers.pop(0) if answers else 204

    monkeypatch.setattr(tasks, "post", fake_post)
    calls.append({"answers": answers})  # the test sets the answers through calls[0]
    return calls


def _hook(tenant: Any, user: Any, admin_role: str, events: list[str]) -> tuple[Webhook, str]:
    admin = tenant.users[admin_role]
    return services.webhook_create(
        acting_user=admin, user=user, name="Referrals system", url="https://partner.example/onward", events=events
    )


def test_a_referral_event_is_signed_and_reaches_only_systems_that_may_see_it(
    world: Any, received: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    a, b = world["A"], world["B"]
    partner_hook, secret = _hook(a, a.users["partner_provider"], "partner_administrator", ["referral"])
    other_hook, _ = _hook(b, b.users["partner_provider"], "partner_administrator", ["referral"])
    with django_capture_on_commit_callbacks(execute=True):
        referral_services.send_update(
            acting_user=a.users["partner_provider"], send=a.send, to_status="accepted", version=1
        )
    deliveries = list(WebhookDelivery.objects.all())
    assert [d.webhook for d in deliveries] == [partner_hook]
    [delivery] = deliveries
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 1
    call = received[1]
    assert call["url"] == "https://partner.example/onward"
    assert call["headers"]["Onward-Event"] == "referral.updated"
    body = call["body"]
    assert json.loads(body)["data"] == {"type": "referral", "id": a.send.pk, "status": "accepted", "version": 2}
    assert a.person.legal_family_name.encode() not in body  # events carry no personal data
    timestamp, signature = (part.split("=", 1)[1] for part in call["headers"]["Onward-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature, expected)
    assert not WebhookDelivery.objects.filter(webhook=other_hook).exists()


def test_failed_deliveries_are_retried_with_back_off_then_given_up(
    world: Any, received: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    a = world["A"]
    hook, _ = _hook(a, a.users["partner_provider"], "partner_administrator", ["referral"])
    received[0]["answers"].extend([500] * 10)
    with django_capture_on_commit_callbacks(execute=True):
        referral_services.send_note(acting_user=a.users["partner_provider"], send=a.send, note="Called twice")
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.event == "referral.note_added"
    assert delivery.status == WebhookDelivery.Status.RETRYING
    assert delivery.attempts == 1 and delivery.last_status_code == 500
    waits = [(delivery.next_attempt_at - timezone.now()).total_seconds()]
    for _ in range(services.WEBHOOK_MAX_ATTEMPTS - 1):
        tasks.deliver_webhook.call(delivery.pk)
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append((delivery.next_attempt_at - timezone.now()).total_seconds())
    assert delivery.status == WebhookDelivery.Status.GAVE_UP
    assert delivery.attempts == services.WEBHOOK_MAX_ATTEMPTS
    assert all(later > earlier for earlier, later in itertools.pairwise(waits))
    tasks.deliver_webhook.call(delivery.pk)  # given up: not sent again
    assert len(received) == 1 + services.WEBHOOK_MAX_ATTEMPTS


def test_application_events_and_the_delivery_log_page(
    world: Any, received: list[dict[str, Any]], django_capture_on_commit_callbacks: Any, client: Any
) -> None:
    a = world["A"]
    add_api_world(a, "Alderley")
    hook, _ = _hook(a, a.users["employer_engagement_worker"], "administrator", ["application"])
    with django_capture_on_commit_callbacks(execute=True):
        a.application.status = "interview"
        a.application.save()
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.event == "application.updated"
    sign_in(client, a.users["administrator"])
    page = client.get(f"/integrations/webhooks/{hook.pk}/")
    assert page.status_code == 200
    assert b"application.updated" in page.content and b"Delivered" in page.content
    # Another organisation's administrator: not there.
    sign_in(client, world["B"].users["administrator"])
    assert client.get(f"/integrations/webhooks/{hook.pk}/").status_code == 404


def test_on_the_database_queue_a_retry_waits_for_its_back_off(world: Any) -> None:
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    a = world["A"]
    hook, _ = _hook(a, a.users["partner_provider"], "partner_administrator", ["referral"])
    delivery = WebhookDelivery.objects.create(webhook=hook, event="referral.updated", payload={})
    services.delivery_failed(delivery=delivery, status_code=503, error="Answered 503")
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        tasks.schedule(delivery)
    row = DBTaskResult.objects.get()
    assert row.run_after == delivery.next_attempt_at
    assert row.args_kwargs["args"] == [delivery.pk]
