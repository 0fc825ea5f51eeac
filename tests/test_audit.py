"""The audit trail records views, changes and exports, and nothing can change or delete it."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import transaction
from django.urls import reverse

from onward.audit.models import AuditEvent, AuditImmutableError
from onward.audit.services import audit_record


def test_viewing_a_user_record_is_audited_with_who_what_and_address(world, signed_in) -> None:
    """Opening a user's record writes a 'view' entry naming the viewer, the record and the address."""
    a = world["A"]
    admin, subject = a.users["administrator"], a.users["personal_adviser"]
    client = signed_in(admin)
    response = client.get(reverse("accounts:user-detail", kwargs={"pk": subject.pk}), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, object_id=str(subject.pk))
    assert event.actor == admin
    assert event.council == a.council
    assert event.object_type == "accounts.User"
    assert event.ip_address == "203.0.113.7"
    assert event.request_id


def test_a_change_is_audited_with_its_field_differences(world, signed_in) -> None:
    """Changing a user records each changed field's old and new value, and only those."""
    a = world["A"]
    subject = a.users["personal_adviser"]
    client = signed_in(a.users["administrator"])
    response = client.post(
        reverse("accounts:user-update", kwargs={"pk": subject.pk}),
        {
            "given_name": "Priya",
            "family_name": subject.family_name,
            "job_title": "Senior personal adviser",
            "roles": ["personal_adviser", "team_manager"],
            "teams": [a.team.pk],
            "is_active": "yes",
            "version": subject.version,
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE, object_id=str(subject.pk))
    assert event.changes == {
        "given_name": [subject.given_name, "Priya"],
        "job_title": ["", "Senior personal adviser"],
        "roles": [["personal_adviser"], ["personal_adviser", "team_manager"]],
    }
    assert event.actor == a.users["administrator"]


def test_an_export_is_audited_and_the_file_holds_the_filtered_entries(world, signed_in) -> None:
    """Downloading the audit trail records an export entry; the CSV honours the filters."""
    a = world["A"]
    admin = a.users["administrator"]
    client = signed_in(admin)
    client.get(reverse("accounts:user-detail", kwargs={"pk": a.users["plan_lead"].pk}))
    client.get(reverse("accounts:user-detail", kwargs={"pk": a.users["councillor"].pk}))
    response = client.get(reverse("audit:event-export"), {"action": "view"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "time"
    assert sorted(row[5] for row in rows[1:]) == sorted(
        [a.users["plan_lead"].full_name, a.users["councillor"].full_name]
    )
    export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert export.actor == admin
    assert export.council == a.council
    assert "Exported 2 audit entries" in export.summary


def test_audit_trail_filters_by_user_record_and_date(world, signed_in) -> None:
    """The trail page filters by the user's email, the record and a date range."""
    a = world["A"]
    admin = a.users["administrator"]
    client = signed_in(admin)
    subject = a.users["plan_lead"]
    client.get(reverse("accounts:user-detail", kwargs={"pk": subject.pk}))
    page = client.get(reverse("audit:event-list"), {"record": f"accounts.User {subject.pk}", "user": admin.email})
    assert page.context["page"].paginator.count == 1
    page = client.get(reverse("audit:event-list"), {"date_from": "1/1/2000", "date_to": "2/1/2000"})
    assert page.context["page"].paginator.count == 0
    page = client.get(reverse("audit:event-list"), {"date_from": "31/2/2026"})
    assert "From date must be a real date" in page.content.decode()
    page = client.get(reverse("audit:event-list"), {"date_from": "2/1/2026", "date_to": "1/1/2026"})
    assert "To date must be the same as or after the from date" in page.content.decode()


@pytest.mark.django_db
def test_audit_entries_cannot_be_changed_or_deleted() -> None:
    """Saving an existing entry, deleting it, or updating or deleting through a queryset all fail."""
    with transaction.atomic():
        event = audit_record(actor=None, action=AuditEvent.Action.EXPORT, council=None, summary="original")
    event.summary = "tampered"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="tampered")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "original"


def test_no_page_accepts_a_change_to_the_audit_trail(world, signed_in) -> None:
    """The audit pages only read: POST to them changes nothing and is refused."""
    client = signed_in(world["A"].users["administrator"])
    before = AuditEvent.objects.count()
    for name in ("audit:event-list", "audit:event-export"):
        response = client.post(reverse(name), {"summary": "x"})
        assert response.status_code == 405
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_audit_is_written_in_the_same_transaction_as_the_change() -> None:
    """An entry rolls back with its change, and one cannot be written outside a transaction."""
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        audit_record(actor=None, action=AuditEvent.Action.CHANGE, council=None, summary="no transaction")
    with pytest.raises(ValueError, match="boom"), transaction.atomic():
        audit_record(actor=None, action=AuditEvent.Action.CHANGE, council=None, summary="rolled back")
        raise ValueError("boom")
    assert not AuditEvent.objects.filter(summary__in=["rolled back", "no transaction"]).exists()


def test_a_failed_change_leaves_no_audit_entry(world, signed_in) -> None:
    """A change refused by validation saves nothing and audits nothing."""
    a = world["A"]
    client = signed_in(a.users["administrator"])
    before = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count()
    response = client.post(
        reverse("accounts:user-create"),
        {
            "email": a.users["plan_lead"].email,
            "given_name": "Sam",
            "family_name": "Okafor",
            "organisation": a.council.pk,
            "roles": ["plan_lead"],
        },
    )
    assert response.status_code == 200
    assert "A user with this email address already exists" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count() == before
