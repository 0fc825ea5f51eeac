"""Demo data for the plans' structure (ADR 35): quality-mark criteria with their history, leads per objective,
a budget with spend (one objective overspent), links between plans, the board's members and terms of
reference, and a report schedule with one report due soon and one overdue.

It finds the demo plans by their shape, not their titles, so it works whatever plans ``plans.demo`` loads.
Idempotent (nothing is added once a plan has criteria or a schedule); every name is invented (Faker en_GB).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from faker import Faker

from onward.accounts.models import Organisation, User
from onward.plans import services
from onward.plans.models import Criterion, Plan, ReportSchedule, Section

STATUSES = (Criterion.Status.IN_PLACE, Criterion.Status.WORKING_TOWARDS, Criterion.Status.NOT_STARTED)
TERMS = (
    "The board oversees the council's offer to care leavers in education, employment and training. It meets "
    "every quarter, each meeting on a theme of the pathway plan. Members agree actions that become items of "
    "the plan and report on them at the next meeting.",
    "The board oversees the council's offer to care leavers in education, employment and training, and the "
    "partners who sign up to it. It meets every quarter, each meeting on a theme of the pathway plan, with "
    "care leavers invited to every meeting. Members agree actions that become items of the plan and report "
    "on them at the next meeting. A quorum is the chair and four members.",
)


def load_structure_demo(council: Organisation) -> None:
    """The structure of the council's demo plans, once."""
    plans = list(Plan.objects.filter(council=council).order_by("pk"))
    if not plans or Plan.objects.filter(council=council, report_schedules__isnull=False).exists():
        return
    officer = User.objects.filter(organisation=council, email__startswith="performance@").first()
    if officer is None:
        return
    fake = Faker("en_GB")
    fake.seed_instance(20261206)
    today = timezone.localdate()
    by_kind = {plan.kind: plan for plan in plans}
    quality = by_kind.get(Plan.Kind.QUALITY_MARK_WORK_PLAN, plans[0])
    _criteria_and_leads(quality, officer, fake, today)
    _budget(quality, officer, today)
    _board(quality, officer, fake, today)
    action = by_kind.get(Plan.Kind.ACTION_PLAN)
    if action is not None:
        action = services.plan_save(
            acting_user=officer,
            council=council,
            plan=action,
            version=action.version,
            parent_strategy="The council's NEET strategy 2026 to 2029",
        )
        for child in plans:
            if child.kind == Plan.Kind.SCRUTINY_RESPONSE:
                services.plan_save(
                    acting_user=officer, council=council, plan=child, version=child.version, parent=action
                )
    _schedule(plans, officer, today)


def _criteria_and_leads(plan: Plan, officer: User, fake: Faker, today: datetime.date) -> None:
    """Each objective's "must have in place" lines become criteria with a status history; each objective a lead."""
    objectives = [s for s in plan.sections.order_by("order", "id") if s.criteria_list] or list(plan.sections.all())
    number = 0
    for index, section in enumerate(objectives):
        lead: dict[str, object] = (
            {"lead": officer, "lead_name": ""}
            if index % 2 == 0
            else {"lead": None, "lead_name": f"{fake.name()}, {fake.company()}"}
        )
        # The typed lines become criteria and leave the section, so the documents print each once.
        lines = section.criteria_list or [f"Evidence that {section.title.lower()} is in place"]
        services.section_save(
            acting_user=officer, plan=plan, section=section, version=section.version, criteria="", **lead
        )
        items = list(section.items.order_by("order", "id")[:2])
        for line in lines:
            number += 1
            criterion = services.criterion_save(
                acting_user=officer,
                plan=plan,
                criterion=None,
                reference=f"{section.reference}.{number}".strip("."),
                text=line,
                section=section,
                evidence="Reviewed with the quality mark assessor at the last visit.",
                evidence_items=items[: number % 3],
                evidence_documents="Board minutes\nhttps://example.org/quality-mark/evidence",
            )
            target = STATUSES[number % 3]
            if target == Criterion.Status.NOT_STARTED:
                continue
            step_on = today - datetime.timedelta(days=200 - number)
            criterion = _status(criterion, Criterion.Status.WORKING_TOWARDS, step_on, officer, "Work started")
            if target == Criterion.Status.IN_PLACE:
                _status(criterion, Criterion.Status.IN_PLACE, step_on + datetime.timedelta(days=90), officer, "Agreed")


def _status(criterion: Criterion, status: str, on: datetime.date, officer: User, note: str) -> Criterion:
    services.criterion_set_status(
        acting_user=officer, criterion=criterion, status=status, changed_on=on, note=note, version=criterion.version
    )
    criterion.refresh_from_db()
    return criterion


def _budget(plan: Plan, officer: User, today: datetime.date) -> None:
    """A programme fund for the whole plan, and a small objective budget already overspent."""
    fund = services.budget_save(
        acting_user=officer, plan=plan, budget=None, name="Work guarantee fund", amount_pence=250_000_00
    )
    for days, pence, what in (
        (150, 42_500_00, "Paid placements, first intake"),
        (90, 38_250_00, "Paid placements, second intake"),
        (30, 12_600_00, "Travel and work clothing"),
    ):
        services.spend_record(
            acting_user=officer,
            budget=fund,
            spent_on=today - datetime.timedelta(days=days),
            amount_pence=pence,
            description=what,
        )
    section: Section | None = plan.sections.order_by("order", "id").first()
    if section is not None:
        small = services.budget_save(
            acting_user=officer,
            plan=plan,
            budget=None,
            name="Taster days",
            amount_pence=5_000_00,
            section=section,
        )
        services.spend_record(
            acting_user=officer,
            budget=small,
            spent_on=today - datetime.timedelta(days=20),
            amount_pence=5_400_00,
            description="Taster days with six employers",
        )


def _board(plan: Plan, officer: User, fake: Faker, today: datetime.date) -> None:
    """The board's members (one whose term has ended) and two versions of its terms of reference."""
    roles = ("Chair", "Vice chair", "Member for health", "Member for skills", "Care leaver representative")
    started = today - datetime.timedelta(days=400)
    for index, role in enumerate(roles):
        services.board_member_save(
            acting_user=officer,
            plan=plan,
            member=None,
            name=fake.name(),
            role=role,
            organisation=fake.company() if index > 1 else "The council",
            from_on=started,
        )
    services.board_member_save(
        acting_user=officer,
        plan=plan,
        member=None,
        name=fake.name(),
        role="Member for housing",
        organisation=fake.company(),
        from_on=started,
        to_on=today - datetime.timedelta(days=60),
    )
    services.terms_of_reference_record(acting_user=officer, plan=plan, agreed_on=started, text=TERMS[0])
    services.terms_of_reference_record(
        acting_user=officer, plan=plan, agreed_on=today - datetime.timedelta(days=100), text=TERMS[1]
    )


def _schedule(plans: list[Plan], officer: User, today: datetime.date) -> None:
    """Each plan's document to its owning body every quarter (one due soon, one overdue), and the quarterly
    report to the first plan's body."""
    for index, plan in enumerate(plans):
        services.report_schedule_save(
            acting_user=officer,
            plan=plan,
            schedule=None,
            committee=plan.owning_body,
            document=ReportSchedule.Document.PLAN_DOCUMENT,
            frequency=ReportSchedule.Frequency.QUARTERLY,
            next_due_on=today + datetime.timedelta(days=(-5, 10, 45, 80)[index % 4]),
            owner=officer,
            remind_days=14,
        )
    services.report_schedule_save(
        acting_user=officer,
        plan=plans[0],
        schedule=None,
        committee="Corporate Parenting Board",
        document=ReportSchedule.Document.QUARTERLY_REPORT,
        frequency=ReportSchedule.Frequency.YEARLY,
        next_due_on=today + datetime.timedelta(days=120),
        owner=officer,
        remind_days=21,
    )
