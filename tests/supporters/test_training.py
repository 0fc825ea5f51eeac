"""Training: any course, any attendee (staff, carers, partners' staff, mentors), counts, and the old records kept."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.core.indicators import indicator_source
from onward.opportunities import selectors as opportunity_selectors
from onward.supporters import registry
from onward.supporters.models import TrainingCourse, TrainingRecord
from tests.supporters.world import date_fields

TODAY = timezone.localdate


def _post(**changes: str | None) -> dict[str, str | None]:
    data: dict[str, str | None] = {
        "course": "",
        "new_course": "Safeguarding for carers",
        "attendee_kind": "carer",
        "staff": "",
        "attendee_name": "Jo Whitfield",
        "attendee_organisation": "",
        **date_fields("completed_on", TODAY()),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_team_manager_records_a_carer_completing_a_new_course(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["team_manager"])
    assert client.post(reverse("supporters:training"), _post()).status_code == 302
    record = TrainingRecord.objects.get()
    assert record.course.name == "Safeguarding for carers" and record.course.council == a.council
    assert record.attendee == "Jo Whitfield" and record.attendee_kind == "carer"
    assert AuditEvent.objects.filter(object_type="supporters.TrainingRecord", action="create").count() == 1
    # The course is now on the list; a second attendee takes it from there.
    client.post(
        reverse("supporters:training"),
        _post(course=str(record.course.pk), new_course="", attendee_kind="mentor", attendee_name="Priya Holt"),
    )
    assert TrainingCourse.objects.filter(council=a.council).count() == 1
    page = client.get(reverse("supporters:training")).content.decode()
    assert "Safeguarding for carers" in page and "Priya Holt" in page


def test_a_partners_staff_member_is_recorded_as_an_onward_user(world, signed_in) -> None:
    a = world["A"]
    partner_user = a.users["partner_provider"]
    client = signed_in(a.users["employer_engagement_worker"])
    response = client.post(
        reverse("supporters:training"),
        _post(attendee_kind="partner_staff", staff=str(partner_user.pk), attendee_name=""),
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    assert record.staff == partner_user and record.attendee_organisation == a.partner.name


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"new_course": ""}, "Select a course or enter the name of a new one"),
        ({"attendee_kind": "staff", "attendee_name": ""}, "Select the member of staff"),
        ({"attendee_name": ""}, "Enter the name of the person who completed the course"),
        ({"completed_on_2": "2999"}, "Date completed must be today or in the past"),
        ({"attendee_kind": ""}, "Select who completed the course"),
    ],
)
def test_bad_training_gets_a_message_and_changes_nothing(world, signed_in, changes, message) -> None:
    client = signed_in(world["A"].users["team_manager"])
    assert message in client.post(reverse("supporters:training"), _post(**changes)).content.decode()
    assert not TrainingRecord.objects.exists() and not TrainingCourse.objects.exists()


def test_another_councils_users_and_courses_cannot_be_recorded(world, signed_in) -> None:
    a, b = world["A"], world["B"]
    other_course = TrainingCourse.objects.create(council=b.council, name="Brockmoor induction")
    client = signed_in(a.users["team_manager"])
    content = client.post(
        reverse("supporters:training"),
        _post(attendee_kind="staff", staff=str(b.users["personal_adviser"].pk), attendee_name=""),
    ).content.decode()
    assert "Select a user from the list" in content
    content = client.post(reverse("supporters:training"), _post(course=str(other_course.pk), new_course="")).content
    assert "Select a course from the list" in content.decode()
    assert not TrainingRecord.objects.exists()
    assert "Brockmoor induction" not in client.get(reverse("supporters:training")).content.decode()


def test_a_personal_adviser_reads_training_but_cannot_record_it(world, signed_in) -> None:
    client = signed_in(world["A"].users["personal_adviser"])
    assert client.get(reverse("supporters:training")).status_code == 200
    assert client.post(reverse("supporters:training"), _post()).status_code == 403


def test_counts_by_course_and_attendee_and_the_employer_engagement_figure(world) -> None:
    """The page's counts group by course and kind of attendee; the employer counts still count staff trained in
    the two employer courses; the completions are a registered indicator."""
    a = world["A"]
    council, worker = a.council, a.users["employer_engagement_worker"]
    interview = TrainingCourse.objects.create(council=council, name="Interview support", code="interview_support")
    carers = TrainingCourse.objects.create(council=council, name="Safeguarding")
    day = TODAY()
    for staff in (a.users["personal_adviser"], a.users["personal_adviser"], a.users["team_manager"]):
        TrainingRecord.objects.create(
            council=council, course=interview, attendee_kind="staff", staff=staff, completed_on=day, recorded_by=worker
        )
    TrainingRecord.objects.create(
        council=council,
        course=carers,
        attendee_kind="carer",
        attendee_name="Jo",
        completed_on=day - datetime.timedelta(days=400),
        recorded_by=worker,
    )
    from onward.supporters import selectors

    counts = selectors.training_counts(
        TrainingRecord.objects.filter(council=council), day - datetime.timedelta(days=30), day
    )
    assert [(c.course, c.attendees, c.completions) for c in counts] == [("Interview support", 2, 3)]
    figures = opportunity_selectors.counts(council=council, start=day - datetime.timedelta(days=30), end=day)
    assert figures.staff_trained == 2
    source = indicator_source(registry.TRAINING_COMPLETIONS)
    assert source is not None and source.read(council, day).numerator == 3  # type: ignore[union-attr]


def test_the_old_training_address_sends_employment_staff_to_the_new_page(world, signed_in) -> None:
    client = signed_in(world["A"].users["employer_engagement_worker"])
    response = client.get(reverse("opportunities:training"))
    assert response.status_code == 302 and response["Location"] == reverse("supporters:training")


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_fixed_two_course_records_into_training_records() -> None:
    """Each old staff training row becomes a record of that member of staff, for a coded course named as before."""
    from tests.migrating import migrated_back

    before = [
        ("supporters", "0003_training"),
        ("opportunities", "0002_sustainmentcheck_version"),
        ("people", "0004_history_next_date"),
    ]
    day = datetime.date(2025, 5, 1)
    with migrated_back(before) as old:  # and forward again on leaving
        council = old.get_model("accounts", "Organisation").objects.create(name="Oldtown Council", kind="council")
        staff = old.get_model("accounts", "User").objects.create(
            email="pa@oldtown.example", given_name="Sam", family_name="Lee", organisation=council
        )
        for course in ("employer_engagement", "interview_support", "interview_support"):
            old.get_model("opportunities", "StaffTraining").objects.create(
                council=council, staff=staff, course=course, completed_on=day, recorded_by=staff
            )
    records = TrainingRecord.objects.filter(council_id=council.pk)
    assert records.count() == 3
    assert set(records.values_list("course__name", "course__code")) == {
        ("Employer engagement", "employer_engagement"),
        ("Interview support", "interview_support"),
    }
    assert set(records.values_list("staff_id", "attendee_kind", "completed_on")) == {(staff.pk, "staff", day)}
    figures = opportunity_selectors.counts(council=records[0].council, start=day, end=day)
    assert figures.staff_trained == 1
