"""An administrator resets a user's two-factor sign-in (a lost or replaced phone) from the user's page:
the authenticator goes, every session the user has ends, they set up a new one at their next sign-in,
and it is in the organisation's audit trail. Never across organisations, never on one's own account."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from onward.accounts import services
from onward.audit.models import AuditEvent
from tests.conftest import sign_in


def _reset(client: Client, user: Any) -> Any:
    return client.post(reverse("accounts:user-two-factor-reset", args=[user.pk]), follow=True)


def test_the_administrator_resets_it_and_the_users_sessions_end(world: Any) -> None:
    a = world["A"]
    adviser = a.users["personal_adviser"]
    phone = sign_in(Client(), adviser)  # the adviser's session, verified with the old authenticator
    assert phone.get(reverse("core:home")).status_code == 200
    admin = sign_in(Client(), a.users["administrator"])
    page = admin.get(reverse("accounts:user-detail", args=[adviser.pk])).content.decode()
    assert "Reset two-factor sign-in" in page

    done = _reset(admin, adviser).content.decode()
    assert "Two-factor sign-in reset" in done
    assert not TOTPDevice.objects.filter(user=adviser).exists()
    assert phone.get(reverse("core:home"))["Location"] == reverse("accounts:sign-in")
    event = AuditEvent.objects.get(council=a.council, object_id=str(adviser.pk), summary__startswith="Reset two-factor")
    assert event.actor == a.users["administrator"]
    # Nothing left to reset: said so, and no second entry in the trail.
    assert "has no two-factor sign-in set up" in _reset(admin, adviser).content.decode()
    assert AuditEvent.objects.filter(object_id=str(adviser.pk), summary__startswith="Reset two-factor").count() == 1


def test_another_organisations_administrator_cannot_reset_it(world: Any) -> None:
    a, b = world["A"], world["B"]
    adviser = a.users["personal_adviser"]
    sign_in(Client(), adviser)
    other = sign_in(Client(), b.users["administrator"])
    assert other.post(reverse("accounts:user-two-factor-reset", args=[adviser.pk])).status_code == 404
    assert TOTPDevice.objects.filter(user=adviser).exists()
    with pytest.raises(ValidationError):
        services.user_two_factor_reset(acting_user=b.users["administrator"], user=adviser)
    assert TOTPDevice.objects.filter(user=adviser).exists()


def test_an_administrator_cannot_reset_their_own_and_others_without_the_permission_cannot_at_all(world: Any) -> None:
    a = world["A"]
    admin_user = a.users["administrator"]
    admin = sign_in(Client(), admin_user)
    assert (
        "Reset two-factor sign-in"
        not in admin.get(reverse("accounts:user-detail", args=[admin_user.pk])).content.decode()
    )
    assert "Ask another administrator" in _reset(admin, admin_user).content.decode()
    assert TOTPDevice.objects.filter(user=admin_user).exists()
    manager = sign_in(Client(), a.users["team_manager"])
    adviser = a.users["personal_adviser"]
    sign_in(Client(), adviser)
    assert manager.post(reverse("accounts:user-two-factor-reset", args=[adviser.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=adviser).exists()
