"""Reads of plans: structure with latest ratings, summary counts, history, measures, review rounds.

Every function takes records already fetched through ``onward.accounts.access`` (``plans_visible_to``,
``access_plan``...), so scoping is decided there. The committee documents read plans through
:func:`plan_structure`, :func:`plan_summary` and :func:`measure_status` too.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from onward.accounts.models import User
from onward.core import indicators
from onward.core.contributions import HomeTask
from onward.plans.models import Item, Measure, MeasureActual, MeasureTarget, Plan, ReviewRound, Section, Update
from onward.plans.schemes import RatingOption, Scheme

NOT_RATED = "Not rated"


# Items and their latest updates -----------------------------------------------------------------


def items_with_detail(plan: Plan) -> QuerySet[Item]:
    """The plan's items in order, with leads, target dates and updates fetched in a fixed number of queries."""
    return plan.items.select_related("section", "superseded_by").prefetch_related(
        "leads",
        "target_dates",
        Prefetch("updates", queryset=Update.objects.select_related("author", "round").order_by("-dated", "-id")),
        "measures__targets",
        Prefetch("measures__actuals", queryset=MeasureActual.objects.order_by("-on", "-id")),
    )


def latest_update(item: Item, *, review_round: ReviewRound | None = None) -> Update | None:
    """The item's latest update (in ``review_round`` if given), using prefetched updates when there are."""
    updates = list(item.updates.all())
    if review_round is not None:
        updates = [u for u in updates if u.round_id == review_round.pk]
    updates.sort(key=lambda u: (u.dated, u.pk), reverse=True)
    return updates[0] if updates else None


def latest_rating(item: Item, scheme: Scheme) -> RatingOption | None:
    """The rating of the item's latest rated update."""
    for update in sorted(item.updates.all(), key=lambda u: (u.dated, u.pk), reverse=True):
        if update.rating:
            return scheme.get(update.rating)
    return None


@dataclass
class ItemRow:
    item: Item
    latest: Update | None
    rating: RatingOption | None
    lead_names: list[str]
    measures: list[MeasureStatus] = field(default_factory=list)


@dataclass
class SectionBlock:
    section: Section | None
    rows: list[ItemRow] = field(default_factory=list)
    children: list[SectionBlock] = field(default_factory=list)


def lead_names(item: Item) -> list[str]:
    names = [lead.full_name for lead in item.leads.all()]
    names += [name.strip() for name in item.named_leads.split(",") if name.strip()]
    return names


def plan_structure(plan: Plan, *, as_at: datetime.date | None = None) -> list[SectionBlock]:
    """Themes (with their objectives), areas and their items, in order; items outside any section come last.

    Each item comes with its latest update and rating, its leads, and its measures' target against
    actual on ``as_at`` (today if not given).
    """
    from django.utils import timezone

    day = as_at or timezone.localdate()
    scheme = plan.scheme()
    rows_by_section: dict[int | None, list[ItemRow]] = {}
    for item in items_with_detail(plan):
        measures = [measure_status(m, council=plan.council, as_at=day) for m in item.measures.all()]
        rows_by_section.setdefault(item.section_id, []).append(
            ItemRow(item, latest_update(item), latest_rating(item, scheme), lead_names(item), measures)
        )
    sections = list(plan.sections.select_related("lead"))
    blocks = {s.pk: SectionBlock(s, rows_by_section.get(s.pk, [])) for s in sections}
    top: list[SectionBlock] = []
    for section in sections:
        if section.parent_id is not None and section.parent_id in blocks:
            blocks[section.parent_id].children.append(blocks[section.pk])
        else:
            top.append(blocks[section.pk])
    if rows_by_section.get(None):
        top.append(SectionBlock(None, rows_by_section[None]))
    return top


def all_rows(blocks: list[SectionBlock]) -> list[ItemRow]:
    rows: list[ItemRow] = []
    for block in blocks:
        rows += block.rows
        rows += all_rows(block.children)
    return rows


@dataclass(frozen=True)
class SummaryCount:
    label: str
    colour: str
    count: int
    key: str


def plan_summary(plan: Plan, rows: list[ItemRow] | None = None) -> dict[str, Any]:
    """Counts for the top of the plan page: open and achieved items by latest rating, and items by status."""
    if rows is None:
        rows = all_rows(plan_structure(plan))
    scheme = plan.scheme()
    live = [row for row in rows if not row.item.is_struck_through]
    by_rating = Counter(row.rating.key if row.rating else "" for row in live)
    ratings = [SummaryCount(r.display, r.colour, by_rating.get(r.key, 0), r.key) for r in scheme.ratings]
    ratings.append(SummaryCount(NOT_RATED, "grey", by_rating.get("", 0), ""))
    by_status = Counter(row.item.status for row in rows)
    return {
        "ratings": ratings,
        "statuses": [(label, by_status.get(value, 0), value) for value, label in Item.Status.choices],
        "total": len(rows),
    }


def plan_list(plans: QuerySet[Plan]) -> list[dict[str, Any]]:
    """Each plan with its item count and open review round."""
    rows = []
    for plan in plans.select_related("owner", "custom_scheme").prefetch_related(
        "items", Prefetch("rounds", queryset=ReviewRound.objects.filter(closed_at__isnull=True))
    ):
        open_rounds = list(plan.rounds.all())
        rows.append(
            {"plan": plan, "items": len(plan.items.all()), "open_round": open_rounds[0] if open_rounds else None}
        )
    return rows


CYCLE_MONTHS = {
    Plan.ReviewCycle.MONTHLY: 1,
    Plan.ReviewCycle.QUARTERLY: 3,
    Plan.ReviewCycle.SIX_MONTHLY: 6,
    Plan.ReviewCycle.ANNUAL: 12,
}


def _add_months(day: datetime.date, months: int) -> datetime.date:
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_on(plan: Plan, day: datetime.date) -> datetime.date | None:
    """When the next review falls due by the plan's cycle, counted from the date it was agreed
    (or the start of its period): the first cycle date on or after ``day``."""
    start = plan.agreed_on or plan.period_start
    if start is None:
        return None
    months = CYCLE_MONTHS[Plan.ReviewCycle(plan.review_cycle)]
    step = 1
    while (due := _add_months(start, months * step)) < day:
        step += 1
    return due


def item_history(item: Item) -> list[Update]:
    """Every update on the item, newest first: nothing is ever overwritten."""
    return list(item.updates.select_related("author", "round").order_by("-dated", "-id"))


# Measures: target against actual -----------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    on: datetime.date
    value: Decimal
    national: Decimal | None
    source: str  # "indicator" or the hand-recorded source
    percent: bool = False
    shown: str = ""
    """A live indicator's reading as published (rounded, 1 to 5 shown as ``c``); "" for a figure recorded by hand."""

    @property
    def text(self) -> str:
        """The figure as plans show it: a live reading as published, a hand-recorded one as typed."""
        if self.shown:
            return self.shown
        tenth = self.value.quantize(Decimal("0.1"))
        number = f"{tenth:f}" if tenth != tenth.to_integral_value() else f"{tenth.to_integral_value():f}"
        return number + ("%" if self.percent else "")


@dataclass(frozen=True)
class TargetRow:
    """A target by a date: one of the measure's own, or a step of the council's target for its indicator."""

    due_on: datetime.date
    value: Decimal | None  # resolved: an absolute value, or the benchmark + offset (None while no benchmark)
    describe: str
    relative: bool = False
    pk: int | None = None  # the measure's own target; None for a step of the council's target


# What a measure's figure says against its targets. "Not met" only once a target is due: before
# the first date the figure is either already there ("On track") or still to come ("Not yet due").
MET, NOT_MET, ON_TRACK, NOT_YET_DUE, NO_FIGURE, NO_TARGET = (
    "met",
    "not_met",
    "on_track",
    "not_yet_due",
    "no_figure",
    "no_target",
)
STATE_LABELS = {
    MET: ("Met", "green"),
    NOT_MET: ("Not met", "red"),
    ON_TRACK: ("On track", "turquoise"),
    NOT_YET_DUE: ("Not yet due", "blue"),
    NO_FIGURE: ("No figure yet", "grey"),
    NO_TARGET: ("No target set", "grey"),
}


@dataclass(frozen=True)
class MeasureStatus:
    measure: Measure
    actual: Reading | None
    in_force: TargetRow | None
    next: TargetRow | None
    met: bool | None  # against the target in force; None before any target is due
    targets: list[TargetRow]
    history: list[Reading]
    state: str = NO_TARGET
    council_target: bool = False  # the targets are the council's for the bound indicator (the targets page)
    national: Decimal | None = None  # the national figure quoted with the reading, else the published one

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state][0]

    @property
    def state_colour(self) -> str:
        return STATE_LABELS[self.state][1]


def _fmt(value: Decimal, unit: str) -> str:
    text = f"{value.normalize():f}"
    return f"{text}%" if unit == Measure.Unit.PERCENT else text


def describe_target(target: MeasureTarget, unit: str) -> str:
    when = f"by {target.due_on:%B %Y}"
    if target.kind == MeasureTarget.Kind.ABOVE_NATIONAL:
        points = abs(target.value).normalize()
        if target.value == 0:
            return f"Level with the national figure {when}"
        side = "above" if target.value > 0 else "below"
        noun = "percentage points" if unit == Measure.Unit.PERCENT else ""
        return f"{points:f} {noun} {side} the national figure {when}".replace("  ", " ")
    return f"{_fmt(target.value, unit)} {when}"


def resolve_target(target: MeasureTarget, national: Decimal | None) -> Decimal | None:
    """The value a target asks for: its value, or the national figure plus its offset."""
    if target.kind == MeasureTarget.Kind.ABOVE_NATIONAL:
        return None if national is None else national + target.value
    return target.value


def measure_readings(measure: Measure, *, council: Any, as_at: datetime.date) -> list[Reading]:
    """The measure's figures up to ``as_at``, newest first.

    A measure bound to an indicator reads only the live indicator on ``as_at`` (with the published
    national figure): a figure typed by hand never stands beside it. Others read the figures
    recorded by hand.
    """
    if measure.indicator_code:
        reading = indicators.read_indicator(measure.indicator_code, council=council, as_at=as_at)
        if reading is None:
            return []
        national = indicators.read_national(measure.indicator_code, as_at=as_at)
        return [
            Reading(
                as_at,
                reading.value,
                national,
                "Live indicator",
                percent=reading.unit == indicators.PERCENT,
                shown=reading.shown,
            )
        ]
    return [
        Reading(a.on, a.value, a.national, a.source or "Recorded by hand", percent=measure.unit == Measure.Unit.PERCENT)
        for a in sorted(measure.actuals.all(), key=lambda a: (a.on, a.pk), reverse=True)
        if a.on <= as_at
    ]


def measure_targets(
    measure: Measure, *, council: Any, as_at: datetime.date, national: Decimal | None
) -> list[TargetRow]:
    """The measure's targets, earliest first.

    Bound to an indicator, they are the council's target for it (the targets page), the one source
    of truth: nothing typed into the plan. Otherwise they are the measure's own; a relative one uses
    ``national``.
    """
    if measure.indicator_code:
        steps = indicators.read_council_target(measure.indicator_code, council=council, as_at=as_at) or []
        return [TargetRow(s.due_on, s.value, s.describe, relative=s.relative) for s in steps]
    return [
        TargetRow(
            t.due_on,
            resolve_target(t, national),
            describe_target(t, measure.unit),
            relative=t.kind != MeasureTarget.Kind.ABSOLUTE,
            pk=t.pk,
        )
        for t in sorted(measure.targets.all(), key=lambda t: t.due_on)
    ]


def _reaches(measure: Measure, value: Decimal, wanted: Decimal) -> bool:
    return value >= wanted if measure.higher_is_better else value <= wanted


def measure_status(measure: Measure, *, council: Any, as_at: datetime.date) -> MeasureStatus:
    """Target against actual on ``as_at``: the latest reading, the target in force, the next stepped target.

    The target in force is the latest one whose date has come. A measure is met or not met only
    against a target in force; before the first date it is "on track" when the figure already
    reaches the first target, and "not yet due" otherwise. A relative target uses the national
    figure quoted with the reading (or, for a bound indicator, the published national figure on
    that date).
    """
    history = measure_readings(measure, council=council, as_at=as_at)
    actual = history[0] if history else None
    national = actual.national if actual else None
    if national is None and measure.indicator_code:
        national = indicators.read_national(measure.indicator_code, as_at=as_at)
    rows = measure_targets(measure, council=council, as_at=as_at, national=national)
    passed = [row for row in rows if row.due_on <= as_at]
    upcoming = [row for row in rows if row.due_on > as_at]
    in_force = passed[-1] if passed else None
    next_row = upcoming[0] if upcoming else None
    met: bool | None = None
    if not rows:
        state = NO_TARGET
    elif in_force is not None:
        if actual is not None and in_force.value is not None:
            met = _reaches(measure, actual.value, in_force.value)
            state = MET if met else NOT_MET
        else:
            state = NO_FIGURE
    elif actual is not None and next_row is not None and next_row.value is not None:
        state = ON_TRACK if _reaches(measure, actual.value, next_row.value) else NOT_YET_DUE
    else:
        state = NOT_YET_DUE
    return MeasureStatus(
        measure,
        actual,
        in_force,
        next_row,
        met,
        rows,
        history,
        state=state,
        council_target=bool(measure.indicator_code),
        national=national,
    )


def measures_for(item: Item, *, as_at: datetime.date) -> list[MeasureStatus]:
    measures = item.measures.prefetch_related(
        "targets", Prefetch("actuals", queryset=MeasureActual.objects.order_by("-on", "-id"))
    )
    return [measure_status(m, council=item.plan.council, as_at=as_at) for m in measures]


# Review rounds ------------------------------------------------------------------------------------


def items_due_in_round(review_round: ReviewRound) -> QuerySet[Item]:
    """Open items of the round's plan with no update in the round yet."""
    return (
        review_round.plan.items.filter(status=Item.Status.OPEN)
        .exclude(updates__round=review_round)
        .prefetch_related("leads")
        .order_by("order", "id")
    )


def not_updated(review_round: ReviewRound) -> list[dict[str, Any]]:
    """For the plan owner: each item still owed in the round, with who leads it."""
    return [{"item": item, "leads": lead_names(item)} for item in items_due_in_round(review_round)]


@dataclass(frozen=True)
class DueRound:
    review_round: ReviewRound
    items: list[Item]


def due_from(user: User, plans: QuerySet[Plan]) -> list[DueRound]:
    """The open rounds in which ``user`` leads items still without an update, soonest due first."""
    result = []
    rounds = ReviewRound.objects.filter(plan__in=plans, closed_at__isnull=True).select_related("plan")
    for review_round in rounds.order_by("due_on", "id"):
        items = list(items_due_in_round(review_round).filter(leads=user))
        if items:
            result.append(DueRound(review_round, items))
    return result


def plan_snapshot(plan: Plan, *, review_round: ReviewRound | None, as_at: datetime.date) -> dict[str, Any]:
    """The plan as it stands, as plain JSON: kept when a round closes and shown as it was then."""
    scheme = plan.scheme()
    blocks = plan_structure(plan)
    rows = all_rows(blocks)
    summary = plan_summary(plan, rows)
    section_names = {s.pk: str(s) for s in plan.sections.all()}
    items = []
    for row in rows:
        item = row.item
        in_round = latest_update(item, review_round=review_round) if review_round else row.latest
        update = in_round or row.latest
        measures = []
        for status in measures_for(item, as_at=as_at):
            measures.append(
                {
                    "name": status.measure.name,
                    "actual": None if status.actual is None else status.actual.text,
                    "actual_on": None if status.actual is None else status.actual.on.isoformat(),
                    "target": None if status.in_force is None else status.in_force.describe,
                    "next_target": None if status.next is None else status.next.describe,
                    "met": status.met,
                    "state": status.state_label,
                    "national": None if status.national is None else f"{status.national.normalize():f}",
                }
            )
        items.append(
            {
                "id": item.pk,
                "section": section_names.get(item.section_id or 0, ""),
                "reference": item.reference,
                "text": item.text,
                "status": item.get_status_display(),
                "status_reason": item.status_reason,
                "leads": row.lead_names,
                "target_dates": [str(t) for t in item.target_dates.all()],
                "updated_in_round": in_round is not None,
                "update": None
                if update is None
                else {
                    "dated": update.dated.isoformat(),
                    "author": update.author.full_name,
                    "achievements": update.achievements,
                    "next_steps": update.next_steps,
                    "rating": update.rating,
                    "rating_label": scheme.display_of(update.rating),
                    "rating_explanation": update.rating_explanation,
                    "evidence_of_progress": update.evidence_of_progress,
                    "evidence_of_impact": update.evidence_of_impact,
                    "initial_response": update.initial_response,
                    "second_response": update.second_response,
                    "outstanding_actions": update.outstanding_actions,
                },
                "measures": measures,
            }
        )
    return {
        "taken_on": as_at.isoformat(),
        "plan": plan.title,
        "scheme": {"name": scheme.name, "legend": scheme.legend},
        "summary": [{"label": c.label, "count": c.count, "colour": c.colour} for c in summary["ratings"]],
        "items": items,
    }


# Home page tasks -----------------------------------------------------------------------------------


def tasks_for(user: User, plans: QuerySet[Plan], day: datetime.date) -> list[HomeTask]:
    """A lead's updates due in open rounds; a plan owner's open rounds with items not yet updated."""
    from django.urls import reverse

    tasks: list[HomeTask] = []
    due = due_from(user, plans)
    count = sum(len(d.items) for d in due)
    if count:
        soonest = min(d.review_round.due_on for d in due)
        tasks.append(
            HomeTask(
                f"{count} plan update{'s' if count != 1 else ''} due from you by {soonest:%-d %B %Y}",
                reverse("plans:due"),
                count,
                soonest <= day + datetime.timedelta(days=7),
            )
        )
    rounds = ReviewRound.objects.filter(plan__in=plans.filter(owner=user), closed_at__isnull=True).select_related(
        "plan"
    )
    for review_round in rounds.order_by("due_on", "id"):
        waiting = items_due_in_round(review_round).count()
        if waiting:
            tasks.append(
                HomeTask(
                    f"{waiting} item{'s' if waiting != 1 else ''} not yet updated for {review_round.name}, "
                    f"{review_round.plan.title}",
                    reverse("plans:round-detail", kwargs={"pk": review_round.pk}),
                    waiting,
                    review_round.due_on < day,
                )
            )
    return tasks


# Committee documents ------------------------------------------------------------------------------

DOCUMENT_SHAPES = {
    Plan.Kind.SCRUTINY_MONITORING: ("scrutiny_monitoring", "Recommendation"),
    Plan.Kind.QUALITY_MARK_WORK_PLAN: ("work_plan", "Milestone"),
    Plan.Kind.ACTION_PLAN: ("action_plan", "Action"),
    Plan.Kind.SCRUTINY_RESPONSE: ("scrutiny_response", "Recommendation"),
}


def document_rounds(plan: Plan) -> list[ReviewRound]:
    """The rounds a committee document can be made for: the open one and every closed one, newest first."""
    return list(plan.rounds.order_by("-opened_on", "-id"))


def _document_update(updates: list[Update], review_round: ReviewRound | None, cutoff: datetime.date) -> Any:
    """The item's position for the document: the updates of the round, else the latest ones up to its date.

    Evidence and lists come from the latest update; the rating from the latest rated one; each
    scrutiny response (initial, second, outstanding actions) from the latest update that has it.
    """
    from onward.plans import documents

    if review_round is None:
        candidates = [u for u in updates if u.dated <= cutoff]
    else:
        candidates = [
            u
            for u in updates
            if u.round_id == review_round.pk
            or (
                u.dated <= cutoff
                and (u.round is None or (u.round.opened_on, u.round.pk) < (review_round.opened_on, review_round.pk))
            )
        ]
    candidates.sort(
        key=lambda u: (review_round is not None and u.round_id == review_round.pk, u.dated, u.pk), reverse=True
    )
    if not candidates:
        return documents.ItemUpdate()
    latest = candidates[0]
    rated = next((u for u in candidates if u.rating), None)

    def latest_text(name: str) -> str:
        return next((getattr(u, name) for u in candidates if getattr(u, name)), "")

    def latest_on(name: str) -> str:
        given = next((u for u in candidates if getattr(u, name)), None)
        return "" if given is None else f"{given.dated:%-d %B %Y}"

    return documents.ItemUpdate(
        round_label=latest.round.name if latest.round else f"{latest.dated:%B %Y}",
        achievements=list(latest.achievements),
        next_steps=list(latest.next_steps),
        rating_code=rated.rating if rated else "",
        explanation=rated.rating_explanation if rated else "",
        evidence_of_progress=latest.evidence_of_progress,
        evidence_of_impact=latest.evidence_of_impact,
        initial_response=latest_text("initial_response"),
        second_response=latest_text("second_response"),
        outstanding_actions=latest_text("outstanding_actions"),
        initial_response_on=latest_on("initial_response"),
        second_response_on=latest_on("second_response"),
        outstanding_actions_on=latest_on("outstanding_actions"),
    )


def previous_review(plan: Plan, review_round: ReviewRound | None) -> ReviewRound | None:
    """The last review before the document's: the latest closed round opened before ``review_round``
    (or, for the plan as it stands, the latest closed round)."""
    closed = [r for r in plan.rounds.all() if r.closed_at is not None]
    if review_round is not None:
        closed = [r for r in closed if (r.opened_on, r.pk) < (review_round.opened_on, review_round.pk)]
    return max(closed, key=lambda r: (r.opened_on, r.pk), default=None)


def _updated_since(
    updates: list[Update], review_round: ReviewRound | None, since: datetime.date | None, cutoff: datetime.date
) -> bool:
    """Whether the item has an update the last review did not see: in the document's round, or dated after the last
    review closed (and by the document's date)."""
    if since is None:
        return False
    return any(
        (review_round is not None and u.round_id == review_round.pk) or since < u.dated <= cutoff for u in updates
    )


MEETING_HEADERS = ("Date", "Theme", "Attended", "Agenda and items discussed", "Decisions")


def meetings_tables(plan: Plan, cutoff: datetime.date) -> list[Any]:
    """The board's meetings up to the document's date, oldest first, each with its decisions; none, no table."""
    from onward.plans import documents
    from onward.plans.models import Decision, Meeting

    meetings = (
        Meeting.objects.filter(plan=plan, held_on__lte=cutoff)
        .order_by("held_on", "id")
        .prefetch_related(
            Prefetch("items_discussed", queryset=Item.objects.order_by("order", "id")),
            Prefetch("decisions", queryset=Decision.objects.select_related("item").order_by("id")),
        )
    )
    rows = []
    for meeting in meetings:
        attended = "\n".join(meeting.attendance_list)
        if meeting.apologies_list:
            attended += "\nApologies: " + ", ".join(meeting.apologies_list)
        agenda = [f"{n}. {line}" for n, line in enumerate(meeting.agenda_list, start=1)]
        discussed = [item.reference for item in meeting.items_discussed.all()]
        if discussed:
            agenda.append("Items discussed: " + ", ".join(discussed))
        decisions = "\n".join(d.summary for d in meeting.decisions.all()) or "None recorded"
        rows.append([f"{meeting.held_on:%-d %B %Y}", meeting.theme, attended, "\n".join(agenda), decisions])
    if not rows:
        return []
    return [
        documents.DocumentTable(
            heading=f"Meetings of {plan.owning_body}",
            headers=MEETING_HEADERS,
            rows=rows,
            widths=(11, 15, 20, 27, 27),
            note="Each meeting's decisions, and the plan items they added or updated.",
        )
    ]


CONTACT_HEADERS = ("Name", "Job title", "Role in this plan", "Email")


def contacts_table(plan: Plan, leads_of: dict[str, list[str]], titles: dict[str, tuple[str, str]]) -> Any:
    """Who to ask about the plan: its owner, link officers and each item's leads, with the items they lead."""
    from onward.plans import documents

    roles: dict[str, list[str]] = {}
    if plan.owner is not None:
        roles.setdefault(plan.owner.full_name, []).append("Keeps the plan")
        titles.setdefault(plan.owner.full_name, (plan.owner.job_title, plan.owner.email))
    for name in (n.strip() for n in plan.link_officers.split(",")):
        if name:
            roles.setdefault(name, []).append("Link officer")
    for name, references in leads_of.items():
        roles.setdefault(name, []).append("Leads " + ", ".join(references))
    rows = []
    for name, parts in roles.items():
        job_title, email = titles.get(name, ("", ""))
        rows.append([name, job_title, "; ".join(parts), email])
    return documents.DocumentTable(
        heading="Contacts",
        headers=CONTACT_HEADERS,
        rows=rows,
        widths=(22, 24, 30, 24),
        empty="No officer is named in this plan yet.",
    )


def plan_document(plan: Plan, review_round: ReviewRound | None) -> Any:
    """The committee document for ``plan`` at ``review_round`` (or as it stands), as a ``documents.PlanDocument``.

    A fixed number of queries whatever the size of the plan: the sections, the items (with their
    leads, target dates, updates with rounds and measures), the rounds, the meetings and the custom
    scheme's ratings if it has one; each measure bound to an indicator adds its live reading and the
    council's target for it.
    """
    from django.utils import timezone

    from onward.plans import documents

    scheme = plan.scheme()
    key = [documents.KeyEntry(r.key, r.label, r.description, documents.tint(r.colour)) for r in scheme.ratings]
    options = {r.key: r for r in scheme.ratings}
    if review_round is not None and review_round.closed_at is not None:
        cutoff = timezone.localdate(review_round.closed_at)
    else:
        cutoff = timezone.localdate()
    shape, noun = DOCUMENT_SHAPES.get(plan.kind, ("action_plan", "Action"))  # type: ignore[call-overload]
    sections = list(plan.sections.all())
    by_section: dict[int | None, list[Any]] = {}
    measure_rows: list[list[str]] = []
    last_review = previous_review(plan, review_round)
    since = timezone.localdate(last_review.closed_at) if last_review and last_review.closed_at else None
    leads_of: dict[str, list[str]] = {}
    titles: dict[str, tuple[str, str]] = {}
    for item in (
        items_with_detail(plan)
        .prefetch_related(None)
        .prefetch_related(
            "leads",
            "target_dates",
            Prefetch("updates", queryset=Update.objects.select_related("round")),
            "measures__targets",
            Prefetch("measures__actuals", queryset=MeasureActual.objects.order_by("-on", "-id")),
        )
    ):
        for measure in item.measures.all():
            measure_rows.append(_measure_row(item, measure_status(measure, council=plan.council, as_at=cutoff)))
        update = _document_update(list(item.updates.all()), review_round, cutoff)
        for lead in item.leads.all():
            leads_of.setdefault(lead.full_name, []).append(item.reference)
            titles.setdefault(lead.full_name, (lead.job_title, lead.email))
        for name in (n.strip() for n in item.named_leads.split(",")):
            if name:
                leads_of.setdefault(name, []).append(item.reference)
        option = options.get(update.rating_code)
        if option is not None:
            update.rating_label = option.label
            update.rating_colour = documents.tint(option.colour)
        else:
            update.rating_code = ""
        by_section.setdefault(item.section_id, []).append(
            documents.DocumentItem(
                reference=item.reference,
                text=item.text,
                leads=", ".join(lead_names(item)),
                target_dates="; ".join(f"{t.due_on:%d/%m/%Y} {t.description}".strip() for t in item.target_dates.all()),
                agreed_action=item.agreed_action,
                success_measure=item.success_measure,
                status=item.status,
                status_label=item.get_status_display(),
                status_reason=item.status_reason,
                update=update,
                updated_since_review=_updated_since(list(item.updates.all()), review_round, since, cutoff),
            )
        )
    ordered: list[tuple[Section, int]] = []
    for section in sections:
        if section.parent_id is None:
            ordered.append((section, 2))
            ordered += [(child, 3) for child in sections if child.parent_id == section.pk]
    ordered += [(s, 2) for s in sections if s.parent_id is not None and s.parent_id not in {p.pk for p in sections}]
    doc_sections = [
        documents.DocumentSection(
            reference=section.reference,
            title=section.title,
            aim=section.aim,
            criteria="\n".join(section.criteria_list),
            items=by_section.get(section.pk, []),
            level=level,
        )
        for section, level in ordered
    ]
    if by_section.get(None):
        doc_sections.append(documents.DocumentSection(reference="", title="", items=by_section[None]))
    intro = [("Reporting to", plan.owning_body)]
    owner = plan.owner.full_name if plan.owner else ""
    if owner or plan.link_officers:
        intro.append(("Lead officers", ", ".join(n for n in (owner, plan.link_officers) if n)))
    if plan.agreed_on:
        intro.append(("Plan agreed", f"{plan.agreed_on:%B %Y}"))
    if last_review is not None and since is not None:
        marked = sum(1 for items in by_section.values() for i in items if i.updated_since_review)
        intro.append(
            (
                "Last review",
                f"{last_review.name}, closed on {since:%-d %B %Y}. {marked} item{'s' if marked != 1 else ''} "
                f"updated since are marked '{documents.UPDATED_MARK}'.",
            )
        )
    structure_before, structure_after = structure_tables(plan, cutoff)
    return documents.PlanDocument(
        shape=shape,
        title=plan.title,
        council=plan.council.name,
        round_label=review_round.name if review_round else "Current position",
        as_at=f"{cutoff.day} {cutoff:%B %Y}",
        scheme_name=scheme.name,
        key=key,
        sections=doc_sections,
        summary=plan.aim,
        intro=intro,
        item_noun=noun,
        tables_before=[*structure_before, *([measures_table(measure_rows, cutoff)] if measure_rows else [])],
        tables_after=[*meetings_tables(plan, cutoff), *structure_after, contacts_table(plan, leads_of, titles)],
    )


MEASURE_HEADERS = (
    "Item",
    "Success measure",
    "Figure",
    "National figure",
    "Target due",
    "Next target",
    "Against target",
)


def _measure_row(item: Item, status: MeasureStatus) -> list[str]:
    measure = status.measure
    unit = "%" if measure.unit == Measure.Unit.PERCENT else ""

    def target_text(row: TargetRow | None) -> str:
        if row is None:
            return ""
        if row.relative and row.value is not None:
            return f"{row.describe} ({row.value.normalize():f}{unit})"
        return row.describe

    figure = "No figure yet"
    if status.actual is not None:
        source = "live" if measure.indicator_code else status.actual.source
        figure = f"{status.actual.text} on {status.actual.on:%-d %B %Y} ({source})"
    national = "" if status.national is None else f"{status.national.normalize():f}{unit}"
    return [
        item.reference,
        measure.name,
        figure,
        national,
        target_text(status.in_force) or "None due yet",
        target_text(status.next),
        status.state_label,
    ]


def measures_table(rows: list[list[str]], cutoff: datetime.date) -> Any:
    """The plan's success measures for a committee: live figures, the national figure, the targets."""
    from onward.plans import documents

    return documents.DocumentTable(
        heading="Success measures",
        headers=MEASURE_HEADERS,
        rows=rows,
        widths=(8, 22, 18, 10, 16, 14, 12),
        note=(
            f"Figures as at {cutoff:%-d %B %Y}. A measure bound to a live indicator is counted from the register "
            "and set against the council's own target for that indicator; others are as recorded."
        ),
        empty="No success measure has figures in this plan.",
    )


def plan_export_rows(plan: Plan) -> list[list[str]]:
    """The plan as spreadsheet rows in ``interchange.COLUMNS`` order, one per item, with its latest update.

    Leads who are officers are written as their email address (so an import links them again),
    others by name; target dates as 31/03/2027 with what is due then.
    """
    from onward.plans import interchange

    sections = {s.pk: s for s in plan.sections.all()}
    aims_written: set[int] = set()
    rows = []
    for item in items_with_detail(plan):
        section = sections.get(item.section_id) if item.section_id else None
        latest = latest_update(item)
        lead_texts = [lead.email for lead in item.leads.all()]
        lead_texts += [name.strip() for name in item.named_leads.split(",") if name.strip()]
        values: dict[str, str] = {
            "section_reference": section.reference if section else "",
            "section_title": section.title if section else "",
            "section_aim": section.aim if section and section.pk not in aims_written else "",
            "item_reference": item.reference,
            "text": item.text,
            "leads": "; ".join(lead_texts),
            "target_dates": "; ".join(
                f"{t.due_on:{interchange.DATE_FORMAT}} {t.description}".strip() for t in item.target_dates.all()
            ),
            "agreed_action": item.agreed_action,
            "success_measure": item.success_measure,
            "status": item.status,
            "status_reason": item.status_reason,
        }
        if section is not None:
            aims_written.add(section.pk)
        if latest is not None:
            values.update(
                {
                    "update_date": f"{latest.dated:{interchange.DATE_FORMAT}}",
                    "rating": latest.rating,
                    "rating_explanation": latest.rating_explanation,
                    "achievements": "\n".join(latest.achievements),
                    "next_steps": "\n".join(latest.next_steps),
                    "evidence_of_progress": latest.evidence_of_progress,
                    "evidence_of_impact": latest.evidence_of_impact,
                    "initial_response": latest.initial_response,
                    "second_response": latest.second_response,
                    "outstanding_actions": latest.outstanding_actions,
                }
            )
        rows.append([values.get(column.key, "") for column in interchange.COLUMNS])
    return rows


# Plan structure (ADR 35) --------------------------------------------------------------------------


def pounds(pence: int) -> str:
    """Money as a committee reads it: £1,250.00, or -£20.00 for a correction."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def criteria_of(plan: Plan) -> list[Any]:
    """The plan's quality-mark criteria with their section, evidence and status history (four queries)."""
    from onward.plans.models import Criterion, CriterionStatusChange

    return list(
        Criterion.objects.filter(plan=plan)
        .select_related("section")
        .prefetch_related(
            Prefetch("evidence_items", queryset=Item.objects.order_by("order", "id")),
            Prefetch("evidence_measures", queryset=Measure.objects.select_related("item").order_by("order", "id")),
            Prefetch(
                "status_changes",
                queryset=CriterionStatusChange.objects.select_related("recorded_by").order_by("-changed_on", "-id"),
            ),
        )
        .order_by("order", "id")
    )


def criteria_counts(criteria: list[Any]) -> list[tuple[str, int]]:
    """How many criteria are in place, working towards and not started, in that order."""
    from onward.plans.models import Criterion

    tally = Counter(c.status for c in criteria)
    order = (Criterion.Status.IN_PLACE, Criterion.Status.WORKING_TOWARDS, Criterion.Status.NOT_STARTED)
    return [(status.label, tally[status.value]) for status in order]


@dataclass(frozen=True)
class BudgetRow:
    budget: Any
    spent_pence: int

    @property
    def remaining_pence(self) -> int:
        return int(self.budget.amount_pence) - self.spent_pence

    @property
    def overspent(self) -> bool:
        return self.remaining_pence < 0

    @property
    def amount_text(self) -> str:
        return pounds(int(self.budget.amount_pence))

    @property
    def spent_text(self) -> str:
        return pounds(self.spent_pence)

    @property
    def remaining_text(self) -> str:
        return pounds(self.remaining_pence)

    @property
    def for_label(self) -> str:
        return str(self.budget.section) if self.budget.section_id else "The whole plan"


def budget_rows(plan: Plan, *, as_at: datetime.date | None = None) -> list[BudgetRow]:
    """Each budget of the plan with what has been spent from it (up to ``as_at``, if given): one query."""
    from django.db.models import Q, Sum

    from onward.plans.models import Budget

    spend_filter = Q(spends__spent_on__lte=as_at) if as_at is not None else Q()
    budgets = (
        Budget.objects.filter(plan=plan)
        .select_related("section")
        .annotate(spent=Sum("spends__amount_pence", filter=spend_filter))
        .order_by("section__order", "name", "id")
    )
    return [BudgetRow(budget, int(budget.spent or 0)) for budget in budgets]


def board_of(plan: Plan, day: datetime.date) -> dict[str, Any]:
    """The plan's board on ``day``: current members, past and future ones, and its terms of reference in force
    (the latest agreed on or before ``day``) with every version."""
    members = list(plan.board_members.order_by("name", "id"))
    terms = list(plan.terms_of_reference.select_related("recorded_by").order_by("-agreed_on", "-id"))
    return {
        "current": [m for m in members if m.from_on <= day and (m.to_on is None or m.to_on >= day)],
        "past": [m for m in members if m.to_on is not None and m.to_on < day],
        "future": [m for m in members if m.from_on > day],
        "terms": next((t for t in terms if t.agreed_on <= day), None),
        "versions": terms,
    }


def plan_links(plan: Plan) -> dict[str, Any]:
    """Where the plan sits (the plan or strategy it is inside) and the council's plans inside it."""
    return {
        "parent": plan.parent,
        "parent_strategy": plan.parent_strategy,
        "children": list(Plan.objects.filter(parent=plan, council_id=plan.council_id).order_by("title")),
    }


def schedule_state(schedule: Any, day: datetime.date) -> str:
    """``overdue``, ``due`` (within its reminder days), ``later`` or ``done`` (a one-off already sent)."""
    if schedule.next_due_on is None:
        return "done"
    if schedule.next_due_on < day:
        return "overdue"
    if schedule.next_due_on <= day + datetime.timedelta(days=schedule.remind_days):
        return "due"
    return "later"


def schedules_of(plan: Plan) -> list[Any]:
    from onward.plans.models import ReportSchedule

    return list(
        ReportSchedule.objects.filter(plan=plan)
        .select_related("owner")
        .prefetch_related("sendings")
        .order_by("next_due_on", "id")
    )


def schedules_needing_action(plans: QuerySet[Plan], owner: User, day: datetime.date) -> list[Any]:
    """The owner's scheduled reports that are overdue or due within their reminder days, soonest first."""
    from onward.plans.models import ReportSchedule

    schedules = ReportSchedule.objects.filter(plan__in=plans, owner=owner, next_due_on__isnull=False).select_related(
        "plan"
    )
    return [s for s in schedules.order_by("next_due_on", "id") if schedule_state(s, day) in ("overdue", "due")]


def schedule_tasks(user: User, plans: QuerySet[Plan], day: datetime.date) -> list[HomeTask]:
    """A home task for each report the user owns that is overdue (urgent) or due to a committee soon."""
    from django.urls import reverse

    tasks = []
    for schedule in schedules_needing_action(plans, user, day):
        overdue = schedule_state(schedule, day) == "overdue"
        when = "was due" if overdue else "is due"
        tasks.append(
            HomeTask(
                f"{schedule.get_document_display()} for {schedule.plan.title} {when} to {schedule.committee} "
                f"on {schedule.next_due_on:%-d %B %Y}",
                reverse("plans:structure", kwargs={"pk": schedule.plan_id}) + "#schedule",
                1,
                overdue,
            )
        )
    return tasks


def schedules_to_remind(day: datetime.date) -> list[Any]:
    """Every council's schedules due within their reminder days or overdue, not yet reminded for that due date."""
    from django.db.models import Exists, OuterRef

    from onward.plans.models import ReportSchedule, ScheduleReminder

    reminded = ScheduleReminder.objects.filter(schedule=OuterRef("pk"), due_on=OuterRef("next_due_on"))
    schedules = (
        ReportSchedule.objects.filter(next_due_on__isnull=False, plan__status=Plan.Status.ACTIVE)
        .exclude(Exists(reminded))
        .select_related("plan", "owner")
        .order_by("next_due_on", "id")
    )
    return [s for s in schedules if schedule_state(s, day) in ("overdue", "due")]


CRITERIA_HEADERS = ("Criterion", "Status", "Evidence")
LEAD_HEADERS = ("Objective", "Lead")
BUDGET_HEADERS = ("Budget", "For", "Budget amount", "Spent", "Remaining")
BOARD_HEADERS = ("Name", "Role", "Organisation", "Term")
SCHEDULE_HEADERS = ("Document", "Committee", "How often", "Next due", "Last sent")


def _criteria_table(plan: Plan, cutoff: datetime.date) -> list[Any]:
    """The quality-mark criteria with their status as at ``cutoff`` (from the history) and their evidence."""
    from onward.plans import documents
    from onward.plans.models import Criterion

    criteria = criteria_of(plan)
    if not criteria:
        return []
    labels = dict(Criterion.Status.choices)
    rows, tally = [], Counter[str]()
    for criterion in criteria:
        change = next((c for c in criterion.status_changes.all() if c.changed_on <= cutoff), None)
        status = change.status if change is not None else Criterion.Status.NOT_STARTED
        tally[status] += 1
        status_text = labels[status] + (f"\nsince {change.changed_on:%-d %B %Y}" if change is not None else "")
        evidence = [criterion.evidence] if criterion.evidence else []
        evidence += [f"Item {item.reference}" for item in criterion.evidence_items.all()]
        evidence += [f"Measure: {measure.name}" for measure in criterion.evidence_measures.all()]
        evidence += criterion.document_list
        label = " ".join(
            p for p in (criterion.section.reference if criterion.section else "", criterion.reference) if p
        )
        rows.append([f"{label} {criterion.text}".strip(), status_text, "\n".join(evidence) or "None recorded"])
    note = ", ".join(f"{tally[s.value]} {s.label.lower()}" for s in reversed(Criterion.Status)) + "."
    return [
        documents.DocumentTable(
            heading="Quality mark criteria",
            headers=CRITERIA_HEADERS,
            rows=rows,
            widths=(45, 15, 40),
            note=note[0].upper() + note[1:],
        )
    ]


def structure_tables(plan: Plan, cutoff: datetime.date) -> tuple[list[Any], list[Any]]:
    """The plan structure's tables for the committee document, as at ``cutoff``: the links between plans,
    the quality-mark criteria, leads per objective and budgets (before the items); the board's membership
    and terms of reference and the report schedule (after them). A part with nothing recorded is left out."""
    from onward.plans import documents

    before: list[Any] = []
    links = plan_links(plan)
    link_rows = []
    if links["parent"] is not None:
        link_rows.append(["Sits inside", links["parent"].title])
    if links["parent_strategy"]:
        link_rows.append(["Sits inside", links["parent_strategy"]])
    link_rows += [["Contains", child.title] for child in links["children"]]
    if link_rows:
        before.append(
            documents.DocumentTable(
                heading="Links to other plans", headers=("Link", "Plan or strategy"), rows=link_rows, widths=(25, 75)
            )
        )
    before += _criteria_table(plan, cutoff)
    sections = list(plan.sections.select_related("lead").order_by("order", "id"))
    lead_rows = [[str(s), s.lead_display] for s in sections if s.lead_display]
    if lead_rows:
        before.append(
            documents.DocumentTable(
                heading="Leads per objective", headers=LEAD_HEADERS, rows=lead_rows, widths=(60, 40)
            )
        )
    budgets = budget_rows(plan, as_at=cutoff)
    if budgets:
        rows = [
            [
                row.budget.name,
                row.for_label,
                pounds(row.budget.amount_pence),
                pounds(row.spent_pence),
                pounds(row.remaining_pence) + (" (overspent)" if row.overspent else ""),
            ]
            for row in budgets
        ]
        before.append(
            documents.DocumentTable(
                heading="Budget and spend",
                headers=BUDGET_HEADERS,
                rows=rows,
                widths=(28, 24, 16, 16, 16),
                note=f"Spend recorded up to {cutoff:%-d %B %Y}.",
            )
        )
    after: list[Any] = []
    board = board_of(plan, cutoff)
    if board["current"] or board["terms"]:
        member_rows = [
            [
                m.name,
                m.role,
                m.organisation,
                f"From {m.from_on:%-d %B %Y}" + (f" to {m.to_on:%-d %B %Y}" if m.to_on else ""),
            ]
            for m in board["current"]
        ]
        after.append(
            documents.DocumentTable(
                heading=f"Membership of {plan.owning_body}",
                headers=BOARD_HEADERS,
                rows=member_rows,
                widths=(25, 25, 25, 25),
                empty="No members recorded.",
            )
        )
        if board["terms"] is not None:
            terms = board["terms"]
            after.append(
                documents.DocumentTable(
                    heading=f"Terms of reference of {plan.owning_body}",
                    headers=("Agreed", "Terms of reference"),
                    rows=[[f"{terms.agreed_on:%-d %B %Y}", terms.text]],
                    widths=(20, 80),
                )
            )
    schedules = schedules_of(plan)
    if schedules:
        schedule_rows = []
        for s in schedules:
            sent = [x for x in s.sendings.all() if x.sent_on <= cutoff]
            last = max(sent, key=lambda x: (x.sent_on, x.pk)) if sent else None
            schedule_rows.append(
                [
                    s.get_document_display(),
                    s.committee,
                    s.get_frequency_display(),
                    f"{s.next_due_on:%-d %B %Y}" if s.next_due_on else "Sent, not due again",
                    f"{last.sent_on:%-d %B %Y}" if last else "Not yet",
                ]
            )
        after.append(
            documents.DocumentTable(
                heading="Report schedule", headers=SCHEDULE_HEADERS, rows=schedule_rows, widths=(28, 24, 16, 16, 16)
            )
        )
    return before, after
