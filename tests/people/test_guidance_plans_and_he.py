"""Careers guidance, pathway plans for children in care and their audits, higher education applications,
placement moves and workers per young person (issue 26): recorded from the young person's page, and counted
by the indicators the people app registers for plan measures, each equal to a plain Python count."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from onward.accounts.permissions import ROLES, Perm
from onward.audit.models import AuditEvent
from onward.core import indicators
from onward.people import access as people_access
from onward.people import categories, registry, selectors, services
from onward.people.generator import generate_council, generate_education_records
from onward.people.models import (
    PEP,
    Allocation,
    CareEpisode,
    EETSpell,
    GuidanceAppointment,
    HEApplication,
    PathwayPlanAudit,
    PathwayPlanReview,
    YoungPerson,
)
from onward.performance import selectors as performance_selectors
from onward.performance.models import Method
from tests.factories import CouncilFactory, YoungPersonFactory
from tests.performance import cohorts

D = datetime.date

DAY = datetime.timedelta(days=1)


def _date(prefix: str, day: D) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


# Careers guidance ----------------------------------------------------------------------------------


def test_a_virtual_school_officer_records_a_guidance_appointment_shown_on_the_young_persons_page(
    world, signed_in
) -> None:
    """The appointment is saved with an audit entry and listed in the page's careers guidance section."""
    tenant = world["A"]
    client = signed_in(tenant.users["virtual_school_officer"])
    day = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(
        reverse("people:record-add", args=[tenant.person.pk, "guidance"]),
        {
            **_date("date", day),
            "adviser": "Careers adviser 2",
            "attendance": "attended",
            "guidance_given": "Looked at level 3 courses in engineering",
            "next_step": "Open day in March",
        },
    )
    assert response.status_code == 302
    appointment = GuidanceAppointment.objects.get(person=tenant.person)
    assert (appointment.date, appointment.attendance, appointment.next_step) == (day, "attended", "Open day in March")
    assert appointment.recorded_by == tenant.users["virtual_school_officer"]
    assert AuditEvent.objects.filter(object_type="people.GuidanceAppointment", object_id=str(appointment.pk)).exists()
    page = client.get(reverse("people:person-detail", args=[tenant.person.pk])).content.decode()
    assert "Looked at level 3 courses in engineering" in page
    assert "Record a careers guidance appointment" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"attendance": "attended", "guidance_given": ""}, "Enter the guidance given at the appointment"),
        ({"attendance": "did_not_attend", "guidance_given": "Notes"}, "Guidance is recorded only for an appointment"),
        ({"attendance": "maybe"}, "Select whether the young person attended"),
        ({"attendance": ""}, "Select whether the young person attended"),
    ],
)
def test_a_bad_guidance_appointment_shows_its_message_and_saves_nothing(world, signed_in, fields, message) -> None:
    tenant = world["A"]
    client = signed_in(tenant.users["personal_adviser"])
    response = client.post(
        reverse("people:record-add", args=[tenant.person.pk, "guidance"]),
        {**_date("date", timezone.localdate()), **fields},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content and message in content
    assert not GuidanceAppointment.objects.filter(person=tenant.person).exists()
    assert not AuditEvent.objects.filter(object_type="people.GuidanceAppointment").exists()


def test_a_guidance_appointment_in_the_future_is_refused(world) -> None:
    tenant = world["A"]
    with pytest.raises(ValidationError) as refused:
        services.guidance_record(
            acting_user=tenant.users["personal_adviser"],
            person=tenant.person,
            date=timezone.localdate() + datetime.timedelta(days=1),
            attendance="rearranged",
        )
    assert "date" in refused.value.message_dict


def test_a_careers_adviser_can_be_allocated_and_is_listed_among_the_workers(world, signed_in) -> None:
    tenant = world["A"]
    client = signed_in(tenant.users["personal_adviser"])
    response = client.post(
        reverse("people:record-add", args=[tenant.person.pk, "allocation"]),
        {"role": "careers_adviser", "worker": "", "worker_name": "Pat Careers", **_date("start", timezone.localdate())},
    )
    assert response.status_code == 302
    allocation = Allocation.objects.get(person=tenant.person, role=Allocation.Role.CAREERS_ADVISER)
    assert allocation.worker_name == "Pat Careers"
    page = client.get(reverse("people:person-detail", args=[tenant.person.pk])).content.decode()
    assert "Careers adviser" in page and "Pat Careers" in page
    # The workers: by role, the latest first within each; a corrected allocation is not among them.
    Allocation.objects.create(
        person=tenant.person, role="careers_adviser", worker_name="Sam Earlier", start=allocation.start - 30 * DAY
    )
    Allocation.objects.create(
        person=tenant.person, role="careers_adviser", worker_name="Lee Corrected", start=allocation.start - 60 * DAY
    )
    Allocation.objects.filter(worker_name="Lee Corrected").update(superseded_at=timezone.now())
    page = client.get(reverse("people:person-detail", args=[tenant.person.pk])).content.decode()
    workers = page.split('<h2 class="govuk-heading-m">Workers</h2>')[1].split("</table>")[0]
    shown = [name for name in ("Pat Careers", "Sam Earlier", "Lee Corrected") if name in workers]
    assert shown == ["Pat Careers", "Sam Earlier"]
    assert workers.index("Pat Careers") < workers.index("Sam Earlier")


# Pathway plan audits -------------------------------------------------------------------------------


@dataclass
class FakeUser:
    perms: frozenset[Perm]

    def can(self, *perms: Perm) -> bool:
        return all(perm in self.perms for perm in perms)


@pytest.mark.parametrize(
    ("perms", "allowed"),
    [
        (frozenset({Perm.VIEW_TEAM_PEOPLE, Perm.CHANGE_PEOPLE}), True),
        (frozenset({Perm.VIEW_TEAM_PEOPLE}), False),  # a manager's view without recording the history
        (frozenset({Perm.CHANGE_PEOPLE, Perm.VIEW_CASELOAD}), False),  # a personal adviser
        (frozenset({Perm.VIEW_COUNCIL_PEOPLE, Perm.CHANGE_EDUCATION}), False),  # a Virtual School officer
        (frozenset(), False),
    ],
)
def test_only_a_manager_who_records_histories_may_audit_pathway_plans(perms, allowed) -> None:
    """Each half of the rule is needed: seeing the team's young people and recording their histories."""
    assert people_access.can_audit_pathway_plans(FakeUser(perms)) is allowed  # type: ignore[arg-type]


def test_of_the_roles_only_the_team_manager_audits_pathway_plans() -> None:
    from onward.accounts.permissions import permissions_for_roles

    class RoleUser:
        def __init__(self, key: str) -> None:
            self.granted = permissions_for_roles({key})

        def can(self, *perms: Perm) -> bool:
            return all(perm in self.granted for perm in perms)

    auditors = {role.key for role in ROLES if people_access.can_audit_pathway_plans(RoleUser(role.key))}  # type: ignore[arg-type]
    assert auditors == {"team_manager"}


def test_a_team_manager_audits_the_plan_in_force_and_the_grade_shows_on_the_page(world, signed_in) -> None:
    tenant = world["A"]
    today = timezone.localdate()
    older = PathwayPlanReview.objects.create(
        person=tenant.person, date=today - datetime.timedelta(days=200), next_due=today - datetime.timedelta(days=20)
    )
    latest = PathwayPlanReview.objects.create(
        person=tenant.person, date=today - datetime.timedelta(days=15), next_due=today + datetime.timedelta(days=160)
    )
    assert older.pk != latest.pk
    client = signed_in(tenant.users["team_manager"])
    response = client.post(
        reverse("people:record-add", args=[tenant.person.pk, "pathway-audit"]),
        {
            **_date("date", today),
            "grade": "requires_improvement",
            "eet_needs_met": "no",
            "eet_needs_note": "No plan for after the course",
        },
    )
    assert response.status_code == 302
    audit = PathwayPlanAudit.objects.get(person=tenant.person)
    assert (audit.review, audit.grade, audit.eet_needs_met) == (latest, "requires_improvement", False)
    assert AuditEvent.objects.filter(object_type="people.PathwayPlanAudit", object_id=str(audit.pk)).exists()
    page = client.get(reverse("people:person-detail", args=[tenant.person.pk])).content.decode()
    assert "Requires improvement" in page and "No plan for after the course" in page
    assert "Audit the pathway plan" in page


def test_a_personal_adviser_may_not_audit_a_pathway_plan_and_sees_no_link(world, signed_in) -> None:
    tenant = world["A"]
    client = signed_in(tenant.users["personal_adviser"])
    url = reverse("people:record-add", args=[tenant.person.pk, "pathway-audit"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"grade": "good", "eet_needs_met": "yes"}).status_code == 403
    assert not PathwayPlanAudit.objects.exists()
    page = client.get(reverse("people:person-detail", args=[tenant.person.pk])).content.decode()
    assert "Audit the pathway plan" not in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"grade": "good", "eet_needs_met": "yes"}, "There is no pathway plan review on or before this date"),
        ({"grade": "", "eet_needs_met": "yes"}, "Select the grade of the pathway plan"),
        ({"grade": "good", "eet_needs_met": ""}, "Select yes if the plan addresses"),
    ],
)
def test_a_bad_audit_shows_its_message_and_saves_nothing(world, signed_in, fields, message) -> None:
    tenant = world["A"]
    client = signed_in(tenant.users["team_manager"])
    response = client.post(
        reverse("people:record-add", args=[tenant.person.pk, "pathway-audit"]),
        {**_date("date", timezone.localdate()), **fields},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content and message in content
    assert not PathwayPlanAudit.objects.exists()


def test_an_audit_finding_eet_needs_unmet_needs_a_note(world) -> None:
    tenant = world["A"]
    today = timezone.localdate()
    PathwayPlanReview.objects.create(person=tenant.person, date=today, next_due=today + datetime.timedelta(days=90))
    with pytest.raises(ValidationError) as refused:
        services.pathway_audit_record(
            acting_user=tenant.users["team_manager"],
            person=tenant.person,
            date=today,
            grade="good",
            eet_needs_met=False,
        )
    assert "eet_needs_note" in refused.value.message_dict
    assert not PathwayPlanAudit.objects.exists()


# Higher education applications ---------------------------------------------------------------------


def test_an_application_moves_on_to_a_start_which_starts_higher_education_in_the_eet_history(world, signed_in) -> None:
    """Each change keeps the earlier record (superseded); the start also writes the EET history."""
    tenant = world["A"]
    client = signed_in(tenant.users["personal_adviser"])
    today = timezone.localdate()
    applied = today - datetime.timedelta(days=90)
    response = client.post(
        reverse("people:record-add", args=[tenant.person.pk, "he-application"]),
        {**_date("date", applied), "institution": "City University", "course": "Social work", "status": "applied"},
    )
    assert response.status_code == 302
    application = HEApplication.objects.get(person=tenant.person)
    assert (application.status, application.status_date) == ("applied", applied)
    url = reverse("people:he-application-status", args=[tenant.person.pk, application.pk])
    assert (
        client.post(url, {"status": "offer", **_date("status_date", today - datetime.timedelta(days=40))}).status_code
        == 302
    )
    offer = HEApplication.objects.get(person=tenant.person, superseded_at__isnull=True)
    # The page opened before the offer was recorded cannot record again over it.
    stale = client.post(url, {"status": "withdrawn", **_date("status_date", today)})
    assert stale.status_code == 200 and "has been moved on since the page was opened" in stale.content.decode()
    start = today - datetime.timedelta(days=2)
    url = reverse("people:he-application-status", args=[tenant.person.pk, offer.pk])
    assert client.post(url, {"status": "started", **_date("status_date", start)}).status_code == 302
    history = list(HEApplication.objects.filter(person=tenant.person).order_by("pk"))
    assert [(h.status, h.superseded_at is None) for h in history] == [
        ("applied", False),
        ("offer", False),
        ("started", True),
    ]
    spell = EETSpell.objects.filter(person=tenant.person, superseded_at__isnull=True).latest("start")
    assert (spell.activity, spell.start, spell.provider) == ("higher_education", start, "City University: Social work")
    assert tenant.spell is not None
    tenant.spell.refresh_from_db()
    assert tenant.spell.end == start - datetime.timedelta(days=1)  # the college course ended the day before
    page = client.get(reverse("people:person-detail", args=[tenant.person.pk])).content.decode()
    assert "City University" in page and "Started the course" in page


def test_a_start_on_a_day_already_in_higher_education_adds_no_second_activity(world) -> None:
    tenant = world["A"]
    today = timezone.localdate()
    EETSpell.objects.filter(person=tenant.person).update(activity="higher_education")
    before = EETSpell.objects.filter(person=tenant.person).count()
    services.he_application_record(
        acting_user=tenant.users["personal_adviser"],
        person=tenant.person,
        date=today - datetime.timedelta(days=300),
        institution="Coastal University",
        course="Nursing",
        status="started",
        status_date=today - datetime.timedelta(days=10),
    )
    assert EETSpell.objects.filter(person=tenant.person).count() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"institution": "", "course": "Maths", "status": "applied"}, "Enter the university or college"),
        ({"institution": "City", "course": "", "status": "applied"}, "Enter the course"),
        ({"institution": "City", "course": "Maths", "status": "won"}, "Select the status of the application"),
    ],
)
def test_a_bad_application_shows_its_message_and_saves_nothing(world, signed_in, fields, message) -> None:
    tenant = world["A"]
    client = signed_in(tenant.users["personal_adviser"])
    response = client.post(
        reverse("people:record-add", args=[tenant.person.pk, "he-application"]),
        {**_date("date", timezone.localdate()), **fields},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HEApplication.objects.exists()


def test_a_status_dated_before_the_application_or_a_start_that_does_not_fit_changes_nothing(world) -> None:
    tenant = world["A"]
    today = timezone.localdate()
    application = services.he_application_record(
        acting_user=tenant.users["personal_adviser"],
        person=tenant.person,
        date=today - datetime.timedelta(days=30),
        institution="City University",
        course="Law",
    )
    with pytest.raises(ValidationError) as refused:
        services.he_application_status_set(
            acting_user=tenant.users["personal_adviser"],
            application=application,
            status="offer",
            status_date=today - datetime.timedelta(days=31),
        )
    assert "status_date" in refused.value.message_dict
    # A start inside an ended activity, before the current one: the EET history refuses it, so nothing changes.
    assert tenant.spell is not None
    EETSpell.objects.create(
        person=tenant.person,
        activity="employment_part_time",
        start=today - datetime.timedelta(days=400),
        end=today - datetime.timedelta(days=300),
    )
    earlier = services.he_application_record(
        acting_user=tenant.users["personal_adviser"],
        person=tenant.person,
        date=today - datetime.timedelta(days=420),
        institution="City University",
        course="Law",
    )
    with pytest.raises(ValidationError):
        services.he_application_status_set(
            acting_user=tenant.users["personal_adviser"],
            application=earlier,
            status="started",
            status_date=today - datetime.timedelta(days=350),
        )
    earlier.refresh_from_db()
    assert earlier.superseded_at is None and earlier.status == "applied"
    assert not EETSpell.objects.filter(person=tenant.person, activity="higher_education").exists()


def test_another_councils_application_cannot_be_moved_on(world, signed_in) -> None:
    from tests.people.world import people_world

    client = signed_in(world["A"].users["personal_adviser"])
    other = world["B"]
    application = people_world(other).he_application
    url = reverse("people:he-application-status", args=[other.person.pk, application.pk])
    assert client.get(url).status_code == 404
    mine = reverse("people:he-application-status", args=[world["A"].person.pk, application.pk])
    assert client.get(mine).status_code == 404


# The indicators, brute force -----------------------------------------------------------------------


@pytest.fixture
def generated(db: None) -> Any:
    council = CouncilFactory(name="Guidance Council")
    generate_council(council=council, size=500, seed=2611)
    added = generate_education_records(council=council, seed=26)
    other = CouncilFactory(name="Other Council")  # another council's records never count
    generate_council(council=other, size=60, seed=2612)
    generate_education_records(council=other, seed=27)
    return council, added


def _looked_after(person: YoungPerson, day: D) -> bool:
    episodes = [
        categories.Episode(e.start, e.end, e.legal_status, e.reason_ceased)
        for e in CareEpisode.objects.filter(person=person)
    ]
    return selectors.summary_for(person, episodes).looked_after_on(day)


def _read(code: str, council: Any, day: D) -> indicators.IndicatorReading:
    reading = indicators.read_indicator(code, council=council, as_at=day)
    assert reading is not None, code
    return reading


def _brute(council: Any, day: D) -> dict[str, tuple[int, int]]:
    """Every issue 26 indicator of the people app, counted record by record in plain Python."""
    people = list(YoungPerson.objects.filter(council=council))
    first_of_year = D(day.year if day.month >= 9 else day.year - 1, 9, 1)
    year_back = selectors.months_after(day, -12) + datetime.timedelta(days=1)
    guidance = [0, 0]
    plans = [0, 0]
    workers: list[int] = []
    for person in people:
        in_care = _looked_after(person, day)
        if in_care and selectors.school_year_on(person.date_of_birth, day) == 11:
            guidance[1] += 1
            guidance[0] += any(
                g.superseded_at is None and g.attendance == "attended" and first_of_year <= g.date <= day
                for g in GuidanceAppointment.objects.filter(person=person)
            )
        aged = selectors.months_after(categories.birthday(person.date_of_birth, 15), 6) <= day
        if in_care and aged:
            plans[1] += 1
            plans[0] += any(
                r.superseded_at is None and r.date <= day for r in PathwayPlanReview.objects.filter(person=person)
            )
        held = {
            a.worker_id if a.worker_id is not None else a.worker_name.strip().lower()
            for a in Allocation.objects.filter(person=person)
            if a.superseded_at is None and a.start <= day and (a.end is None or a.end >= year_back)
        }
        if held:
            workers.append(len(held))
    audits = [
        a
        for a in PathwayPlanAudit.objects.all()
        if a.person.council_id == council.pk and a.superseded_at is None and year_back <= a.date <= day
    ]
    applications = [
        h for h in HEApplication.objects.all() if h.person.council_id == council.pk and h.superseded_at is None
    ]
    moves = [
        e
        for e in CareEpisode.objects.all()
        if e.person.council_id == council.pk
        and e.reason_new_episode in ("P", "T", "B", "U")
        and first_of_year <= e.start <= day
    ]
    return {
        registry.YEAR_11_GUIDANCE: (guidance[0], guidance[1]),
        registry.CARE_PATHWAY_PLANS: (plans[0], plans[1]),
        registry.PLAN_AUDITS_GOOD: (sum(a.grade in ("good", "outstanding") for a in audits), len(audits)),
        registry.HE_APPLICATIONS: (sum(year_back <= h.date <= day for h in applications), 0),
        registry.HE_STARTS: (
            sum(h.status == "started" and year_back <= h.status_date <= day for h in applications),
            0,
        ),
        registry.PLACEMENT_MOVES: (len(moves), 0),
        registry.WORKERS_PER_PERSON: (sum(workers), len(workers)),
    }


@pytest.mark.parametrize("days_back", [0, 120])
def test_each_indicator_equals_a_plain_python_count_today_and_at_a_past_date(generated, days_back) -> None:
    """Today and 120 days ago (a past date): each figure equals the count made record by record."""
    council, _added = generated
    day = timezone.localdate() - datetime.timedelta(days=days_back)
    expected = _brute(council, day)
    for code, (numerator, denominator) in expected.items():
        reading = _read(code, council, day)
        assert reading.numerator == numerator, code
        if denominator:
            assert reading.denominator == denominator, code
    if days_back == 0:  # the generated data gives every indicator something to count
        assert all(numerator > 0 for numerator, _ in expected.values()), expected
    workers = _read(registry.WORKERS_PER_PERSON, council, day)
    assert workers.denominator
    assert workers.value == (Decimal(workers.numerator) / workers.denominator).quantize(Decimal("0.1"))
    assert workers.value > 1


def test_the_demo_records_give_each_new_indicator_a_figure(generated) -> None:
    council, added = generated
    assert all(added[kind] > 0 for kind in ("guidance", "allocations", "plans", "audits", "peps", "he")), added
    starts = HEApplication.objects.filter(person__council=council, status="started", superseded_at__isnull=True)
    for start in starts:  # every start is in the EET history too
        assert EETSpell.objects.filter(
            person=start.person, activity="higher_education", superseded_at__isnull=True, start__lte=start.status_date
        ).exists()
    assert PEP.objects.filter(person__council=council, school_year=13, person__looked_after_now=False).exists()


def test_an_indicator_of_a_few_is_suppressed_and_an_empty_cohort_reads_nothing(db) -> None:
    council = CouncilFactory()
    day = timezone.localdate()
    assert indicators.read_indicator(registry.YEAR_11_GUIDANCE, council=council, as_at=day) is None
    assert indicators.read_indicator(registry.WORKERS_PER_PERSON, council=council, as_at=day) is None
    person = YoungPersonFactory(council=council)
    Allocation.objects.create(person=person, role="careers_adviser", worker_name="A", start=day)
    reading = _read(registry.WORKERS_PER_PERSON, council, day)
    assert (reading.value, reading.shown) == (1, "c")
    assert _read(registry.HE_APPLICATIONS, council, day).shown == "0"


def test_year_11_and_the_age_of_15_and_a_half_are_read_on_their_boundaries(db) -> None:
    """Born 1 September is the youngest of a year group; 15 years 6 months is reached on the day."""
    council = CouncilFactory()
    day = D(2025, 3, 1)
    youngest = YoungPersonFactory(council=council, date_of_birth=D(2009, 8, 31))  # Year 11 in 2024/25
    too_young = YoungPersonFactory(council=council, date_of_birth=D(2009, 9, 1))  # Year 10
    for person in (youngest, too_young):
        cohorts.care(person, D(2020, 1, 1), None)
    assert _read(registry.YEAR_11_GUIDANCE, council, day).denominator == 1
    half = YoungPersonFactory(council=council, date_of_birth=D(2009, 9, 1))
    cohorts.care(half, D(2020, 1, 1), None)
    assert _read(registry.CARE_PATHWAY_PLANS, council, D(2025, 2, 28)).denominator == 1  # youngest only
    assert _read(registry.CARE_PATHWAY_PLANS, council, D(2025, 3, 1)).denominator == 3
    PathwayPlanReview.objects.create(person=half, date=D(2025, 3, 1), next_due=D(2025, 9, 1))
    assert _read(registry.CARE_PATHWAY_PLANS, council, D(2025, 3, 1)).numerator == 1
    assert _read(registry.CARE_PATHWAY_PLANS, council, D(2025, 2, 28)).numerator == 0


# PEPs: care leavers in Year 13 ---------------------------------------------------------------------


def test_pep_indicators_count_care_leavers_in_year_13_but_not_in_year_12(db) -> None:
    """Three looked after (two with a PEP this term) and a Year 12 care leaver with one, as before; a Year 13
    care leaver with a PEP joins the cohort and the count, a Year 13 care leaver without one the cohort."""
    council = CouncilFactory(name="PEP Council")
    cohorts.build_peps(council)
    day = cohorts.DAY
    before = performance_selectors.headline(council, day, Method.SNAPSHOT)["pep_completed"]
    assert (before.numerator, before.denominator) == (2, 3)
    with_pep = YoungPersonFactory(council=council, date_of_birth=D(2006, 11, 1))  # Year 13 in 2024/25
    without = YoungPersonFactory(council=council, date_of_birth=D(2006, 10, 1))
    for person in (with_pep, without):
        cohorts.care(person, D(2020, 1, 1), D(2024, 11, 20), "E8")  # left care after 18: a care leaver
    PEP.objects.create(person=with_pep, date=D(2025, 5, 1), school_year=13, social_worker_attended=True, quality="good")
    figures = performance_selectors.headline(council, day, Method.SNAPSHOT)
    assert (figures["pep_completed"].numerator, figures["pep_completed"].denominator) == (3, 5)
    assert (figures["pep_quality"].numerator, figures["pep_quality"].denominator) == (2, 3)
    from onward.performance import indicators as catalogue

    assert "care leavers in Year 13" in catalogue.get("pep_completed").description


# Where they show -----------------------------------------------------------------------------------


def test_the_new_indicators_are_offered_to_targets_and_plan_measures(world, signed_in) -> None:
    codes = {source.code for source in indicators.registered_indicators()}
    new = {
        registry.YEAR_11_GUIDANCE,
        registry.CARE_PATHWAY_PLANS,
        registry.PLAN_AUDITS_GOOD,
        registry.HE_APPLICATIONS,
        registry.HE_STARTS,
        registry.PLACEMENT_MOVES,
        registry.WORKERS_PER_PERSON,
    }
    assert new <= codes
    client = signed_in(world["A"].users["performance_officer"])
    page = client.get(reverse("performance:target-create")).content.decode()
    for code in new:
        assert code in page, code
