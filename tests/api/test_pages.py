"""The administrator's API pages: tokens created (the secret shown once), listed, scoped and revoked;
webhooks added; only for the organisation's own administrator, about its own users."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from onward.api.models import ApiToken, Webhook
from onward.audit.models import AuditEvent
from tests.conftest import sign_in


def _expiry(days: int) -> dict[str, str]:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return {"expires_on_0": str(day.day), "expires_on_1": str(day.month), "expires_on_2": str(day.year)}


def test_an_administrator_creates_lists_and_revokes_a_token(world: Any, client: Any) -> None:
    a = world["A"]
    admin = a.users["administrator"]
    sign_in(client, admin)
    page = client.get("/integrations/tokens/")
    assert page.status_code == 200
    answer = client.post(
        "/integrations/tokens/",
        {
            "name": "Case system sync",
            "user": a.users["personal_adviser"].pk,
            "scope": "write",
            "rate_per_minute": "60",
            **_expiry(90),
        },
    )
    assert answer.status_code == 302
    token = ApiToken.objects.get(name="Case system sync")
    assert token.user == a.users["personal_adviser"] and token.scope == "write" and token.rate_per_minute == 60
    shown = client.get("/integrations/tokens/")
    secret = shown.content.decode().split("data-api-token>")[1].split("<")[0]
    assert secret.startswith("onw_api_") and token.token_hash != secret and len(token.token_hash) == 64
    assert secret not in client.get("/integrations/tokens/").content.decode()  # shown once
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert AuditEvent.objects.filter(actor=admin, action="create", object_type__icontains="apitoken").exists()

    client.post("/integrations/tokens/revoke/", {"token": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_bad_input_gets_a_message_and_changes_nothing(world: Any, client: Any) -> None:
    a, b = world["A"], world["B"]
    sign_in(client, a.users["administrator"])
    answer = client.post(
        "/integrations/tokens/",
        {"name": "", "user": b.users["personal_adviser"].pk, "scope": "admin", "rate_per_minute": "0", **_expiry(900)},
    )
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "Enter a name for the token" in text
    assert "Select the user the token acts as" in text  # another council's user is not a choice
    assert "govuk-error-summary" in text
    assert not ApiToken.objects.exists()
    answer = client.post(
        "/integrations/webhooks/",
        {
            "name": "Hook",
            "url": "http://insecure.example",
            "user": a.users["personal_adviser"].pk,
            "events": ["referral"],
        },
    )
    assert "https://" in answer.content.decode()
    assert not Webhook.objects.exists()


def test_a_partner_administrator_manages_only_their_organisations_tokens(world: Any, client: Any) -> None:
    a = world["A"]
    sign_in(client, a.users["partner_administrator"])
    page = client.get("/integrations/tokens/")
    assert page.status_code == 200
    text = page.content.decode()
    assert a.users["partner_provider"].email in text
    assert a.users["personal_adviser"].email not in text
    sign_in(client, a.users["personal_adviser"])
    assert client.get("/integrations/tokens/").status_code == 403


def test_a_webhook_is_added_with_its_secret_shown_once(world: Any, client: Any) -> None:
    a = world["A"]
    sign_in(client, a.users["partner_administrator"])
    answer = client.post(
        "/integrations/webhooks/",
        {
            "name": "Referrals",
            "url": "https://partner.example/hook",
            "user": a.users["partner_provider"].pk,
            "events": ["referral"],
        },
    )
    assert answer.status_code == 302
    hook = Webhook.objects.get()
    detail = client.get(answer["Location"]).content.decode()
    assert "whsec_" in detail
    assert "whsec_" not in client.get(answer["Location"]).content.decode()
    client.post(f"/integrations/webhooks/{hook.pk}/switch-off/")
    hook.refresh_from_db()
    assert hook.disabled_at is not None
    call_command("deliver_webhooks", stdout=open("/dev/null", "w"))  # noqa: SIM115
