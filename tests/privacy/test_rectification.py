"""Rectification (issue 22, UK GDPR Art. 16): a young person's "this is wrong" in their own service becomes a
request in the correction queue; staff correct the record (the old value kept in the history, with who and why)
or decline with a reason; the young person sees the answer. Pages refuse other councils' ids and restricted
records."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.people import services as people_services
from onward.people.models import Contact, EETSpell, YoungPerson
from onward.portal.models import Statement
from onward.privacy import services
from onward.privacy.models import Rectification, RectificationRequest
from tests.conftest import Tenant, sign_in
from tests.portal.conftest import open_account, portal_sign_in

pytestmark = pytest.mark.django_db


def _date_fields(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _person_post(person: YoungPerson, **changes: str) -> dict[str, object]:
    """The details form as it stands for ``person``, with ``changes``."""
    data: dict[str, object] = {
        "child_id": person.child_id,
        "legal_given_name": person.legal_given_name,
        "legal_family_name": person.legal_family_name,
        "preferred_name": person.preferred_name,
        **_date_fields("date_of_birth", person.date_of_birth),
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "upn": person.upn,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
        "version": person.version,
    }
    for flag in ("uasc", "send", "ehcp", "is_parent", "is_pregnant", "lives_out_of_area"):
        data[flag] = "yes" if getattr(person, flag) else "no"
    data["out_of_area_location"] = person.out_of_area_location
    data.update(changes)
    return data


def _this_is_wrong(tenant: Tenant, text: str) -> Client:
    young = portal_sign_in(Client(), open_account(tenant))
    assert young.post(reverse("my:eet-wrong"), {"text": text}).status_code == 302
    return young


def test_this_is_wrong_is_corrected_through_the_queue_and_the_young_person_sees_it(world: dict[str, Tenant]) -> None:
    """The portal's "this is wrong" logs a request (via the portal, due in a calendar month, naming the EET
    record); the adviser and the officer see it in the queue; the adviser corrects the EET record from it: the
    old record stays, superseded, with the reason and who; the correction keeps old and new values and is
    audited; the request and what the young person said are answered; the young person sees the answer."""
    a = world["A"]
    spell = a.spell
    assert spell is not None and a.person is not None
    young = _this_is_wrong(a, "I started an apprenticeship at Brightwell Logistics")
    request = RectificationRequest.objects.get()
    assert (request.via, request.status, request.person) == ("portal", "open", a.person)
    assert (request.record_type, request.record_id) == ("people.EETSpell", spell.pk)
    assert request.due_on == services.one_calendar_month_after(timezone.localdate())
    statement = Statement.objects.get(kind=Statement.Kind.EET_WRONG)
    assert request.statement_id == statement.pk

    adviser = sign_in(Client(), a.users["personal_adviser"])
    officer = sign_in(Client(), a.users["data_protection_officer"])
    for client in (adviser, officer):
        queue = client.get(reverse("privacy:correction-list")).content.decode()
        assert a.person.child_id in queue and "The young person portal" in queue
    record_page = adviser.get(reverse("people:person-detail", kwargs={"pk": a.person.pk})).content.decode()
    assert reverse("privacy:correction-list") in record_page
    assert reverse("privacy:correct-person", kwargs={"person_pk": a.person.pk}) in record_page
    detail = adviser.get(reverse("privacy:correction-detail", kwargs={"pk": request.pk})).content.decode()
    assert "I started an apprenticeship at Brightwell Logistics" in detail
    url = reverse("privacy:correct-record", kwargs={"person_pk": a.person.pk, "kind": "eet", "record_pk": spell.pk})
    assert f"{url}?request={request.pk}" in detail
    officer_detail = officer.get(reverse("privacy:correction-detail", kwargs={"pk": request.pk})).content.decode()
    assert "Correct their details" not in officer_detail and "Decline" in officer_detail  # no caseload access

    post = {
        "activity": "apprenticeship",
        "part_time": "no",
        "provider": "Brightwell Logistics",
        "source": "worker",
        **_date_fields("start", spell.start),
    }
    refused = adviser.post(f"{url}?request={request.pk}", {**post, "correction_reason": ""})
    assert refused.status_code == 400 and "Enter the reason for the correction" in refused.content.decode()
    assert EETSpell.objects.filter(person=a.person, superseded_at__isnull=False).count() == 0

    saved = adviser.post(f"{url}?request={request.pk}", {**post, "correction_reason": "She told us she started"})
    assert saved.status_code == 302
    old = EETSpell.objects.get(pk=spell.pk)
    assert old.superseded_at is not None and old.activity == spell.activity
    new = EETSpell.objects.get(corrects=old)
    assert new.activity == "apprenticeship" and new.correction_reason == "She told us she started"
    assert new.recorded_by == a.users["personal_adviser"]
    correction = Rectification.objects.get()
    assert correction.changes["activity"] == [spell.activity, "apprenticeship"]
    assert (correction.record_type, correction.record_id, correction.request) == ("people.EETSpell", new.pk, request)
    assert correction.recorded_by == a.users["personal_adviser"] and correction.asked_via == "portal"
    assert AuditEvent.objects.filter(object_type="privacy.Rectification", object_id=str(correction.pk)).exists()
    request.refresh_from_db()
    statement.refresh_from_db()
    assert request.status == "corrected" and request.decided_by == a.users["personal_adviser"]
    assert statement.resolved_at is not None and "She told us she started" in statement.response

    page = young.get(reverse("my:your-data")).content.decode()
    assert "We corrected your record" in page and "She told us she started" in page


def test_a_request_is_declined_only_with_a_reason_which_the_young_person_sees(world: dict[str, Tenant]) -> None:
    """Declining needs a reason (nothing changes without one); then the young person reads it."""
    a = world["A"]
    young = _this_is_wrong(a, "I am not at college")
    request = RectificationRequest.objects.get()
    officer = sign_in(Client(), a.users["data_protection_officer"])
    assert "1 request to correct a record open" in officer.get(reverse("core:home")).content.decode()
    url = reverse("privacy:correction-decline", kwargs={"pk": request.pk})
    officer.post(url, {"reason": " "})
    request.refresh_from_db()
    assert request.is_open
    assert young.get(reverse("my:your-data")).content.decode().count("We are checking it") == 1
    officer.post(url, {"reason": "The college confirmed you are enrolled until July"})
    request.refresh_from_db()
    assert request.status == "declined" and request.decided_by == a.users["data_protection_officer"]
    page = young.get(reverse("my:your-data")).content.decode()
    assert "We did not change your record" in page and "enrolled until July" in page
    assert not Rectification.objects.exists()
    assert "request to correct a record" not in officer.get(reverse("core:home")).content.decode()


def test_details_and_contacts_are_corrected_with_a_reason_keeping_the_old_values(world: dict[str, Tenant]) -> None:
    """The young person's own details and a contact record are corrected on the correction pages: no reason,
    nothing changes (400); with one, the old value is kept (in the correction, and the contact superseded)."""
    a = world["A"]
    person = a.person
    assert person is not None
    adviser = sign_in(Client(), a.users["personal_adviser"])
    url = reverse("privacy:correct-person", kwargs={"person_pk": person.pk})
    assert adviser.get(url).status_code == 200
    bad = adviser.post(url, {**_person_post(person, phone="07700 900999"), "reason": ""})
    assert bad.status_code == 400 and "Enter why the record is being corrected" in bad.content.decode()
    assert YoungPerson.objects.get(pk=person.pk).phone == person.phone
    good = adviser.post(url, {**_person_post(person, phone="07700 900999"), "reason": "Her new number"})
    assert good.status_code == 302
    correction = Rectification.objects.get()
    assert correction.changes == {"phone": [person.phone, "07700 900999"]} and correction.record_type == ""
    assert YoungPerson.objects.get(pk=person.pk).phone == "07700 900999"

    contact = people_services.contact_record(
        acting_user=a.users["personal_adviser"],
        person=person,
        date=timezone.localdate() - datetime.timedelta(days=3),
        method="phone",
        in_touch="YES",
        note="Spoke about the flat",
    )
    url = reverse("privacy:correct-record", kwargs={"person_pk": person.pk, "kind": "contact", "record_pk": contact.pk})
    post = {
        "method": "in_person",
        "in_touch": "YES",
        "note": "Visited her at the flat",
        **_date_fields("date", contact.date),
    }
    assert adviser.post(url, {**post, "correction_reason": ""}).status_code == 400
    assert adviser.post(url, {**post, "correction_reason": "It was a visit"}).status_code == 302
    old = Contact.objects.get(pk=contact.pk)
    assert old.superseded_at is not None and old.method == "phone" and old.note == "Spoke about the flat"
    latest = Rectification.objects.filter(record_type="people.Contact").get()
    assert latest.changes["method"] == ["phone", "in_person"] and latest.reason == "It was a visit"


def test_other_councils_ids_answer_404_and_roles_without_the_power_are_refused(world: dict[str, Tenant]) -> None:
    """Council B's adviser and officer get 404 for council A's request, young person and records; the officer,
    who has no access to the caseload, may not open the correction pages (403); a viewer without the power to
    change records may not either."""
    a, b = world["A"], world["B"]
    assert a.person is not None and a.spell is not None
    _this_is_wrong(a, "Wrong college")
    request = RectificationRequest.objects.get()
    urls = [
        reverse("privacy:correction-detail", kwargs={"pk": request.pk}),
        reverse("privacy:correct-person", kwargs={"person_pk": a.person.pk}),
        reverse("privacy:correct-record", kwargs={"person_pk": a.person.pk, "kind": "eet", "record_pk": a.spell.pk}),
    ]
    for key in ("personal_adviser", "team_manager"):
        other = sign_in(Client(), b.users[key])
        assert [other.get(url).status_code for url in urls] == [404, 404, 404]
        assert (
            other.post(reverse("privacy:correction-decline", kwargs={"pk": request.pk}), {"reason": "x"}).status_code
            == 404
        )
    other_officer = sign_in(Client(), b.users["data_protection_officer"])
    assert other_officer.get(urls[0]).status_code == 404
    assert a.person.child_id not in other_officer.get(reverse("privacy:correction-list")).content.decode()
    officer = sign_in(Client(), a.users["data_protection_officer"])
    assert [officer.get(url).status_code for url in urls] == [200, 403, 403]
    # A record of another young person under this request's id: refused.
    b_spell = b.spell
    assert b_spell is not None
    adviser = sign_in(Client(), a.users["personal_adviser"])
    wrong = reverse("privacy:correct-record", kwargs={"person_pk": a.person.pk, "kind": "eet", "record_pk": b_spell.pk})
    assert adviser.get(wrong).status_code == 404
    assert (
        adviser.get(
            reverse("privacy:correct-record", kwargs={"person_pk": a.person.pk, "kind": "care", "record_pk": 1})
        ).status_code
        == 404
    )
    request.refresh_from_db()
    assert request.is_open


def test_a_restricted_record_stays_refused_on_the_correction_pages(world: dict[str, Tenant]) -> None:
    """Restricted to team managers: the adviser gets 404 on the request and the correction pages, and the
    queue does not name the young person to them; the team manager still corrects it."""
    a = world["A"]
    assert a.person is not None and a.spell is not None
    _this_is_wrong(a, "Wrong college")
    request = RectificationRequest.objects.get()
    services.restriction_place(
        acting_user=a.users["data_protection_officer"],
        person=a.person,
        reason="Contests the accuracy of the record",
        allowed_roles=["team_manager"],
    )
    urls = [
        reverse("privacy:correction-detail", kwargs={"pk": request.pk}),
        reverse("privacy:correct-person", kwargs={"person_pk": a.person.pk}),
        reverse("privacy:correct-record", kwargs={"person_pk": a.person.pk, "kind": "eet", "record_pk": a.spell.pk}),
        reverse("privacy:correct-person", kwargs={"person_pk": a.person.pk}) + f"?request={request.pk}",
    ]
    adviser = sign_in(Client(), a.users["personal_adviser"])
    assert [adviser.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert (
        adviser.post(reverse("privacy:correction-decline", kwargs={"pk": request.pk}), {"reason": "x"}).status_code
        == 404
    )
    assert a.person.child_id not in adviser.get(reverse("privacy:correction-list")).content.decode()
    manager = sign_in(Client(), a.users["team_manager"])
    assert [manager.get(url).status_code for url in urls] == [200, 200, 200, 200]


def test_a_correction_naming_a_college_keeps_its_name(world: dict[str, Tenant]) -> None:
    """Correcting the setting an EET record names keeps the old and new settings by name (a linked record)."""
    from onward.network import services as network_services

    a = world["A"]
    assert a.spell is not None
    college = network_services.setting_create(
        acting_user=a.users["performance_officer"],
        council=a.council,
        name="Wexbridge College",
        kind="college",
        ukprn="10007123",
    )
    correction = services.rectification_correct_history(
        acting_user=a.users["personal_adviser"],
        kind="eet",
        record=a.spell,
        reason="She is at Wexbridge College",
        setting=college,
    )
    assert correction.changes == {"setting": [None, "Wexbridge College"]}
    assert EETSpell.objects.get(pk=correction.record_id).setting == college


def test_this_is_wrong_is_answered_only_through_its_correction_request(world: dict[str, Tenant]) -> None:
    """The adviser's "Deal with this" on what the young person said goes to the correction request, so the
    correction and the young person's answer are one decision: answering it as a plain task is not offered."""
    a = world["A"]
    assert a.person is not None
    _this_is_wrong(a, "I left college in June")
    request = RectificationRequest.objects.get()
    statement = Statement.objects.get(kind=Statement.Kind.EET_WRONG)
    adviser = sign_in(Client(), a.users["personal_adviser"])
    url = reverse("portal:resolve", kwargs={"pk": a.person.pk, "statement_pk": statement.pk})
    for response in (adviser.get(url), adviser.post(url, {"response": "Done"})):
        assert response.status_code == 302
        assert response["Location"] == reverse("privacy:correction-detail", kwargs={"pk": request.pk})
    statement.refresh_from_db()
    assert statement.resolved_at is None
    # Other things young people say are still answered on the task page.
    from onward.portal import services as portal_services

    account = statement.person.portal_account
    check_in = portal_services.check_in(account=account, mood="bad", wants_help=True, text="Rent is late")
    page = adviser.get(reverse("portal:resolve", kwargs={"pk": a.person.pk, "statement_pk": check_in.pk}))
    assert page.status_code == 200
