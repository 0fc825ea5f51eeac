"""Signing in: passwords, lockout, two-factor sign-in, session expiry, set-password links."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from onward.accounts import services
from onward.audit.models import AuditEvent
from tests.conftest import PASSWORD
from tests.factories import UserFactory


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():0{device.digits}d}"


def post_sign_in(client: Client, email: str, password: str, ip: str = "198.51.100.1"):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:sign-in"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_with_the_wrong_password_says_so_in_govuk_style(world) -> None:
    """A wrong password shows an error summary and the same message as an unknown address."""
    client = Client()
    response = post_sign_in(client, world["A"].users["personal_adviser"].email, "not-the-password")
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "The email address or password is not correct" in content
    unknown = post_sign_in(Client(), "nobody@example.org", "not-the-password").content.decode()
    assert "The email address or password is not correct" in unknown
    empty = Client().post(reverse("accounts:sign-in"), {}).content.decode()
    assert "Enter your email address" in empty
    assert "Enter your password" in empty


@override_settings(ONWARD_REQUIRE_2FA=False)
def test_sign_in_is_case_insensitive_and_audited(world) -> None:
    """Staff sign in by email address in any case; the sign-in is recorded."""
    user = world["A"].users["personal_adviser"]
    client = Client()
    response = post_sign_in(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.SIGN_IN).exists()


def test_repeated_failures_lock_out_that_email_address_from_that_address(world) -> None:
    """The 5th failure locks the user out from that address: even the right password is refused.

    The lockout is per email address and IP address: the same user from elsewhere, and another
    user from the same address, can still sign in.
    """
    user = world["A"].users["personal_adviser"]
    other = world["A"].users["team_manager"]
    for _ in range(4):
        response = post_sign_in(Client(), user.email, "wrong-password-1")
        assert response.status_code == 200
    assert post_sign_in(Client(), user.email, "wrong-password-1").status_code == 429
    locked = post_sign_in(Client(), user.email, PASSWORD)
    assert locked.status_code == 429
    assert "You cannot sign in at the moment" in locked.content.decode()
    assert post_sign_in(Client(), user.email, PASSWORD, ip="198.51.100.99").status_code == 302
    assert post_sign_in(Client(), other.email, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(str.upper, id="upper-case"),
        pytest.param(lambda email: f"  {email}", id="leading-space"),
        pytest.param(lambda email: f"{email} ", id="trailing-space"),
        pytest.param(lambda email: f" {email[:3].upper()}{email[3:].title()} ", id="mixed"),
    ],
)
def test_a_lockout_holds_for_the_email_address_in_any_case_or_spacing(variant, world) -> None:
    """Once locked out, the same email address written another way is refused too, right password or not.

    The lockout is keyed on the address as signing in reads it (case-folded, spaces trimmed), so
    writing it in capitals or with spaces does not buy another 5 guesses.
    """
    user = world["A"].users["personal_adviser"]
    for _ in range(5):
        post_sign_in(Client(), user.email, "wrong-password-1")
    written = variant(user.email)
    assert written != user.email
    assert post_sign_in(Client(), written, "wrong-password-2").status_code == 429
    assert post_sign_in(Client(), written, PASSWORD).status_code == 429
    assert post_sign_in(Client(), user.email, PASSWORD).status_code == 429


def test_failures_in_different_spellings_of_an_address_count_together(world) -> None:
    """Wrong passwords count against the address however it is written: the 5th locks every spelling."""
    user = world["A"].users["personal_adviser"]
    spellings = [user.email, user.email.upper(), f" {user.email}", f"{user.email.title()} ", user.email.swapcase()]
    for written in spellings[:4]:
        assert post_sign_in(Client(), written, "wrong-password-1").status_code == 200
    assert post_sign_in(Client(), spellings[4], "wrong-password-1").status_code == 429
    for written in spellings:
        assert post_sign_in(Client(), written, PASSWORD).status_code == 429
    assert post_sign_in(Client(), user.email.upper(), PASSWORD, ip="198.51.100.99").status_code == 302


def test_a_lockout_ends_after_the_cool_off_period(world) -> None:
    """Locked out now, the user can sign in again once the lockout period has passed."""
    user = world["A"].users["personal_adviser"]
    for _ in range(5):
        post_sign_in(Client(), user.email, "wrong-password-1")
    assert post_sign_in(Client(), user.email, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert post_sign_in(Client(), user.email, PASSWORD).status_code == 302


def test_a_session_expires_after_30_minutes_without_activity(world, signed_in) -> None:
    """Activity renews the session; 30 minutes without any signs the user out."""
    client = signed_in(world["A"].users["personal_adviser"])
    start = timezone.now()
    with time_machine.travel(start + datetime.timedelta(minutes=25), tick=False):
        assert client.get(reverse("core:home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=50), tick=False):
        assert client.get(reverse("core:home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=81), tick=False):
        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_pages_carry_the_timeout_warning_settings(world, signed_in) -> None:
    """Signed-in pages tell the timeout warning when the session ends and when to warn."""
    content = signed_in(world["A"].users["personal_adviser"]).get(reverse("core:home")).content.decode()
    assert 'data-session-timeout-seconds="1800"' in content
    assert 'data-session-warning-seconds="120"' in content
    assert 'id="session-timeout-dialog"' in content


def test_keep_alive_renews_the_session(world, signed_in) -> None:
    """'Stay signed in' posts to keep-alive, which renews the session's expiry."""
    client = signed_in(world["A"].users["personal_adviser"])
    start = timezone.now()
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.post(reverse("accounts:keep-alive")).status_code == 204
    with time_machine.travel(start + datetime.timedelta(minutes=55), tick=False):
        assert client.get(reverse("core:home")).status_code == 200


def test_staff_set_up_and_then_use_two_factor_sign_in(world) -> None:
    """First sign-in sets up an authenticator; later sign-ins need its code before any page."""
    user = world["A"].users["team_manager"]
    client = Client()
    response = post_sign_in(client, user.email, PASSWORD)
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:two-factor-setup")
    assert client.get(reverse("accounts:user-list"))["Location"] == reverse("accounts:two-factor-setup")
    setup = client.get(reverse("accounts:two-factor-setup"))
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(
        reverse("accounts:two-factor-setup"), {"token": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert "The code is not correct" in wrong.content.decode()
    bad_format = client.post(reverse("accounts:two-factor-setup"), {"token": "12ab"})
    assert "Enter the 6-digit code from your authenticator app" in bad_format.content.decode()
    # After a wrong code the authenticator is throttled for a moment, even for the right code.
    throttled = client.post(reverse("accounts:two-factor-setup"), {"token": current_code(device)})
    assert "Too many incorrect codes" in throttled.content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30), tick=False):
        response = client.post(reverse("accounts:two-factor-setup"), {"token": current_code(device)})
        assert response["Location"] == reverse("core:home")
        assert client.get(reverse("core:home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed

    client.post(reverse("accounts:sign-out"))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5), tick=False):
        second = Client()
        post_sign_in(second, user.email, PASSWORD)
        assert second.get(reverse("core:home"))["Location"] == reverse("accounts:two-factor-verify")
        response = second.post(reverse("accounts:two-factor-verify"), {"token": current_code(device)})
        assert response["Location"] == reverse("core:home")
        assert second.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(
        actor=user, action=AuditEvent.Action.SIGN_IN, summary__contains="two-factor"
    ).exists()


@override_settings(ONWARD_REQUIRE_2FA=False)
def test_without_the_two_factor_setting_a_password_is_enough(world) -> None:
    """The demo turns two-factor sign-in off: a password alone reaches the home page."""
    client = Client()
    post_sign_in(client, world["A"].users["team_manager"].email, PASSWORD)
    assert client.get(reverse("core:home")).status_code == 200


def test_sign_out_needs_post_and_is_audited(world, signed_in) -> None:
    """Signing out ends the session and records it."""
    user = world["A"].users["personal_adviser"]
    client = signed_in(user)
    response = client.post(reverse("accounts:sign-out"))
    assert response["Location"] == reverse("accounts:signed-out")
    assert client.get(reverse("core:home")).status_code == 302
    assert AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.SIGN_OUT).exists()


def test_sign_in_ignores_a_next_address_on_another_site(world) -> None:
    """An off-site ?next= is not followed after signing in."""
    client = Client()
    with override_settings(ONWARD_REQUIRE_2FA=False):
        response = client.post(
            reverse("accounts:sign-in") + "?next=https://evil.example/",
            {"username": world["A"].users["personal_adviser"].email, "password": PASSWORD},
        )
    assert response["Location"] == reverse("core:home")


@pytest.mark.django_db
def test_a_set_password_link_enforces_the_password_policy_and_works_once(world) -> None:
    """A new user chooses a password meeting the policy; the link then stops working."""
    a = world["A"]
    user = UserFactory(organisation=a.council, email="new.starter@alderley.example", password=None)
    path = services.user_set_password_link(acting_user=a.users["administrator"], user=user)
    client = Client()
    form_page = client.get(path, follow=True)
    assert "Choose your password" in form_page.content.decode()
    post_url = form_page.redirect_chain[-1][0]
    weak = client.post(post_url, {"new_password1": "password", "new_password2": "password"})
    content = weak.content.decode()
    assert "There is a problem" in content
    assert "This password is too short" in content
    mismatch = client.post(post_url, {"new_password1": "long enough phrase 7", "new_password2": "another phrase 8"})
    assert "The passwords do not match" in mismatch.content.decode()
    done = client.post(post_url, {"new_password1": "kettle orange bicycle", "new_password2": "kettle orange bicycle"})
    assert done["Location"] == reverse("accounts:password-set")
    user.refresh_from_db()
    assert user.check_password("kettle orange bicycle")
    again = Client().get(path, follow=True)
    assert "This link has expired" in again.content.decode()
