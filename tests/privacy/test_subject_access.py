"""Subject access: a request logged with its due date, the bundle gathered from everything Onward holds,
redaction review, approval and release as JSON and PDF, all audited (issue 22)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.people import access as people_access
from onward.people.models import YoungPerson
from onward.privacy import bundle as bundles
from onward.privacy import services
from onward.privacy.models import SubjectAccessRequest
from onward.referrals import access as referral_access
from tests.conftest import Tenant, sign_in
from tests.privacy.builders import full_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (datetime.date(2026, 3, 15), datetime.date(2026, 4, 15)),
        (datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 30), datetime.date(2028, 2, 29)),
        (datetime.date(2026, 12, 31), datetime.date(2027, 1, 31)),
    ],
)
def test_a_request_is_due_one_calendar_month_after_it_was_received(received: datetime.date, due: datetime.date) -> None:
    """One calendar month; when the next month has no such day, its last day."""
    assert services.one_calendar_month_after(received) == due


def _reverse_relations(model: type[models.Model]) -> list[Any]:
    """Foreign keys and one-to-ones pointing at ``model``, hidden ones (``related_name="+"``) included."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created
        and not f.concrete
        and (f.one_to_many or f.one_to_one)
        and f.related_model is not AuditEvent
        and not f.related_model._meta.auto_created  # a many-to-many's table: its values are in the row
    ]


def _reachable(person: YoungPerson) -> set[tuple[str, Any]]:
    """Every record that belongs to the young person, found from Django's reverse relations (not from the
    bundle's own walk): records pointing at them, records pointing at those, and so on."""
    found: set[tuple[str, Any]] = {(YoungPerson._meta.label, person.pk)}
    frontier: list[models.Model] = [person]
    while frontier:
        row = frontier.pop()
        for relation in _reverse_relations(type(row)):
            related_model = relation.related_model
            if related_model is type(row):
                continue  # a record's corrections are the young person's records already
            for child in related_model._default_manager.filter(**{relation.field.name: row}):
                key = (child._meta.label, child.pk)
                if key not in found:
                    found.add(key)
                    frontier.append(child)
    return found


def test_the_bundle_holds_every_record_the_young_person_has(world: dict[str, Tenant]) -> None:
    """For a young person with a record of every kind: every record reachable from them by the models'
    relations is in the bundle, with every audit entry about any of them and the plan text naming them;
    another council's plan naming someone of the same name is not."""
    tenant = world["A"]
    full_record(tenant)
    person = tenant.person
    assert person is not None
    other = world["B"]
    from onward.plans.models import Update

    Update.objects.create(
        item=other.plan_item,
        dated=timezone.localdate(),
        author=other.users["plan_lead"],
        evidence_of_impact=f"{person.legal_name} (another council's young person of the same name)",
    )

    bundle, flags = bundles.gather(person)

    expected = _reachable(person)
    held = bundles.held_keys(bundle)
    assert expected <= held, f"Not in the bundle: {sorted(expected - held)}"
    assert held == expected
    consent = next(s for s in bundle["sections"] if s["model"] == "referrals.Consent")["rows"][0]
    assert consent["organisations"] == [tenant.partner.name]
    kinds = {label for label, _ in expected}
    assert {"people.Contact", "referrals.Consent", "referrals.Event", "opportunities.SustainmentCheck"} <= kinds

    audit_ids = {entry["id"] for entry in bundle["audit_trail"]}
    wanted = {
        event.pk
        for event in AuditEvent.objects.all()
        if (event.object_type, event.object_id) in {(label, str(pk)) for label, pk in expected}
    }
    assert wanted and wanted <= audit_ids
    assert any(e["action"] == "Viewed" and e["record_type"] == "people.YoungPerson" for e in bundle["audit_trail"])

    mentions = bundle["plan_mentions"]
    assert len(mentions) == 1 and "apprenticeship" in mentions[0]["text"]
    reasons = {(flag["model"], flag["field"]) for flag in flags}
    assert ("people.Contact", "note") in reasons
    assert ("referrals.Event", "note") in reasons
    assert any(model.startswith("mention:") for model, _ in reasons)


def test_the_bundle_walk_reaches_every_model_pointing_at_a_young_person() -> None:
    """Every model with a foreign key to a young person, or to one of their records, is walked: a new model
    pointing at them is in the bundle without a change to the bundle code."""
    walked = set(bundles.holding_models())
    for model in walked:
        for relation in _reverse_relations(model):
            if relation.related_model is model:
                continue
            assert relation.related_model in walked, relation.related_model


def test_a_request_from_the_portal_is_logged_with_its_due_date(world: dict[str, Tenant]) -> None:
    """The portal's call (no member of staff) logs the request, audited, and the officer's list shows the
    time left."""
    tenant = world["A"]
    sar = services.subject_access_request_create(young_person=tenant.person, via=SubjectAccessRequest.Via.PORTAL)
    assert sar.due_on == services.one_calendar_month_after(timezone.localdate())
    assert AuditEvent.objects.filter(object_type="privacy.SubjectAccessRequest", object_id=str(sar.pk)).exists()
    client = sign_in(Client(), tenant.users["data_protection_officer"])
    page = client.get(reverse("privacy:request-list")).content.decode()
    assert tenant.person.child_id in page  # type: ignore[union-attr]
    days = (sar.due_on - timezone.localdate()).days
    assert f"{days} days" in page


def test_the_officer_answers_a_request_through_the_pages(world: dict[str, Tenant]) -> None:
    """Log, gather, review (redacting a third party's name), approve, then download JSON and PDF; the
    redacted value is not in the file; every step is audited."""
    tenant = world["A"]
    full_record(tenant)
    person = tenant.person
    assert person is not None
    officer = tenant.users["data_protection_officer"]
    client = sign_in(Client(), officer)
    today = timezone.localdate()
    response = client.post(
        reverse("privacy:request-create"),
        {
            "child_id": person.child_id.lower(),
            "via": "email",
            "requester_name": "",
            "received_on_0": today.day,
            "received_on_1": today.month,
            "received_on_2": today.year,
        },
    )
    assert response.status_code == 302
    sar = SubjectAccessRequest.objects.get(person=person)
    detail = reverse("privacy:request-detail", kwargs={"pk": sar.pk})
    bundle_url = reverse("privacy:request-bundle", kwargs={"pk": sar.pk, "file_format": "json"})
    assert client.get(bundle_url).status_code == 404  # nothing released before approval
    client.post(reverse("privacy:request-gather", kwargs={"pk": sar.pk}))
    sar.refresh_from_db()
    assert sar.status == SubjectAccessRequest.Status.IN_REVIEW
    note = next(f for f in sar.flags if f["model"] == "people.Contact" and f["field"] == "note")
    assert "Moira Quayle" in client.get(detail).content.decode()
    client.post(reverse("privacy:request-approve", kwargs={"pk": sar.pk}))
    sar.refresh_from_db()
    assert sar.status == SubjectAccessRequest.Status.IN_REVIEW  # not before the review
    client.post(reverse("privacy:request-review", kwargs={"pk": sar.pk}), {"redact": [note["id"]]})
    client.post(reverse("privacy:request-approve", kwargs={"pk": sar.pk}))
    sar.refresh_from_db()
    assert sar.status == SubjectAccessRequest.Status.APPROVED and sar.approved_by == officer

    downloaded = client.get(bundle_url)
    assert downloaded.status_code == 200
    assert "attachment" in downloaded["Content-Disposition"]
    data = json.loads(downloaded.content)
    assert "Moira Quayle" not in downloaded.content.decode()
    contacts = next(s for s in data["sections"] if s["model"] == "people.Contact")
    assert contacts["rows"][0]["note"] == bundles.REDACTED
    assert data["young_person"]["child_id"] == person.child_id
    pdf = client.get(reverse("privacy:request-bundle", kwargs={"pk": sar.pk, "file_format": "pdf"}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    sar.refresh_from_db()
    assert sar.status == SubjectAccessRequest.Status.RELEASED
    summaries = list(
        AuditEvent.objects.filter(actor=officer).values_list("summary", flat=True).order_by("occurred_at", "id")
    )
    assert any(s.startswith("Gathered the subject access bundle") for s in summaries)
    assert any(s.startswith("Redaction review") for s in summaries)
    assert "Approved for release" in summaries
    assert sum("downloaded as" in s for s in summaries) == 2


def test_a_request_for_an_unknown_child_identifier_changes_nothing(world: dict[str, Tenant]) -> None:
    """Bad input gets a GOV.UK message and logs nothing; another council's young person is unknown too."""
    tenant = world["A"]
    client = sign_in(Client(), tenant.users["data_protection_officer"])
    today = timezone.localdate()
    for child_id in ("NOBODY", world["B"].person.child_id):  # type: ignore[union-attr]
        response = client.post(
            reverse("privacy:request-create"),
            {
                "child_id": child_id,
                "via": "email",
                "received_on_0": today.day,
                "received_on_1": today.month,
                "received_on_2": today.year,
            },
        )
        assert response.status_code == 400
        assert "There is no young person with this child identifier in your council" in response.content.decode()
    response = client.post(reverse("privacy:request-create"), {"child_id": tenant.person.child_id})  # type: ignore[union-attr]
    assert "Select how the request was made" in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


def test_the_data_protection_officer_has_no_access_to_the_caseload(world: dict[str, Tenant]) -> None:
    """The officer sees no young person through the caseload policy, and the caseload pages refuse them."""
    tenant = world["A"]
    officer = tenant.users["data_protection_officer"]
    assert not people_access.people_visible_to(officer).exists()
    assert not referral_access.referrals_visible_to(officer).exists()
    client = sign_in(Client(), officer)
    assert client.get(reverse("people:person-detail", kwargs={"pk": tenant.person.pk})).status_code == 403  # type: ignore[union-attr]
    assert client.get(reverse("people:caseload")).status_code == 403


def test_carers_names_and_staff_notes_on_supporters_records_are_marked_for_review(world: dict[str, Tenant]) -> None:
    """Issue 27: a young person's carers are third parties, and notes on their mentoring and EHC plans are
    staff's words; the bundle holds them and marks each for the reviewer."""
    from onward.supporters.models import EHCPlan
    from tests.supporters.world import supporters_world

    tenant = world["A"]
    found = supporters_world(tenant)
    assert tenant.person is not None
    EHCPlan.objects.filter(pk=found.ehc_plan.pk).update(notes="Reviewed with the SENCO")
    bundle, flags = bundles.gather(tenant.person)
    marked = {(flag["model"], flag["field"]) for flag in flags}
    assert {("supporters.Carer", "name"), ("supporters.Carer", "named_contact")} <= marked
    assert ("supporters.EHCPlan", "notes") in marked
    assert ("supporters.Carer", found.carer.pk) in bundles.held_keys(bundle)
