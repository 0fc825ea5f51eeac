"""Retention (issue 22): records past their date are listed daily; the officer's approval deletes the
personal data and leaves a tombstone with counts; every past indicator is unchanged; a legal hold stops it."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.people.generator import generate_council
from onward.people.models import Contact, EETSpell, YoungPerson
from onward.performance import selectors as performance
from onward.performance.indicators import month_ends_before
from onward.performance.models import Method
from onward.privacy import retention, services
from onward.privacy.models import Tombstone
from onward.referrals.models import Referral
from tests.conftest import Tenant, sign_in
from tests.factories import CouncilFactory, UserFactory

pytestmark = pytest.mark.django_db

SHORT = {"care_record_until_age": 23, "care_record_years_after_death": 15, "partner_referral_years": 6}
DIMENSIONS = ("team", "worker", "sex", "ethnicity", "age", "uasc")


def _figures(council: object, days: list[datetime.date]) -> dict[tuple[object, ...], object]:
    """Every indicator, both methods, headline and every breakdown, on each day."""
    found: dict[tuple[object, ...], object] = {}
    for day in days:
        for method in (Method.SNAPSHOT, Method.RETURN):
            for code, figure in performance.headline(council, day, method).items():  # type: ignore[arg-type]
                found[(day, method, code)] = (figure.numerator, figure.denominator, figure.value)
        for dimension in DIMENSIONS:
            groups = performance.breakdown(council, day, Method.SNAPSHOT, dimension)  # type: ignore[arg-type]
            for group, figures in groups.items():
                for code, figure in figures.items():
                    found[(day, dimension, group, code)] = (figure.numerator, figure.denominator)
    return found


@override_settings(ONWARD_RETENTION=SHORT)
def test_a_deletion_run_leaves_every_past_indicator_unchanged() -> None:
    """On a generated council, with care records kept only to 23 so that some are due: the daily list names
    them, the officer deletes every one not under a legal hold, and every indicator for the past three
    years (both methods, every breakdown) is what it was. The held record is untouched."""
    council = CouncilFactory(name="Generated Borough Council")
    generate_council(council=council, size=120, seed=11)
    officer = UserFactory(organisation=council, roles=["data_protection_officer"])
    today = timezone.localdate()
    days = month_ends_before(today, 36)[::3]
    before = _figures(council, days)
    assert any(isinstance(v, tuple) and v[0] for v in before.values()), "no figure counts anybody: proves nothing"

    due = [item for item in retention.past_retention(council, today) if item.rule == "care_record"]
    assert len(due) >= 3
    held_person = due[0].person
    services.legal_hold_place(acting_user=officer, person=held_person, reason="A claim is under way")
    out = StringIO()
    call_command("retention_due", stdout=out)
    assert f"{len(due)} past their retention date (1 under a legal hold)" in out.getvalue()
    assert f"{held_person.child_id}  care_record" in out.getvalue()

    with pytest.raises(ValidationError, match="legal hold"):
        retention.deletion_approve(acting_user=officer, person=held_person, rule="care_record")
    deleted = [item.person for item in due[1:]]
    sample = deleted[0]
    words = list(Contact.objects.filter(person=sample).exclude(note="").values_list("pk", flat=True))
    for person in deleted:
        retention.deletion_approve(acting_user=officer, person=person, rule="care_record")

    assert _figures(council, days) == before
    gone = YoungPerson.objects.get(pk=sample.pk)
    assert gone.child_id == f"DELETED-{sample.pk}" and gone.legal_given_name == "Deleted"
    assert (gone.phone, gone.email, gone.address, gone.upn, gone.preferred_name) == ("", "", "", "", "")
    assert not Contact.objects.filter(pk__in=words).exclude(note="").exists()
    assert not EETSpell.objects.filter(person=sample).exclude(provider="").exists()
    assert not AuditEvent.objects.filter(object_type="people.YoungPerson", object_id=str(sample.pk)).exists()
    tombstone = Tombstone.objects.get(person_ref=sample.pk)
    assert tombstone.counts["people.YoungPerson"] == 1 and tombstone.approved_by == officer
    assert AuditEvent.objects.filter(object_type="privacy.Tombstone", action=AuditEvent.Action.DELETE).count() == len(
        deleted
    )
    held = YoungPerson.objects.get(pk=held_person.pk)
    assert held.child_id == held_person.child_id and held.legal_family_name == held_person.legal_family_name
    remaining = [item.person.pk for item in retention.past_retention(council, today) if item.rule == "care_record"]
    assert remaining == [held_person.pk]


@override_settings(ONWARD_RETENTION=SHORT)
def test_a_deleted_record_is_refused_on_every_page(world: dict[str, Tenant]) -> None:
    """After deletion the de-identified rows are hidden from every role (a restriction naming none), the
    referral and what was shared with the partner are gone, and the officer's page lists the tombstone."""
    tenant = world["A"]
    person = tenant.person
    assert person is not None
    YoungPerson.objects.filter(pk=person.pk).update(date_of_birth=datetime.date(1990, 1, 1))
    officer = tenant.users["data_protection_officer"]
    client = sign_in(Client(), officer)
    page = client.get(reverse("privacy:retention")).content.decode()
    assert person.child_id in page and "Approve deletion" in page
    response = client.post(reverse("privacy:retention-delete", kwargs={"person_pk": person.pk, "rule": "care_record"}))
    assert response.status_code == 302
    assert not Referral.objects.filter(person=person).exists()
    tombstone = Tombstone.objects.get()
    assert tombstone.counts["referrals.Referral"] == 1 and tombstone.counts["referrals.Send"] == 1
    for key in ("personal_adviser", "team_manager", "virtual_school_officer", "performance_officer"):
        viewer = sign_in(Client(), tenant.users[key])
        assert viewer.get(reverse("people:person-detail", kwargs={"pk": person.pk})).status_code in (403, 404)
    page = client.get(reverse("privacy:retention")).content.decode()
    assert "Nothing has been deleted yet" not in page and str(person.pk) in page
    again = client.post(reverse("privacy:retention-delete", kwargs={"person_pk": person.pk, "rule": "care_record"}))
    assert again.status_code == 302 and Tombstone.objects.count() == 1


@override_settings(ONWARD_RETENTION=SHORT)
def test_a_legal_hold_is_placed_and_lifted_on_the_page(world: dict[str, Tenant]) -> None:
    """A hold needs a reason and a known child identifier; while it stands the record is not offered for
    deletion; lifted, it is."""
    tenant = world["A"]
    person = tenant.person
    assert person is not None
    YoungPerson.objects.filter(pk=person.pk).update(date_of_birth=datetime.date(1990, 1, 1))
    client = sign_in(Client(), tenant.users["data_protection_officer"])
    url = reverse("privacy:retention")
    assert client.post(url, {"child_id": person.child_id, "reason": ""}).status_code == 400
    assert client.post(url, {"child_id": "NOBODY", "reason": "Claim"}).status_code == 400
    assert client.post(url, {"child_id": person.child_id, "reason": "Claim"}).status_code == 302
    assert "Approve deletion" not in client.get(url).content.decode()
    hold = person.legal_holds.get()
    client.post(reverse("privacy:hold-lift", kwargs={"pk": hold.pk}))
    assert "Approve deletion" in client.get(url).content.decode()


def test_the_rules_name_their_legal_source() -> None:
    """Each rule says what it covers, how long, and its legal source; care records to the 75th birthday by
    default, partner referral data shorter."""
    rules = {rule.key: rule for rule in retention.rules()}
    assert set(rules) >= {"care_record", "partner_referral", "audit"}
    assert "75th birthday" in rules["care_record"].keep
    assert "2010" in rules["care_record"].source
    assert retention.periods()["partner_referral_years"] < retention.periods()["care_record_until_age"]
    assert all(rule.source for rule in rules.values())


def test_referral_data_past_its_shorter_date_is_deleted_and_the_person_stays(world: dict[str, Tenant]) -> None:
    """A referral last changed more than six years ago is listed under the partner referral rule; deleting it
    removes the referral, its consent, sends and events and their audit entries; the young person stays."""
    tenant = world["A"]
    person = tenant.person
    assert person is not None and tenant.referral is not None
    long_ago = timezone.now() - datetime.timedelta(days=7 * 366)
    Referral.objects.filter(pk=tenant.referral.pk).update(updated_at=long_ago)
    due = [item for item in retention.past_retention(tenant.council, timezone.localdate()) if item.person == person]
    assert [(item.rule, item.referrals) for item in due] == [("partner_referral", 1)]
    tombstone = retention.deletion_approve(
        acting_user=tenant.users["data_protection_officer"], person=person, rule="partner_referral"
    )
    assert not Referral.objects.filter(pk=tenant.referral.pk).exists()
    assert tombstone.counts["referrals.Referral"] == 1 and tombstone.counts["referrals.Consent"] == 1
    assert YoungPerson.objects.get(pk=person.pk).child_id == person.child_id
    assert not retention.past_retention(tenant.council, timezone.localdate())
