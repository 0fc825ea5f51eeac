"""A plan's structure (ADR 35): quality-mark criteria with status history, leads per objective, budgets and
spend, links between plans, the board's members and terms of reference, and the report schedule with its
home task and emailed reminders. Each appears in the committee documents."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from onward.audit.models import AuditEvent
from onward.core.contributions import home_tasks
from onward.plans import access as plan_access
from onward.plans import documents, selectors, services
from onward.plans.models import (
    BoardMember,
    Budget,
    Criterion,
    CriterionStatusChange,
    Measure,
    Plan,
    ReportSchedule,
    ScheduleReminder,
    Section,
    Spend,
)
from tests.conftest import Tenant

TODAY = timezone.localdate


def _officer(tenant: Tenant):  # type: ignore[no-untyped-def]
    return tenant.users["performance_officer"]


def _criterion(tenant: Tenant, **fields: object) -> Criterion:
    values: dict[str, object] = {"reference": "1a", "text": "A named senior champion for care leavers"}
    values.update(fields)
    return services.criterion_save(acting_user=_officer(tenant), plan=tenant.plan, criterion=None, **values)  # type: ignore[arg-type]


def _set(tenant: Tenant, criterion: Criterion, status: str, days_ago: int, note: str = "") -> Criterion:
    services.criterion_set_status(
        acting_user=_officer(tenant),
        criterion=criterion,
        status=status,
        changed_on=TODAY() - datetime.timedelta(days=days_ago),
        note=note,
        version=criterion.version,
    )
    criterion.refresh_from_db()
    return criterion


def _schedule(tenant: Tenant, due_in: int, **fields: object) -> ReportSchedule:
    values: dict[str, object] = {
        "committee": "Scrutiny panel",
        "document": ReportSchedule.Document.PLAN_DOCUMENT,
        "frequency": ReportSchedule.Frequency.QUARTERLY,
        "next_due_on": TODAY() + datetime.timedelta(days=due_in),
        "owner": _officer(tenant),
        "remind_days": 14,
    }
    values.update(fields)
    return services.report_schedule_save(acting_user=_officer(tenant), plan=tenant.plan, schedule=None, **values)  # type: ignore[arg-type]


# Quality-mark criteria -----------------------------------------------------------------------------


def test_a_criterion_keeps_each_dated_change_of_status_and_is_audited(world) -> None:
    tenant = world["A"]
    criterion = _criterion(
        tenant, evidence_items=[tenant.plan_item], evidence_documents=" Minutes \n\nhttps://x.example\n"
    )
    assert criterion.status == Criterion.Status.NOT_STARTED
    assert criterion.document_list == ["Minutes", "https://x.example"]
    criterion = _set(tenant, criterion, Criterion.Status.WORKING_TOWARDS, 30, "Started")
    criterion = _set(tenant, criterion, Criterion.Status.IN_PLACE, 5)
    assert (criterion.status, criterion.status_on) == ("in_place", TODAY() - datetime.timedelta(days=5))
    history = list(criterion.status_changes.values_list("status", "note"))
    assert history == [("in_place", ""), ("working_towards", "Started")]
    events = AuditEvent.objects.filter(object_type="plans.Criterion", object_id=str(criterion.pk))
    assert events.filter(action=AuditEvent.Action.CREATE).get().changes["evidence_items"] == [
        None,
        [tenant.plan_item.pk],
    ]
    moved = events.get(changes__status=["working_towards", "in_place"])
    days = [(TODAY() - datetime.timedelta(days=n)).isoformat() for n in (30, 5)]
    assert moved.changes["status_on"] == days


def test_a_status_change_is_refused_when_unchanged_dated_ahead_or_before_the_last_change(world) -> None:
    tenant = world["A"]
    criterion = _set(tenant, _criterion(tenant), Criterion.Status.WORKING_TOWARDS, 10)
    with pytest.raises(ValidationError, match="already working towards"):
        _set(tenant, criterion, Criterion.Status.WORKING_TOWARDS, 1)
    with pytest.raises(ValidationError, match="today or in the past"):
        _set(tenant, criterion, Criterion.Status.IN_PLACE, -1)
    with pytest.raises(ValidationError, match="on or after the last change"):
        _set(tenant, criterion, Criterion.Status.IN_PLACE, 11)
    with pytest.raises(ValidationError, match="Select the criterion's status"):
        _set(tenant, criterion, "done", 1)
    assert _set(tenant, criterion, Criterion.Status.IN_PLACE, 10).status == "in_place"  # the same day is allowed
    assert CriterionStatusChange.objects.filter(criterion=criterion).count() == 2


def test_evidence_is_only_of_the_same_plan_and_changing_a_criterion_needs_its_version(world) -> None:
    a, b = world["A"], world["B"]
    with pytest.raises(ValidationError, match="Select items of this plan"):
        _criterion(a, evidence_items=[b.plan_item])
    with pytest.raises(ValidationError, match="Select measures of this plan"):
        _criterion(a, evidence_measures=[b.plan_measure])
    with pytest.raises(ValidationError, match="Select a section of this plan"):
        _criterion(a, section=b.plan_item.section)
    with pytest.raises(ValidationError, match="Enter what must be in place"):
        _criterion(a, text="  ")
    criterion = _criterion(a, evidence_measures=[a.plan_measure])
    with pytest.raises(ValidationError):
        services.criterion_save(
            acting_user=_officer(a), plan=a.plan, criterion=criterion, reference="", text="Changed", version=None
        )
    with pytest.raises(PermissionDenied):
        services.criterion_save(acting_user=a.users["councillor"], plan=a.plan, criterion=None, reference="", text="x")
    assert Criterion.objects.filter(plan=a.plan).count() == 1


# Leads per objective and links between plans ---------------------------------------------------------


def test_an_objective_lead_is_an_officer_of_the_council_or_a_named_partner(world) -> None:
    a, b = world["A"], world["B"]
    section: Section = a.plan_item.section
    saved = services.section_save(
        acting_user=_officer(a),
        plan=a.plan,
        section=section,
        version=section.version,
        lead=a.users["plan_lead"],
        lead_name="Sam Partner, Training Trust",
    )
    assert saved.lead_display == f"{a.users['plan_lead'].full_name}, Sam Partner, Training Trust"
    with pytest.raises(ValidationError, match="Select an officer of the council"):
        services.section_save(
            acting_user=_officer(a), plan=a.plan, section=saved, version=saved.version, lead=b.users["plan_lead"]
        )


def test_a_plan_sits_inside_another_of_its_council_never_in_a_loop(world) -> None:
    a, b = world["A"], world["B"]
    officer = _officer(a)
    child = services.plan_save(
        acting_user=officer,
        council=a.council,
        plan=None,
        title="Child plan",
        kind=Plan.Kind.ACTION_PLAN,
        owning_body="Panel",
        parent=a.plan,
    )
    links = selectors.plan_links(a.plan)
    assert links["children"] == [child]
    assert selectors.plan_links(child)["parent"] == a.plan
    a.plan.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot sit inside itself"):
        services.plan_save(acting_user=officer, council=a.council, plan=a.plan, version=a.plan.version, parent=child)
    with pytest.raises(ValidationError, match="cannot sit inside itself"):
        services.plan_save(acting_user=officer, council=a.council, plan=a.plan, version=a.plan.version, parent=a.plan)
    with pytest.raises(ValidationError, match="Select a plan of the council"):
        services.plan_save(acting_user=officer, council=a.council, plan=child, version=child.version, parent=b.plan)


# Budgets and spend -------------------------------------------------------------------------------------


def test_remaining_is_the_budget_less_spend_and_overspend_is_flagged(world) -> None:
    a = world["A"]
    officer = _officer(a)
    budget = services.budget_save(acting_user=officer, plan=a.plan, budget=None, name="Fund", amount_pence=10_000)
    for pence in (6_000, 5_000, -500):
        services.spend_record(acting_user=officer, budget=budget, spent_on=TODAY(), amount_pence=pence, description="x")
    (row,) = selectors.budget_rows(a.plan)
    assert (row.spent_pence, row.remaining_pence, row.overspent) == (10_500, -500, True)
    assert (row.amount_text, row.spent_text, row.remaining_text) == ("£100.00", "£105.00", "-£5.00")
    services.spend_record(acting_user=officer, budget=budget, spent_on=TODAY(), amount_pence=-500, description="x")
    (row,) = selectors.budget_rows(a.plan)
    assert (row.remaining_pence, row.overspent) == (0, False)
    assert selectors.pounds(123_456_789) == "£1,234,567.89"


def test_spend_is_refused_at_zero_ahead_without_words_or_below_nothing(world) -> None:
    a = world["A"]
    officer = _officer(a)
    budget = services.budget_save(acting_user=officer, plan=a.plan, budget=None, name="Fund", amount_pence=1_000)
    cases = [
        ({"amount_pence": 0}, "other than £0"),
        ({"spent_on": TODAY() + datetime.timedelta(days=1)}, "today or in the past"),
        ({"description": " "}, "what the money was spent on"),
        ({"amount_pence": -1}, "below £0"),
    ]
    for change, message in cases:
        values = {"spent_on": TODAY(), "amount_pence": 100, "description": "Bus passes", **change}
        with pytest.raises(ValidationError, match=message):
            services.spend_record(acting_user=officer, budget=budget, **values)  # type: ignore[arg-type]
    assert not Spend.objects.filter(budget=budget).exists()
    with pytest.raises(ValidationError, match="£0 or more"):
        services.budget_save(acting_user=officer, plan=a.plan, budget=None, name="Fund", amount_pence=-1)
    with pytest.raises(ValidationError, match="Select a section of this plan"):
        services.budget_save(
            acting_user=officer,
            plan=a.plan,
            budget=None,
            name="F",
            amount_pence=1,
            section=world["B"].plan_item.section,
        )


def test_the_spend_as_at_a_date_leaves_out_later_spend(world) -> None:
    a = world["A"]
    officer = _officer(a)
    budget = services.budget_save(acting_user=officer, plan=a.plan, budget=None, name="Fund", amount_pence=1_000)
    for days, pence in ((20, 100), (2, 300)):
        services.spend_record(
            acting_user=officer,
            budget=budget,
            spent_on=TODAY() - datetime.timedelta(days=days),
            amount_pence=pence,
            description="x",
        )
    assert selectors.budget_rows(a.plan, as_at=TODAY() - datetime.timedelta(days=10))[0].spent_pence == 100
    assert selectors.budget_rows(a.plan)[0].spent_pence == 400


# The board ---------------------------------------------------------------------------------------------


def test_the_board_on_a_day_has_its_members_in_term_and_the_terms_then_in_force(world) -> None:
    a = world["A"]
    officer = _officer(a)
    today = TODAY()

    def member(name: str, start: int, end: int | None) -> BoardMember:
        return services.board_member_save(
            acting_user=officer,
            plan=a.plan,
            member=None,
            name=name,
            role="Member",
            organisation="",
            from_on=today - datetime.timedelta(days=start),
            to_on=today - datetime.timedelta(days=end) if end is not None else None,
        )

    current, past, future = member("Current", 100, None), member("Past", 100, 1), member("Future", -5, None)
    first = services.terms_of_reference_record(
        acting_user=officer, plan=a.plan, agreed_on=today - datetime.timedelta(days=50), text="One"
    )
    board = selectors.board_of(a.plan, today)
    assert (board["current"], board["past"], board["future"], board["terms"]) == ([current], [past], [future], first)
    second = services.terms_of_reference_record(acting_user=officer, plan=a.plan, agreed_on=today, text="Two")
    assert selectors.board_of(a.plan, today)["terms"] == second
    assert selectors.board_of(a.plan, today - datetime.timedelta(days=1))["terms"] == first
    assert selectors.board_of(a.plan, today)["versions"] == [second, first]
    with pytest.raises(ValidationError, match="on or after the current version"):
        services.terms_of_reference_record(
            acting_user=officer, plan=a.plan, agreed_on=today - datetime.timedelta(days=1), text="Three"
        )
    with pytest.raises(ValidationError, match="These are the current terms"):
        services.terms_of_reference_record(acting_user=officer, plan=a.plan, agreed_on=today, text=" Two ")
    with pytest.raises(ValidationError, match="end of the term"):
        member("Backwards", 1, 2)


# The report schedule -----------------------------------------------------------------------------------


def test_sending_moves_the_next_due_date_on_by_the_frequency_and_a_one_off_is_then_done(world) -> None:
    a = world["A"]
    officer = _officer(a)
    due = datetime.date(2026, 1, 31)
    schedule = _schedule(a, 0, next_due_on=due)
    services.report_sent_record(acting_user=officer, schedule=schedule, sent_on=TODAY(), version=schedule.version)
    schedule.refresh_from_db()
    assert schedule.next_due_on == datetime.date(2026, 4, 30)
    assert list(schedule.sendings.values_list("due_on", flat=True)) == [due]
    with pytest.raises(ValidationError):
        services.report_sent_record(
            acting_user=officer, schedule=schedule, sent_on=TODAY(), version=schedule.version - 1
        )
    once = _schedule(a, 3, frequency=ReportSchedule.Frequency.ONCE)
    services.report_sent_record(acting_user=officer, schedule=once, sent_on=TODAY(), version=once.version)
    once.refresh_from_db()
    assert once.next_due_on is None
    assert selectors.schedule_state(once, TODAY()) == "done"
    with pytest.raises(ValidationError, match="No report is due"):
        services.report_sent_record(acting_user=officer, schedule=once, sent_on=TODAY(), version=once.version)
    yearly = _schedule(a, 0, next_due_on=datetime.date(2028, 2, 29), frequency=ReportSchedule.Frequency.YEARLY)
    services.report_sent_record(acting_user=officer, schedule=yearly, sent_on=TODAY(), version=yearly.version)
    yearly.refresh_from_db()
    assert yearly.next_due_on == datetime.date(2029, 2, 28)


def test_a_schedule_is_owned_by_an_active_officer_of_the_council(world) -> None:
    a, b = world["A"], world["B"]
    with pytest.raises(ValidationError, match="Select an officer of the council"):
        _schedule(a, 5, owner=b.users["performance_officer"])
    with pytest.raises(ValidationError, match="next due"):
        _schedule(a, 5, next_due_on=None)


def test_the_owner_gets_a_home_task_when_a_report_is_due_within_its_days_and_an_urgent_one_when_overdue(world) -> None:
    a = world["A"]
    owner = _officer(a)
    _schedule(a, 20)  # outside the 14 days: no task
    assert not [t for t in home_tasks(owner, TODAY()) if "Scrutiny panel" in t.text]
    soon = _schedule(a, 14, committee="Corporate parenting board")
    late = _schedule(a, -1, committee="Cabinet")
    tasks = {t.text: t for t in home_tasks(owner, TODAY()) if "is due to" in t.text or "was due to" in t.text}
    assert len(tasks) == 2
    (late_task,) = [t for t in tasks.values() if "Cabinet" in t.text]
    (soon_task,) = [t for t in tasks.values() if "Corporate parenting board" in t.text]
    assert late_task.urgent and "was due" in late_task.text
    assert not soon_task.urgent and f"on {soon.next_due_on:%-d %B %Y}" in soon_task.text
    assert late_task.url.endswith("#schedule")
    other = a.users["plan_lead"]
    assert not [t for t in home_tasks(other, TODAY()) if "Cabinet" in t.text]
    assert late.pk


def test_the_reminder_command_emails_each_owner_once_per_due_date(world) -> None:
    a, b = world["A"], world["B"]
    _schedule(a, 20)  # not yet within its days
    due = _schedule(a, 3, committee="Cabinet")
    _schedule(b, -2, committee="Overdue panel")
    out = io.StringIO()
    call_command("remind_report_schedule", "--base-url", "https://onward.example", stdout=out)
    assert "Reminded 2 report owners" in out.getvalue()
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "The plan's progress document is due to Cabinet",
        "The plan's progress document was due to Overdue panel",
    ]
    assert "https://onward.example/plans/" in mail.outbox[0].body
    call_command("remind_report_schedule", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    services.report_sent_record(acting_user=_officer(a), schedule=due, sent_on=TODAY(), version=due.version)
    assert ScheduleReminder.objects.filter(schedule=due).count() == 1  # the next due date is months away


# Access ------------------------------------------------------------------------------------------------


def test_each_structure_record_is_found_only_through_its_own_councils_plans(world) -> None:
    from tests.plans.structure_world import structure_world

    a, b = world["A"], world["B"]
    found_b = structure_world(b)
    reader, manager = a.users["councillor"], a.users["performance_officer"]
    functions = [
        (plan_access.access_criterion, found_b.criterion),
        (plan_access.access_budget, found_b.budget),
        (plan_access.access_board_member, found_b.member),
        (plan_access.access_report_schedule, found_b.schedule),
    ]
    own = structure_world(a)
    own_records = [own.criterion, own.budget, own.member, own.schedule]
    for (function, record_b), record_a in zip(functions, own_records, strict=True):
        with pytest.raises(Http404):
            function(manager, record_b.pk)
        assert function(reader, record_a.pk) == record_a  # a reader may read
        with pytest.raises(Http404):
            function(reader, record_a.pk, for_change=True)  # but not change
        assert function(manager, record_a.pk, for_change=True) == record_a
        with pytest.raises(Http404):
            function(a.users["personal_adviser"], record_a.pk)  # no plans at all


def test_a_manager_of_council_a_cannot_change_council_b_structure_through_the_pages(world, signed_in) -> None:
    from tests.plans.structure_world import structure_world

    b = world["B"]
    found = structure_world(b)
    client = signed_in(world["A"].users["performance_officer"])
    response = client.post(
        reverse("plans:budget-update", kwargs={"pk": found.budget.pk}),
        {"name": "Taken", "amount_pence": "1", "version": found.budget.version},
    )
    assert response.status_code == 404
    response = client.post(reverse("plans:spend-create", kwargs={"pk": found.budget.pk}), {"amount_pence": "5"})
    assert response.status_code == 404
    response = client.post(reverse("plans:terms-create", kwargs={"pk": b.plan.pk}), {"text": "Ours now"})
    assert response.status_code == 404
    assert Budget.objects.get(pk=found.budget.pk).name == "Guarantee fund"
    assert b.plan.terms_of_reference.count() == 1


# Pages -------------------------------------------------------------------------------------------------


def _date(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_building_a_plans_structure_through_the_pages(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(_officer(a))
    plan = a.plan
    today = TODAY()
    response = client.post(
        reverse("plans:criterion-create", kwargs={"plan_pk": plan.pk}),
        {"reference": "2b", "text": "Work experience in every service", "evidence_items": [a.plan_item.pk]},
    )
    assert response.status_code == 302
    criterion = Criterion.objects.get(plan=plan, reference="2b")
    response = client.post(
        reverse("plans:criterion-status", kwargs={"pk": criterion.pk}),
        {"status": "in_place", "note": "Assessed", "version": criterion.version, **_date("changed_on", today)},
        follow=True,
    )
    page = response.content.decode()
    assert "In place" in page and "Assessed" in page
    response = client.post(
        reverse("plans:budget-create", kwargs={"plan_pk": plan.pk}), {"name": "Fund", "amount_pence": "£1,000.50"}
    )
    budget = Budget.objects.get(plan=plan, name="Fund")
    assert budget.amount_pence == 100_050
    response = client.post(
        reverse("plans:spend-create", kwargs={"pk": budget.pk}),
        {"amount_pence": "1200", "description": "Placements", **_date("spent_on", today)},
        follow=True,
    )
    assert "Overspent" in response.content.decode()
    response = client.post(
        reverse("plans:board-member-create", kwargs={"plan_pk": plan.pk}),
        {"name": "Alex Member", "role": "Chair", "organisation": "College", **_date("from_on", today)},
    )
    assert response.status_code == 302
    client.post(
        reverse("plans:terms-create", kwargs={"pk": plan.pk}), {"text": "Meets quarterly", **_date("agreed_on", today)}
    )
    response = client.post(
        reverse("plans:schedule-create", kwargs={"plan_pk": plan.pk}),
        {
            "document": "quarterly_report",
            "committee": "Cabinet",
            "frequency": "quarterly",
            "owner": _officer(a).pk,
            "remind_days": "14",
            **_date("next_due_on", today + datetime.timedelta(days=3)),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("plans:structure", kwargs={"pk": plan.pk})).content.decode()
    for text in (
        "Work experience in every service",
        "Fund",
        "Overspent",
        "Alex Member",
        "Meets quarterly",
        "Cabinet",
        "Due soon",
    ):
        assert text in page, text
    assert "1 in place" in page


@pytest.mark.parametrize(
    ("url_name", "data", "message"),
    [
        (
            "plans:budget-create",
            {"name": "Fund", "amount_pence": "ten pounds"},
            "Budget amount must be an amount in pounds",
        ),
        ("plans:budget-create", {"name": "Fund", "amount_pence": "-5"}, "Budget amount must be £0 or more"),
        ("plans:budget-create", {"name": "", "amount_pence": "5"}, "Enter the budget&#x27;s name"),
        ("plans:criterion-create", {"text": ""}, "Enter what must be in place"),
        ("plans:board-member-create", {"name": "A", "role": "B"}, "Enter the start of the term"),
        ("plans:schedule-create", {"committee": "C", "frequency": "once"}, "Select the document"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(world, signed_in, url_name, data, message) -> None:
    a = world["A"]
    client = signed_in(_officer(a))
    before = (
        Budget.objects.count(),
        Criterion.objects.count(),
        BoardMember.objects.count(),
        ReportSchedule.objects.count(),
    )
    response = client.post(reverse(url_name, kwargs={"plan_pk": a.plan.pk}), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    after = (
        Budget.objects.count(),
        Criterion.objects.count(),
        BoardMember.objects.count(),
        ReportSchedule.objects.count(),
    )
    assert after == before


def test_the_plan_page_shows_where_the_plan_sits_both_ways(world, signed_in) -> None:
    a = world["A"]
    officer = _officer(a)
    child = services.plan_save(
        acting_user=officer,
        council=a.council,
        plan=None,
        title="Employability strand",
        kind=Plan.Kind.ACTION_PLAN,
        owning_body="Panel",
        parent=a.plan,
        parent_strategy="NEET strategy",
    )
    client = signed_in(a.users["councillor"])
    parent_page = client.get(reverse("plans:plan-detail", kwargs={"pk": a.plan.pk})).content.decode()
    child_page = client.get(reverse("plans:plan-detail", kwargs={"pk": child.pk})).content.decode()
    assert "Plans inside it" in parent_page and "Employability strand" in parent_page
    assert "Sits inside" in child_page and a.plan.title in child_page and "NEET strategy" in child_page


def test_the_structure_page_reads_in_a_fixed_number_of_queries(world, signed_in) -> None:
    from tests.plans.structure_world import structure_world

    a = world["A"]
    structure_world(a)
    client = signed_in(a.users["councillor"])
    url = reverse("plans:structure", kwargs={"pk": a.plan.pk})
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(4):
        c = _criterion(a, reference=f"x{n}", evidence_items=[a.plan_item], evidence_measures=[a.plan_measure])
        _set(a, c, Criterion.Status.WORKING_TOWARDS, 1)
        services.budget_save(acting_user=_officer(a), plan=a.plan, budget=None, name=f"B{n}", amount_pence=5)
        _schedule(a, n)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


# The committee document ----------------------------------------------------------------------------------


def _docx_text(document: documents.PlanDocument) -> str:
    doc = Document(io.BytesIO(documents.build_docx(document)))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _pdf_text(document: documents.PlanDocument) -> str:
    reader = PdfReader(io.BytesIO(documents.build_pdf(document)))
    return " ".join("\n".join(page.extract_text() for page in reader.pages).split())


def test_the_committee_documents_carry_the_plans_structure(world) -> None:
    a = world["A"]
    officer = _officer(a)
    section = a.plan_item.section
    services.section_save(
        acting_user=officer, plan=a.plan, section=section, version=section.version, lead_name="Robin Partner, College"
    )
    criterion = _criterion(a, evidence="Champion named in minutes", evidence_items=[a.plan_item])
    _set(a, criterion, Criterion.Status.IN_PLACE, 3)
    _criterion(a, reference="1b", text="Care leavers named in the skills strategy")
    budget = services.budget_save(
        acting_user=officer, plan=a.plan, budget=None, name="Guarantee fund", amount_pence=25_000_000
    )
    services.spend_record(
        acting_user=officer, budget=budget, spent_on=TODAY(), amount_pence=26_000_000, description="x"
    )
    services.board_member_save(
        acting_user=officer,
        plan=a.plan,
        member=None,
        name="Jo Chair",
        role="Chair",
        organisation="The council",
        from_on=TODAY() - datetime.timedelta(days=30),
    )
    services.terms_of_reference_record(
        acting_user=officer, plan=a.plan, agreed_on=TODAY(), text="The board meets each quarter."
    )
    _schedule(a, 10, committee="Corporate parenting board")
    services.plan_save(
        acting_user=officer,
        council=a.council,
        plan=None,
        title="Inner plan",
        kind=Plan.Kind.ACTION_PLAN,
        owning_body="Panel",
        parent=a.plan,
    )
    a.plan.refresh_from_db()
    document = selectors.plan_document(a.plan, None)
    for text in (_docx_text(document), _pdf_text(document)):
        for expected in (
            "Quality mark criteria",
            "1a A named senior champion for care leavers",
            "In place",
            "Champion named in minutes",
            f"Item {a.plan_item.reference}",
            "1 in place, 0 working towards, 1 not started",
            "Leads per objective",
            "Robin Partner, College",
            "Budget and spend",
            "£250,000.00",
            "-£10,000.00 (overspent)",
            f"Membership of {a.plan.owning_body}",
            "Jo Chair",
            "The board meets each quarter.",
            "Report schedule",
            "Corporate parenting board",
            "Links to other plans",
            "Inner plan",
        ):
            assert expected in text, expected


def test_a_criterion_prints_its_status_as_at_the_documents_date(world) -> None:
    a = world["A"]
    criterion = _set(a, _criterion(a), Criterion.Status.WORKING_TOWARDS, 20)
    _set(a, criterion, Criterion.Status.IN_PLACE, 2)
    (table,) = selectors._criteria_table(a.plan, TODAY() - datetime.timedelta(days=10))
    assert table.rows[0][1].startswith("Working towards")
    (table,) = selectors._criteria_table(a.plan, TODAY())
    assert table.rows[0][1].startswith("In place")


def test_a_plan_with_no_structure_prints_none_of_its_tables(world) -> None:
    text = _docx_text(selectors.plan_document(world["A"].plan, None))
    for heading in (
        "Quality mark criteria",
        "Budget and spend",
        "Report schedule",
        "Links to other plans",
        "Membership of",
    ):
        assert heading not in text
    assert Measure.objects.exists()


@pytest.mark.django_db
def test_the_demo_plans_carry_every_part_of_the_structure_once() -> None:
    """Criteria in every status with history, leads, a budget overspent, linked plans, a board and a schedule due."""
    from onward.accounts.models import User

    call_command("load_demo", "--quiet")
    call_command("load_demo", "--quiet")
    officer = User.objects.get(email="performance@wexbridge.example")
    plans = Plan.objects.filter(council=officer.organisation)
    criteria = Criterion.objects.filter(plan__in=plans)
    assert set(criteria.values_list("status", flat=True)) == set(Criterion.Status.values)
    assert CriterionStatusChange.objects.filter(criterion__in=criteria).exists()
    assert Section.objects.filter(plan__in=plans, lead__isnull=False).exists()
    assert Section.objects.filter(plan__in=plans).exclude(lead_name="").exists()
    assert any(row.overspent for plan in plans for row in selectors.budget_rows(plan))
    assert plans.filter(parent__isnull=False).exists() and plans.exclude(parent_strategy="").exists()
    assert BoardMember.objects.filter(plan__in=plans).count() == 6
    assert ReportSchedule.objects.filter(plan__in=plans).count() == plans.count() + 1
    tasks = [t for t in home_tasks(officer, TODAY()) if "due to" in t.text]
    assert any(t.urgent for t in tasks) and any(not t.urgent for t in tasks)
