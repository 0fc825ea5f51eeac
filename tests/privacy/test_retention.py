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

SHORT = {
    "care_record_until_age": 23,
    "care_record_years_after_death": 15,
    "partner_referral_years": 6,
    "imported_files_days": 730,
}
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
    retention.deletion_approve(acting_user=officer, person=deleted[-1], rule="care_record")
    # The rest in one deletion run, from the Retention page: "all listed", the held record skipped.
    page = sign_in(Client(), officer)
    response = page.post(reverse("privacy:retention-run"), {"scope": "all"}, follow=True)
    others = len([item for item in due if item.rule == "care_record"]) - 2
    assert f"Deletion run: {others} records deleted" in response.content.decode()
    assert "skipped: 1 under a legal hold" in response.content.decode()
    run = AuditEvent.objects.get(object_repr="Deletion run under the retention rules")
    assert run.changes["deleted"] == others and run.changes["held"] == 1
    assert run.changes["counts"]["people.YoungPerson"] == others

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


@override_settings(ONWARD_RETENTION=SHORT)
def test_a_run_of_selected_records_deletes_only_those_of_the_officers_council(world: dict[str, Tenant]) -> None:
    """Ticked records are deleted in one run; another council's record named in the form is not touched (it is
    not on this council's list), nor is a record not ticked; nothing selected changes nothing."""
    a, b = world["A"], world["B"]
    assert a.person is not None and b.person is not None
    second = YoungPerson.objects.create(
        council=a.council,
        child_id="A-SECOND",
        legal_given_name="Rowan",
        legal_family_name="Ashby",
        date_of_birth=datetime.date(1991, 5, 1),
        sex="1",
        ethnicity="WBRI",
    )
    YoungPerson.objects.filter(pk__in=[a.person.pk, b.person.pk]).update(date_of_birth=datetime.date(1990, 1, 1))
    client = sign_in(Client(), a.users["data_protection_officer"])
    url = reverse("privacy:retention-run")
    assert client.post(url, {"scope": "selected"}).status_code == 302
    assert not Tombstone.objects.exists()
    response = client.post(
        url,
        {"scope": "selected", "items": [f"care_record:{a.person.pk}", f"care_record:{b.person.pk}", "junk:x"]},
        follow=True,
    )
    assert (
        "1 record deleted" in response.content.decode() and "1 no longer past their date" in response.content.decode()
    )
    assert [t.person_ref for t in Tombstone.objects.all()] == [a.person.pk]
    assert YoungPerson.objects.get(pk=b.person.pk).child_id == b.person.child_id
    assert YoungPerson.objects.get(pk=second.pk).child_id == "A-SECOND"
    other = sign_in(Client(), a.users["personal_adviser"])
    assert other.post(url, {"scope": "all"}).status_code == 403
    assert Tombstone.objects.count() == 1


def test_imported_files_past_their_period_are_deleted_by_the_daily_job_keeping_the_summary(
    world: dict[str, Tenant],
) -> None:
    """The daily job empties the files of runs uploaded more than the set period ago (and the names a partner's
    list or a careers return copied from the file), keeps each run's summary and counts, discards a run that was
    never saved, leaves a recent run and a run still being worked on alone, and audits each."""
    from onward.performance.models import BenchmarkSet
    from onward.referrals.models import PartnerListReturn
    from onward.returns.models import ImportRun

    a = world["A"]
    adviser = a.users["personal_adviser"]
    assert a.import_run is not None and a.careers_return is not None
    files = {"header.csv": "CHILD,SEX,DOB\nA1,1,01/01/2005\n"}
    summary = {"young_people": 1}

    def run(status: str) -> ImportRun:
        return ImportRun.objects.create(
            council=a.council, kind="ssda903", status=status, files=files, summary=summary, changes=[{"name": "Ann"}]
        )

    committed, previewed, busy, recent = run("committed"), run("previewed"), run("checking"), run("committed")
    listed = PartnerListReturn.objects.create(
        organisation=a.partner,
        council=a.council,
        uploaded_by=adviser,
        file_name="roll.csv",
        matched=[{"row": 1, "name": "Ann Example", "status": "on roll", "send": 1, "referral": 1}],
        unmatched=[{"row": 2, "name": "Bea Other", "reason": "No young person referred to you has this name"}],
    )
    benchmark = BenchmarkSet.objects.create(council=a.council, status="saved", file_name="lait.csv", content="x,y")
    a.careers_return.discrepancies = [{"row": 3, "id": "7", "field": "activity", "problem": "The return says 210"}]
    a.careers_return.save()
    long_ago = timezone.now() - datetime.timedelta(days=731)
    for model, pks in (
        (ImportRun, [committed.pk, previewed.pk, busy.pk]),
        (PartnerListReturn, [listed.pk]),
        (BenchmarkSet, [benchmark.pk]),
        (type(a.careers_return), [a.careers_return.pk]),
    ):
        model.objects.filter(pk__in=pks).update(created_at=long_ago)

    out = StringIO()
    call_command("retention_due", stdout=out)
    assert "Imported files deleted under the retention rule: 5" in out.getvalue()
    committed.refresh_from_db()
    assert committed.files == {} and committed.changes == [] and committed.summary == summary
    assert committed.status == "committed" and committed.file_names == []
    previewed.refresh_from_db()
    assert previewed.files == {} and previewed.status == "discarded"
    busy.refresh_from_db()
    recent.refresh_from_db()
    assert busy.files == files and recent.files == files
    listed.refresh_from_db()
    assert listed.matched == [{"row": 1, "status": "on roll", "send": 1, "referral": 1}] and listed.on_roll == 1
    assert listed.unmatched == [{"row": 2, "reason": "No young person referred to you has this name"}]
    benchmark.refresh_from_db()
    assert benchmark.content == "" and benchmark.status == "saved"
    a.careers_return.refresh_from_db()
    assert a.careers_return.discrepancies == [{"row": 3, "id": "7", "field": "activity"}]
    assert AuditEvent.objects.filter(
        object_type="returns.ImportRun", object_id=str(committed.pk), action=AuditEvent.Action.DELETE
    ).exists()
    again = StringIO()
    call_command("retention_due", stdout=again)
    assert "Imported files deleted under the retention rule: 0" in again.getvalue()


def test_the_return_checks_findings_lose_each_childs_details_after_the_period(world: dict[str, Tenant]) -> None:
    """The Department's rules' findings name each child and quote their values: past the period only the rule,
    its description and the table stay, with the counts; a check still running is left alone."""
    from onward.returns.models import ReturnCheck

    a = world["A"]
    finding = {
        "code": "103",
        "description": "Ethnicity is missing",
        "table": "Header",
        "child": "A12345",
        "row": 4,
        "detail": "ETHNIC is blank",
        "source": "validator",
    }
    departure = {**finding, "code": "562", "reason": "Episode carried over from last year"}
    done = ReturnCheck.objects.create(
        council=a.council, year=2025, status="done", errors=[finding], error_count=1, departures=[departure]
    )
    running = ReturnCheck.objects.create(council=a.council, year=2025, status="running", errors=[finding])
    ReturnCheck.objects.filter(pk__in=[done.pk, running.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=731)
    )
    call_command("retention_due", stdout=StringIO())
    done.refresh_from_db()
    running.refresh_from_db()
    kept = {"code": "103", "description": "Ethnicity is missing", "table": "Header", "source": "validator"}
    assert done.errors == [kept] and done.error_count == 1
    assert done.departures == [{**kept, "code": "562", "reason": "Episode carried over from last year"}]
    assert running.errors == [finding]
