"""A young person asks for a copy of their records from their own service (issue 22): the request is logged
in the officer's list as made through the portal, due one calendar month later; they see where it is; a
second while one is open is refused; another young person's requests are never shown."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.portal import data_rights
from onward.privacy import services as privacy_services
from onward.privacy.models import SubjectAccessRequest
from tests.conftest import Tenant, sign_in
from tests.portal.conftest import open_account, portal_sign_in

pytestmark = pytest.mark.django_db


def test_a_young_person_asks_for_their_records_and_sees_the_status(world: dict[str, Tenant]) -> None:
    a, b = world["A"], world["B"]
    young = portal_sign_in(Client(), open_account(a))
    assert "Ask for a copy of your records" in young.get(reverse("my:your-data")).content.decode()
    assert "your-records" in young.get(reverse("my:home")).content.decode()

    response = young.post(reverse("my:your-data"))
    assert response.status_code == 302
    request = SubjectAccessRequest.objects.get()
    today = timezone.localdate()
    assert (request.person, request.council, request.via) == (a.person, a.council, SubjectAccessRequest.Via.PORTAL)
    assert request.received_on == today and request.due_on == privacy_services.one_calendar_month_after(today)
    assert request.logged_by is None
    assert AuditEvent.objects.filter(object_type="privacy.SubjectAccessRequest", object_id=str(request.pk)).exists()
    page = young.get(reverse("my:your-data")).content.decode()
    assert "A copy of your records" in page and "We are gathering your records" in page
    assert f"{request.due_on:%-d %B %Y}" in page

    young.post(reverse("my:your-data"))
    assert SubjectAccessRequest.objects.count() == 1
    assert "You asked for a copy on" in young.get(reverse("my:your-data")).content.decode()

    officer = sign_in(Client(), a.users["data_protection_officer"])
    listed = officer.get(reverse("privacy:request-list")).content.decode()
    assert a.person.child_id in listed and "Through the portal" in listed  # type: ignore[union-attr]
    privacy_services.subject_access_gather(request=request, acting_user=a.users["data_protection_officer"])
    assert "We are checking your records" in young.get(reverse("my:your-data")).content.decode()

    other = portal_sign_in(Client(), open_account(b))
    assert "A copy of your records" not in other.get(reverse("my:your-data")).content.decode()
    assert not officer.get(reverse("privacy:request-list")).content.decode().count(b.person.child_id)  # type: ignore[union-attr]


def test_without_the_data_protection_app_the_page_is_not_there(world: dict[str, Tenant]) -> None:
    """The portal works without whoever keeps data protection records: the page answers 404, "this is wrong"
    is still kept as the adviser's task."""
    young = portal_sign_in(Client(), open_account(world["A"]))
    saved = data_rights.registered()
    data_rights._registered.clear()
    try:
        assert young.get(reverse("my:your-data")).status_code == 404
        assert young.post(reverse("my:eet-wrong"), {"text": "Wrong"}).status_code == 302
    finally:
        assert saved is not None
        data_rights.register(saved)
