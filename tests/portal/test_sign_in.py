"""Young people sign in with an emailed one-time code; sessions are short; an adviser ends access at once."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.portal import services
from onward.portal.models import PortalAccount, SignInCode
from tests.portal.conftest import open_account, portal_sign_in

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _code_from_outbox() -> str:
    match = re.search(r"\b(\d{6})\b", mail.outbox[-1].subject)
    assert match
    return match.group(1)


def test_an_adviser_invites_a_young_person_with_their_consent(
    world, signed_in, django_capture_on_commit_callbacks
) -> None:
    """The invitation records how and when they agreed, emails them, and is audited."""
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    url = reverse("portal:invite", kwargs={"pk": a.person.pk})
    refused = client.post(url, {"email": "kai@example.org", "consent_method": "in_person"})
    assert refused.status_code == 200
    assert b"Confirm that the young person has agreed" in refused.content
    assert not PortalAccount.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "email": "Kai@Example.org",
                "consent_method": "in_person",
                "consent_confirmed": "on",
                **_date("consent_given_on", timezone.localdate()),
            },
        )
    assert response.status_code == 302
    account = PortalAccount.objects.get(person=a.person)
    assert account.email == "kai@example.org"
    assert account.consent_method == "in_person"
    assert account.invited_by == a.users["personal_adviser"]
    assert mail.outbox[-1].to == ["kai@example.org"]
    assert AuditEvent.objects.filter(object_type="portal.PortalAccount", object_id=str(account.pk)).exists()
    page = client.get(reverse("people:person-detail", kwargs={"pk": a.person.pk}))
    assert b"kai@example.org" in page.content


def test_a_partner_cannot_invite(world, signed_in) -> None:
    """Only staff who may change a young person's record open their own page."""
    a = world["A"]
    for key, user in a.users.items():
        client = signed_in(user)
        answer = client.get(reverse("portal:invite", kwargs={"pk": a.person.pk})).status_code
        assert answer == (200 if user.can("people.change") else 403), key


def test_a_young_person_signs_in_with_an_emailed_code(
    world, client: Client, django_capture_on_commit_callbacks
) -> None:
    """Email, then the code from the email: they reach their own page; the sign-in is audited."""
    account = open_account(world["A"], "kai@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("my:sign-in"), {"email": "KAI@example.org"})
    assert response["Location"] == reverse("my:code")
    code = _code_from_outbox()
    assert SignInCode.objects.get(account=account).code_hash != code
    wrong = client.post(reverse("my:code"), {"code": "000000" if code != "000000" else "111111"})
    assert b"The code is wrong or has expired" in wrong.content
    response = client.post(reverse("my:code"), {"code": code})
    assert response["Location"] == reverse("my:home")
    home = client.get(reverse("my:home"))
    assert home.status_code == 200
    assert world["A"].users["personal_adviser"].email.encode() in home.content
    account.refresh_from_db()
    assert account.status == PortalAccount.Status.ACTIVE
    assert AuditEvent.objects.filter(action="sign_in", council=world["A"].council).exists()
    assert AuditEvent.objects.filter(action="sign_in_failed", council=world["A"].council).exists()
    # The code works once.
    other = Client()
    other.post(reverse("my:sign-in"), {"email": "kai@example.org"})
    assert other.post(reverse("my:code"), {"code": code}).status_code == 200


def test_the_sign_in_page_says_the_same_for_an_unknown_address(world, client: Client) -> None:
    """Whether an address has an account is never revealed: the same next page, and no email."""
    open_account(world["A"], "kai@example.org")
    response = client.post(reverse("my:sign-in"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("my:code")
    assert client.get(reverse("my:code")).status_code == 200
    assert mail.outbox == []


def test_a_code_expires_and_allows_few_tries(world) -> None:
    account = open_account(world["A"], "kai@example.org")
    services.code_send(email="kai@example.org")
    SignInCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert services.code_check(email="kai@example.org", code="123456") is None
    services.code_send(email="kai@example.org")
    live = SignInCode.objects.get(account=account, used_at__isnull=True)
    for _ in range(services.CODE_ATTEMPTS):
        services.code_check(email="kai@example.org", code="not-it")
    live.refresh_from_db()
    assert live.attempts == services.CODE_ATTEMPTS
    assert services.code_check(email="kai@example.org", code="any") is None


def test_bad_input_gets_a_message(world, client: Client) -> None:
    assert b"Enter your email address" in client.post(reverse("my:sign-in"), {"email": ""}).content
    assert b"Enter an email address like" in client.post(reverse("my:sign-in"), {"email": "x" * 300}).content
    client.post(reverse("my:sign-in"), {"email": "a@example.org"})
    assert b"Enter the 6 numbers" in client.post(reverse("my:code"), {"code": "12ab"}).content


def test_ending_access_signs_them_out_at_once(world, signed_in, client: Client) -> None:
    """The adviser ends access: the young person's next request goes to the sign-in page, and no code is sent."""
    a = world["A"]
    account = open_account(a)
    portal_sign_in(client, account)
    assert client.get(reverse("my:home")).status_code == 200
    staff = signed_in(a.users["personal_adviser"])
    assert staff.post(reverse("portal:end", kwargs={"pk": a.person.pk}), {"reason": ""}).status_code == 200
    response = staff.post(reverse("portal:end", kwargs={"pk": a.person.pk}), {"reason": "Asked us to"})
    assert response.status_code == 302
    assert client.get(reverse("my:home"))["Location"] == reverse("my:sign-in")
    services.code_send(email=account.email)
    assert not SignInCode.objects.filter(account=account, used_at__isnull=True).exists()
    assert AuditEvent.objects.filter(summary__startswith="Access to the young person's own service ended").exists()


def test_sessions_are_short(world, client: Client, settings) -> None:
    """The session idles out after ONWARD_PORTAL_SESSION_IDLE_MINUTES and ends after the maximum whatever."""
    account = open_account(world["A"])
    portal_sign_in(client, account)
    client.get(reverse("my:home"))
    assert client.session.get_expiry_age() == settings.ONWARD_PORTAL_SESSION_IDLE_MINUTES * 60
    session = client.session
    session["portal_started"] = timezone.now().timestamp() - settings.ONWARD_PORTAL_SESSION_MAX_MINUTES * 60 - 1
    session.save()
    assert client.get(reverse("my:home"))["Location"] == reverse("my:sign-in")


def test_leave_this_site_ends_the_session_and_goes_elsewhere(world, client: Client, settings) -> None:
    account = open_account(world["A"])
    portal_sign_in(client, account)
    page = client.get(reverse("my:home"))
    assert b"govuk-exit-this-page" in page.content
    response = client.get(reverse("my:leave"))
    assert response["Location"] == settings.ONWARD_PORTAL_EXIT_URL
    assert client.get(reverse("my:home"))["Location"] == reverse("my:sign-in")


def test_a_staff_session_is_never_a_young_persons(world, signed_in) -> None:
    a = world["A"]
    account = open_account(a)
    client = signed_in(a.users["personal_adviser"])
    portal_sign_in(client, account)
    assert client.get(reverse("my:home"))["Location"] == reverse("my:sign-in")


def test_every_portal_page_is_no_store(world, client: Client) -> None:
    """The young person is not a staff user, so the portal marks its own pages no-store."""
    account = open_account(world["A"])
    for name in ("my:sign-in", "my:signed-out"):
        assert "no-store" in client.get(reverse(name))["Cache-Control"]
    portal_sign_in(client, account)
    for name in ("my:home", "my:opportunities", "my:check-in", "my:goal-add", "my:eet-wrong"):
        assert "no-store" in client.get(reverse(name))["Cache-Control"], name
