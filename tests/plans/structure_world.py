"""A plan's structure in the shared test world (ADR 35), its URLs for the URL access table, and its version cases.

``structure_world(tenant)`` adds (once) to the tenant's plan a quality-mark criterion with a status change,
a budget with spend, a board member and terms of reference, and a report schedule that has been sent and
reminded, so every new model has a row per council. The URL access table, the tenant isolation walk and
the version cases call these, so each shared test file needs a line or two.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from onward.plans import services
from onward.plans.models import BoardMember, Budget, Criterion, Plan, ReportSchedule, ScheduleReminder
from tests.conftest import Tenant


@dataclass
class StructureWorld:
    criterion: Criterion
    budget: Budget
    member: BoardMember
    schedule: ReportSchedule


def structure_world(tenant: Tenant) -> StructureWorld:
    plan: Plan = tenant.plan  # type: ignore[assignment]
    officer = tenant.users["performance_officer"]
    today = timezone.localdate()
    criterion = plan.criteria.first()
    if criterion is None:
        criterion = services.criterion_save(
            acting_user=officer, plan=plan, criterion=None, reference="1a", text="A named senior champion"
        )
        services.criterion_set_status(
            acting_user=officer,
            criterion=criterion,
            status=Criterion.Status.WORKING_TOWARDS,
            changed_on=today - datetime.timedelta(days=10),
            version=criterion.version,
        )
        criterion.refresh_from_db()
    budget = plan.budgets.first()
    if budget is None:
        budget = services.budget_save(
            acting_user=officer, plan=plan, budget=None, name="Guarantee fund", amount_pence=100_000
        )
        services.spend_record(
            acting_user=officer, budget=budget, spent_on=today, amount_pence=2_500, description="Bus passes"
        )
    member = plan.board_members.first()
    if member is None:
        member = services.board_member_save(
            acting_user=officer,
            plan=plan,
            member=None,
            name="Board Chair",
            role="Chair",
            organisation="The council",
            from_on=today - datetime.timedelta(days=100),
        )
        services.terms_of_reference_record(
            acting_user=officer, plan=plan, agreed_on=today - datetime.timedelta(days=100), text="The board meets."
        )
    schedule = plan.report_schedules.first()
    if schedule is None:
        schedule = services.report_schedule_save(
            acting_user=officer,
            plan=plan,
            schedule=None,
            committee="Scrutiny panel",
            document=ReportSchedule.Document.PLAN_DOCUMENT,
            frequency=ReportSchedule.Frequency.QUARTERLY,
            next_due_on=today - datetime.timedelta(days=1),
            owner=officer,
        )
        services.report_sent_record(acting_user=officer, schedule=schedule, sent_on=today, version=schedule.version)
        schedule.refresh_from_db()
        ScheduleReminder.objects.create(schedule=schedule, due_on=schedule.next_due_on, sent_at=timezone.now())
    return StructureWorld(criterion, budget, member, schedule)


def structure_url(name: str, tenant: Tenant) -> str | None:
    """A URL for a plan structure page at the tenant's own records, or None if ``name`` is not one."""
    assert tenant.plan is not None
    found = structure_world(tenant)
    by_plan = ("plans:criterion-create", "plans:budget-create", "plans:board-member-create", "plans:schedule-create")
    if name in ("plans:structure", "plans:terms-create"):
        kwargs: dict[str, object] = {"pk": tenant.plan.pk}
    elif name in by_plan:
        kwargs = {"plan_pk": tenant.plan.pk}
    elif name in ("plans:criterion-detail", "plans:criterion-update", "plans:criterion-status"):
        kwargs = {"pk": found.criterion.pk}
    elif name in ("plans:budget-detail", "plans:budget-update", "plans:spend-create"):
        kwargs = {"pk": found.budget.pk}
    elif name == "plans:board-member-update":
        kwargs = {"pk": found.member.pk}
    elif name in ("plans:schedule-update", "plans:schedule-sent"):
        kwargs = {"pk": found.schedule.pk}
    else:
        return None
    return reverse(name, kwargs=kwargs)


def _date(name: str, day: datetime.date) -> dict[str, str | None]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def version_cases(case: Callable[..., Any]) -> list[Any]:
    """The plan structure's versioned records, as ``tests.test_versions.Case``s (``case`` is that class)."""
    today = timezone.localdate()
    role = "performance_officer"
    return [
        case(
            "criterion",
            Criterion,
            "plans:criterion-update",
            role,
            lambda t: structure_world(t).criterion,
            {"evidence": "Alpha"},
            {"evidence": "Bravo"},
            lambda r: r.evidence,
        ),
        case(
            "criterion-status",
            Criterion,
            "plans:criterion-status",
            role,
            lambda t: structure_world(t).criterion,
            {"status": "in_place", **_date("changed_on", today)},
            {"status": "not_started", **_date("changed_on", today)},
            lambda r: r.status,
        ),
        case(
            "budget",
            Budget,
            "plans:budget-update",
            role,
            lambda t: structure_world(t).budget,
            {"amount_pence": "2000"},
            {"amount_pence": "3000"},
            lambda r: r.amount_pence,
        ),
        case(
            "board-member",
            BoardMember,
            "plans:board-member-update",
            role,
            lambda t: structure_world(t).member,
            {"role": "Alpha"},
            {"role": "Bravo"},
            lambda r: r.role,
        ),
        case(
            "report-schedule",
            ReportSchedule,
            "plans:schedule-update",
            role,
            lambda t: structure_world(t).schedule,
            {"committee": "Alpha"},
            {"committee": "Bravo"},
            lambda r: r.committee,
        ),
        case(
            "report-sent",
            ReportSchedule,
            "plans:schedule-sent",
            role,
            lambda t: structure_world(t).schedule,
            _date("sent_on", today),
            _date("sent_on", today),
            lambda r: r.next_due_on,
        ),
    ]
