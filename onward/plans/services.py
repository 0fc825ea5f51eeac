"""Changes to plans, their structure, items, updates, measures and review rounds.

Every function checks, changes and writes its audit entry in one transaction. Plans and items
carry a ``version`` (plans, sections, items, measures and rating schemes): a change from a stale
or missing version is refused (``core.concurrency.lock_for_change``). Progress updates are never changed once written;
a correction is a new update, so every earlier one stays in the history.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record, diff, snapshot
from onward.core.concurrency import lock_for_change
from onward.plans import access as plan_access
from onward.plans import schemes
from onward.plans.models import (
    BoardMember,
    Budget,
    Criterion,
    CriterionStatusChange,
    Decision,
    Item,
    Measure,
    MeasureActual,
    MeasureTarget,
    Meeting,
    Plan,
    Rating,
    RatingScheme,
    ReportSchedule,
    ReportSent,
    ReviewRound,
    Section,
    Spend,
    TargetDate,
    TermsOfReference,
    Update,
)

Action = AuditEvent.Action
S = Item.Status
# Where an item may go from each status. Superseded and withdrawn items may be reopened, with a reason.
TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.ACHIEVED, S.SUPERSEDED, S.WITHDRAWN},
    S.ACHIEVED: {S.OPEN},
    S.SUPERSEDED: {S.OPEN},
    S.WITHDRAWN: {S.OPEN},
}


def _require_manager(user: User) -> None:
    if not user.can(Perm.MANAGE_PLANS):
        raise PermissionDenied


def _clean_lines(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line and line.strip()]


# Rating schemes --------------------------------------------------------------------------------


@transaction.atomic
def rating_scheme_save(
    *,
    acting_user: User,
    council: Organisation,
    scheme: RatingScheme | None,
    name: str,
    description: str,
    ratings: list[dict[str, str]],
    version: int | None = None,
) -> RatingScheme:
    """Define (or redefine) a council's own rating scheme: its ratings in order.

    Redefining one needs the ``version`` the editor opened; without it, or from an older one, the
    change is refused.

    Each rating is a dict with ``key``, ``label``, ``description`` and ``colour``. A rating
    already given in an update cannot be taken out of the scheme. Defining schemes is reference
    data: the council's administrators and those who manage plans may do it.
    """
    if not acting_user.can(Perm.MANAGE_RATING_SCHEMES):
        raise PermissionDenied
    ratings = [r for r in ratings if any(str(v).strip() for v in r.values())]
    if not ratings:
        raise ValidationError({"ratings": "Enter at least one rating"})
    keys = [str(r.get("key", "")).strip() for r in ratings]
    if any(not key for key in keys) or any(not str(r.get("label", "")).strip() for r in ratings):
        raise ValidationError({"ratings": "Enter a key and a label for every rating"})
    if len(set(keys)) != len(keys):
        raise ValidationError({"ratings": "Each rating must have a different key"})
    if any(r.get("colour") not in schemes.TAG_COLOURS for r in ratings):
        raise ValidationError({"ratings": "Select a colour for every rating"})
    if scheme is not None:
        target = lock_for_change(RatingScheme, scheme.pk, version, "rating scheme")
        before = {"name": target.name, "ratings": [r.key for r in target.ratings.all()]}
        used = set(
            Update.objects.filter(item__plan__custom_scheme=target, item__plan__rating_scheme=schemes.CUSTOM)
            .exclude(rating="")
            .values_list("rating", flat=True)
        )
        missing = sorted(used - set(keys))
        if missing:
            raise ValidationError({"ratings": f"Updates already use {', '.join(missing)}: keep these ratings"})
        target.version += 1
    else:
        target, before = RatingScheme(council=council), {}
    target.name = name.strip()
    target.description = description.strip()
    if RatingScheme.objects.filter(council=council, name__iexact=target.name).exclude(pk=target.pk).exists():
        raise ValidationError({"name": "A rating scheme with this name already exists"})
    target.full_clean()
    target.save()
    target.ratings.all().delete()
    for order, rating in enumerate(ratings):
        row = Rating(
            scheme=target,
            key=str(rating["key"]).strip(),
            label=str(rating["label"]).strip(),
            description=str(rating.get("description", "")).strip(),
            colour=str(rating["colour"]),
            order=order,
        )
        row.full_clean()
        row.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if scheme else Action.CREATE,
        council=council,
        obj=target,
        changes=diff(before, {"name": target.name, "ratings": keys}),
    )
    return target


# Plans and their structure ---------------------------------------------------------------------


def _check_parent_plan(plan: Plan, council: Organisation) -> None:
    """A plan sits inside another plan of the same council, and never (even at a remove) inside itself."""
    parent = plan.parent
    if parent is None:
        return
    if parent.council_id != council.pk:
        raise ValidationError({"parent": "Select a plan of the council"})
    seen: set[int] = set()
    while parent is not None and parent.pk not in seen:
        if plan.pk is not None and parent.pk == plan.pk:
            raise ValidationError({"parent": "A plan cannot sit inside itself or inside a plan that sits inside it"})
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def plan_save(
    *, acting_user: User, council: Organisation, plan: Plan | None, version: int | None = None, **fields: Any
) -> Plan:
    """Create or change a plan (from the ``version`` the editor opened). Its rating scheme may change only while no update has a rating."""
    _require_manager(acting_user)
    if plan is not None:
        target = lock_for_change(Plan, plan.pk, version, "plan")
        before = snapshot(target)
        target.version += 1
    else:
        target, before = Plan(council=council), {}
    for name, value in fields.items():
        setattr(target, name, value.strip() if isinstance(value, str) else value)
    if target.rating_scheme == schemes.CUSTOM:
        if target.custom_scheme is None:
            raise ValidationError({"custom_scheme": "Select the council's rating scheme to use"})
        if target.custom_scheme.council_id != council.pk:
            raise ValidationError({"custom_scheme": "Select one of the council's rating schemes"})
    else:
        target.custom_scheme = None
    if target.period_start and target.period_end and target.period_end < target.period_start:
        raise ValidationError({"period_end": "The end of the period must be the same as or after the start"})
    if target.owner is not None and target.owner.organisation_id != council.pk:
        raise ValidationError({"owner": "Select an officer of the council"})
    _check_parent_plan(target, council)
    if (
        plan is not None
        and (before.get("rating_scheme"), before.get("custom_scheme"))
        != (target.rating_scheme, target.custom_scheme_id)
        and Update.objects.filter(item__plan=target).exclude(rating="").exists()
    ):
        raise ValidationError({"rating_scheme": "Updates have already been rated: the rating scheme cannot change"})
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if plan else Action.CREATE,
        council=council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


@transaction.atomic
def section_save(
    *, acting_user: User, plan: Plan, section: Section | None, version: int | None = None, **fields: Any
) -> Section:
    """Add or change (from the ``version`` the editor opened) a theme, area or objective.

    An objective may sit inside a theme, no deeper.
    """
    _require_manager(acting_user)
    if section is not None:
        target = lock_for_change(Section, section.pk, version, "section")
        before = snapshot(target)
        target.version += 1
    else:
        target, before = Section(plan=plan), {}
    for name, value in fields.items():
        setattr(target, name, value.strip() if isinstance(value, str) else value)
    parent = target.parent
    if parent is not None:
        if parent.plan_id != plan.pk:
            raise ValidationError({"parent": "Select a theme of this plan"})
        if parent.parent_id is not None or parent.pk == target.pk:
            raise ValidationError({"parent": "Sections nest one level only: select a theme"})
        if section is not None and section.children.exists():
            raise ValidationError({"parent": "This section has sections inside it, so it cannot go inside another"})
    if target.lead is not None and target.lead.organisation_id != plan.council_id:
        raise ValidationError({"lead": "Select an officer of the council"})
    if section is None and "order" not in fields:
        target.order = plan.sections.count() + 1
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if section else Action.CREATE,
        council=plan.council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


@transaction.atomic
def item_save(
    *,
    acting_user: User,
    plan: Plan,
    item: Item | None,
    leads: list[User],
    target_dates: list[tuple[datetime.date, str]],
    version: int | None = None,
    **fields: Any,
) -> Item:
    """Add or change (from the ``version`` the editor opened) a recommendation or action, with its leads and target dates (which replace the old)."""
    _require_manager(acting_user)
    if item is not None:
        target = lock_for_change(Item, item.pk, version, "item")
        before = {**snapshot(target), "leads": sorted(u.pk for u in target.leads.all())}
        target.version += 1
    else:
        target, before = Item(plan=plan), {}
    for name, value in fields.items():
        setattr(target, name, value.strip() if isinstance(value, str) else value)
    if target.section is not None and target.section.plan_id != plan.pk:
        raise ValidationError({"section": "Select a section of this plan"})
    if any(lead.organisation_id != plan.council_id for lead in leads):
        raise ValidationError({"leads": "Select officers of the council"})
    clash = Item.objects.filter(plan=plan, reference__iexact=target.reference)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if target.reference and clash.exists():
        raise ValidationError({"reference": "Another item in this plan has this reference"})
    if item is None and "order" not in fields:
        target.order = plan.items.count() + 1
    target.full_clean()
    target.save()
    target.leads.set(leads)
    target.target_dates.all().delete()
    for due_on, description in target_dates:
        TargetDate.objects.create(item=target, due_on=due_on, description=description.strip())
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if item else Action.CREATE,
        council=plan.council,
        obj=target,
        changes=diff(before, {**snapshot(target), "leads": sorted(u.pk for u in leads)}),
    )
    return target


@transaction.atomic
def item_set_status(
    *,
    acting_user: User,
    item: Item,
    status: str,
    reason: str,
    superseded_by: Item | None = None,
    version: int,
) -> Item:
    """Move an item through its lifecycle; every move needs a reason, and superseding names the item that replaces it."""
    _require_manager(acting_user)
    target = lock_for_change(Item, item.pk, version, "item")
    if status not in TRANSITIONS.get(target.status, set()):
        raise ValidationError(
            {"status": f"An item that is {target.get_status_display().lower()} cannot be marked {status}"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the change"})
    if status == S.SUPERSEDED:
        if superseded_by is None:
            raise ValidationError({"superseded_by": "Select the item that supersedes this one"})
        if superseded_by.plan_id != target.plan_id or superseded_by.pk == target.pk:
            raise ValidationError({"superseded_by": "Select another item of this plan"})
    else:
        superseded_by = None
    before = snapshot(target)
    target.status = status
    target.status_reason = reason.strip()
    target.status_changed_on = timezone.localdate()
    target.superseded_by = superseded_by
    target.version += 1
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=target.plan.council,
        obj=target,
        changes=diff(before, snapshot(target)),
        summary=f"Marked {target.get_status_display().lower()}: {target.status_reason}",
    )
    return target


# Progress updates -------------------------------------------------------------------------------


@transaction.atomic
def update_record(
    *,
    acting_user: User,
    item: Item,
    dated: datetime.date,
    achievements: list[str],
    next_steps: list[str],
    rating: str,
    rating_explanation: str = "",
    evidence_of_progress: str = "",
    evidence_of_impact: str = "",
    initial_response: str = "",
    second_response: str = "",
    outstanding_actions: str = "",
) -> Update:
    """Record a progress update on an item; it counts towards the plan's open review round, if there is one."""
    if not plan_access.can_update_item(acting_user, item):
        raise PermissionDenied
    if item.status != S.OPEN:
        raise ValidationError(f"This item is {item.get_status_display().lower()}: reopen it to record progress")
    if dated > timezone.localdate():
        raise ValidationError({"dated": "The date of the update must be today or in the past"})
    scheme = item.plan.scheme()
    if rating and scheme.get(rating) is None:
        raise ValidationError({"rating": "Select a rating from the plan's scheme"})
    achievements, next_steps = _clean_lines(achievements), _clean_lines(next_steps)
    texts = [evidence_of_progress, evidence_of_impact, initial_response, second_response, outstanding_actions]
    if not (achievements or next_steps or rating or any(t.strip() for t in texts)):
        raise ValidationError("Enter the progress made, the next steps or a rating")
    open_round = item.plan.rounds.filter(closed_at__isnull=True).first()
    update = Update(
        item=item,
        round=open_round,
        dated=dated,
        author=acting_user,
        achievements=achievements,
        next_steps=next_steps,
        rating=rating,
        rating_explanation=rating_explanation.strip(),
        evidence_of_progress=evidence_of_progress.strip(),
        evidence_of_impact=evidence_of_impact.strip(),
        initial_response=initial_response.strip(),
        second_response=second_response.strip(),
        outstanding_actions=outstanding_actions.strip(),
    )
    update.full_clean()
    update.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=item.plan.council,
        obj=update,
        changes=diff({}, snapshot(update)),
    )
    return update


# Measures ----------------------------------------------------------------------------------------


@transaction.atomic
def measure_save(
    *, acting_user: User, item: Item, measure: Measure | None, version: int | None = None, **fields: Any
) -> Measure:
    """Add or change (from the ``version`` the editor opened) a measure; ``indicator_code`` must name a registered indicator, when given."""
    from onward.core.indicators import indicator_source

    _require_manager(acting_user)
    if measure is not None:
        target = lock_for_change(Measure, measure.pk, version, "measure")
        before = snapshot(target)
        target.version += 1
    else:
        target, before = Measure(item=item), {}
    for name, value in fields.items():
        setattr(target, name, value.strip() if isinstance(value, str) else value)
    if target.indicator_code:
        source = indicator_source(target.indicator_code)
        if source is None:
            raise ValidationError({"indicator_code": "Select an indicator Onward calculates"})
        target.unit = source.unit if source.unit in Measure.Unit.values else target.unit
    target.full_clean()
    target.save()
    after = snapshot(target)
    if target.indicator_code and measure is not None:
        # Bound to an indicator, the measure quotes the council's target for it: targets typed into
        # the plan before would be a second, contradicting source, so they go (and the audit says so).
        own = list(target.targets.all())
        if own:
            before["targets"] = [f"{t.get_kind_display()} {t.value.normalize():f} by {t.due_on:%d/%m/%Y}" for t in own]
            after["targets"] = []
            MeasureTarget.objects.filter(pk__in=[t.pk for t in own]).delete()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if measure else Action.CREATE,
        council=item.plan.council,
        obj=target,
        changes=diff(before, after),
    )
    return target


BOUND_TARGET_MESSAGE = (
    "This measure is bound to a live indicator: its targets are the council's targets for the indicator, "
    "set on the targets page"
)


def _measure_moves_on(measure: Measure) -> None:
    measure.version += 1
    measure.save(update_fields=["version", "updated_at"])


@transaction.atomic
def measure_target_set(
    *, acting_user: User, measure: Measure, due_on: datetime.date, kind: str, value: Decimal, version: int
) -> MeasureTarget:
    """Set the target due on a date (replacing one already due then): a value, or points above national.

    The targets are part of the measure: ``version`` is the measure's as the editor saw it.
    """
    _require_manager(acting_user)
    measure = lock_for_change(Measure, measure.pk, version, "measure")
    if measure.indicator_code:
        raise ValidationError(BOUND_TARGET_MESSAGE)
    target = MeasureTarget.objects.filter(measure=measure, due_on=due_on).first() or MeasureTarget(
        measure=measure, due_on=due_on
    )
    before = snapshot(target) if target.pk else {}
    target.kind, target.value = kind, value
    target.full_clean()
    target.save()
    _measure_moves_on(measure)
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if before else Action.CREATE,
        council=measure.item.plan.council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


@transaction.atomic
def measure_target_remove(*, acting_user: User, target: MeasureTarget, version: int) -> None:
    """Take a target off its measure; ``version`` is the measure's as the editor saw it."""
    _require_manager(acting_user)
    _measure_moves_on(lock_for_change(Measure, target.measure_id, version, "measure"))
    audit_record(
        actor=acting_user,
        action=Action.DELETE,
        council=target.measure.item.plan.council,
        obj=target,
        changes=diff(snapshot(target), {}),
    )
    target.delete()


@transaction.atomic
def measure_actual_record(
    *,
    acting_user: User,
    measure: Measure,
    on: datetime.date,
    value: Decimal,
    national: Decimal | None = None,
    source: str = "",
) -> MeasureActual:
    """Record a figure by hand (a lead of the item, or a manager of plans)."""
    if not plan_access.can_update_item(acting_user, measure.item):
        raise PermissionDenied
    if measure.indicator_code:
        raise ValidationError("This measure is bound to a live indicator: its figures are counted, not typed")
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    if measure.unit == Measure.Unit.PERCENT and not Decimal(0) <= value <= Decimal(100):
        raise ValidationError({"value": "A percentage must be between 0 and 100"})
    actual = MeasureActual(
        measure=measure, on=on, value=value, national=national, source=source.strip(), recorded_by=acting_user
    )
    actual.full_clean()
    actual.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=measure.item.plan.council,
        obj=actual,
        changes=diff({}, snapshot(actual)),
    )
    return actual


# Review rounds -----------------------------------------------------------------------------------


@transaction.atomic
def round_open(*, acting_user: User, plan: Plan, name: str, due_on: datetime.date) -> ReviewRound:
    """Open a review round: every open item's leads now owe an update by ``due_on``. One round at a time."""
    _require_manager(acting_user)
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.rounds.filter(closed_at__isnull=True).exists():
        raise ValidationError("This plan already has an open review round: close it first")
    today = timezone.localdate()
    if due_on < today:
        raise ValidationError({"due_on": "The date updates are due must be today or in the future"})
    review_round = ReviewRound(plan=locked, name=name.strip(), opened_on=today, due_on=due_on, opened_by=acting_user)
    review_round.full_clean()
    review_round.save()
    audit_record(actor=acting_user, action=Action.CREATE, council=plan.council, obj=review_round)
    return review_round


@transaction.atomic
def round_close(*, acting_user: User, review_round: ReviewRound) -> ReviewRound:
    """Close a round and keep a snapshot of the plan as it stood: every item, its latest update, its measures."""
    from onward.plans.selectors import plan_snapshot

    _require_manager(acting_user)
    locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if locked.closed_at is not None:
        raise ValidationError("This review round is already closed")
    locked.snapshot = plan_snapshot(locked.plan, review_round=locked, as_at=timezone.localdate())
    locked.closed_at = timezone.now()
    locked.closed_by = acting_user
    locked.full_clean()
    locked.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.plan.council,
        obj=locked,
        summary="Closed the review round and kept a snapshot",
    )
    return locked


# Board meetings -------------------------------------------------------------------------------------


@transaction.atomic
def meeting_save(
    *,
    acting_user: User,
    plan: Plan,
    meeting: Meeting | None,
    items_discussed: list[Item],
    version: int | None = None,
    **fields: Any,
) -> Meeting:
    """Record a meeting of the plan's board (or change one, from the ``version`` the editor opened):
    its date, theme, attendance, apologies, agenda, discussion and the plan's items discussed."""
    _require_manager(acting_user)
    if meeting is not None:
        target = lock_for_change(Meeting, meeting.pk, version, "meeting")
        before = {**snapshot(target), "items_discussed": sorted(i.pk for i in target.items_discussed.all())}
        target.version += 1
    else:
        target, before = Meeting(plan=plan, recorded_by=acting_user), {}
    for name, value in fields.items():
        setattr(target, name, value.strip() if isinstance(value, str) else value)
    if any(item.plan_id != plan.pk for item in items_discussed):
        raise ValidationError({"items_discussed": "Select items of this plan"})
    if not target.attendance.strip():
        raise ValidationError({"attendance": "Enter who attended"})
    target.full_clean()
    target.save()
    target.items_discussed.set(items_discussed)
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if meeting else Action.CREATE,
        council=plan.council,
        obj=target,
        changes=diff(before, {**snapshot(target), "items_discussed": sorted(i.pk for i in items_discussed)}),
    )
    return target


@transaction.atomic
def decision_record(
    *,
    acting_user: User,
    meeting: Meeting,
    kind: str,
    text: str,
    item: Item | None = None,
    new_item: dict[str, Any] | None = None,
) -> Decision:
    """Record a decision of a meeting, and what it does to the plan, all in one transaction.

    * ``new_item``: the decision adds an action (``reference``, ``text`` and optionally ``section``,
      ``agreed_action``) through :func:`item_save`;
    * ``update_item``: it records a progress update on ``item``, dated the day of the meeting, with
      the decision as the next step (through :func:`update_record`, so the item must be open);
    * ``noted``: nothing else changes.

    A decision can be recorded only once the meeting has been held, and is never changed afterwards.
    """
    _require_manager(acting_user)
    plan = meeting.plan
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Enter the decision"})
    if meeting.held_on > timezone.localdate():
        raise ValidationError("The meeting has not been held yet: record its decisions on or after the day")
    decision = Decision(meeting=meeting, kind=kind, text=text, recorded_by=acting_user)
    when = f"{meeting.held_on:%-d %B %Y}"
    if kind == Decision.Kind.NEW_ITEM:
        details = new_item or {}
        if not str(details.get("reference", "")).strip():
            raise ValidationError({"reference": "Enter a reference for the new action"})
        if not str(details.get("text", "")).strip():
            raise ValidationError({"item_text": "Enter the new action"})
        decision.item = item_save(
            acting_user=acting_user,
            plan=plan,
            item=None,
            leads=[],
            target_dates=[],
            kind=Item.Kind.ACTION,
            reference=details["reference"],
            text=details["text"],
            section=details.get("section"),
            agreed_action=details.get("agreed_action") or f"Agreed at the {meeting.theme} meeting on {when}: {text}",
        )
    elif kind == Decision.Kind.UPDATE_ITEM:
        if item is None or item.plan_id != plan.pk:
            raise ValidationError({"item": "Select the item of this plan the decision is about"})
        if item.status != Item.Status.OPEN:
            raise ValidationError(
                {"item": f"{item.reference} is {item.get_status_display().lower()}: select an open item"}
            )
        decision.item = item
        decision.update = update_record(
            acting_user=acting_user,
            item=item,
            dated=meeting.held_on,
            achievements=[],
            next_steps=[text],
            rating="",
            evidence_of_progress=f"Decided at the {meeting.theme} meeting on {when}: {text}",
        )
    elif kind != Decision.Kind.NOTED:
        raise ValidationError({"kind": "Select what the decision does"})
    decision.full_clean()
    decision.save()
    if decision.item is not None:
        meeting.items_discussed.add(decision.item)
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=plan.council,
        obj=decision,
        changes=diff({}, snapshot(decision)),
        summary=f"Recorded a decision of the {meeting.theme} meeting on {when}",
    )
    return decision


# Committee documents and spreadsheets ----------------------------------------------------------------


@transaction.atomic
def plan_export_record(
    *, acting_user: User, plan: Plan, what: str, file_format: str, review_round: ReviewRound | None = None
) -> None:
    """Record in the audit trail that a committee document or spreadsheet of the plan was produced."""
    if not acting_user.can(Perm.VIEW_PLANS):
        raise PermissionDenied
    where = f" for {review_round.name}" if review_round is not None else ""
    audit_record(
        actor=acting_user,
        action=Action.EXPORT,
        council=plan.council,
        obj=plan,
        summary=f"Exported the {what} of {plan.title}{where} as {file_format.upper()}",
    )


@transaction.atomic
def plan_import(
    *,
    acting_user: User,
    council: Organisation,
    plan: Plan | None,
    parsed: Any,
    file_name: str,
    plan_fields: dict[str, Any] | None = None,
) -> Plan:
    """Save a checked spreadsheet (``interchange.parse_rows``) into a new plan or add it to ``plan``.

    All or nothing: it refuses a file with any problem, and everything is saved in one
    transaction with one audit entry. Sections are matched to the plan's by reference (or title);
    leads given as an officer's email address are linked to their account, others kept by name.
    Updates count towards the plan's open review round, if there is one.
    """
    _require_manager(acting_user)
    if parsed.problems:
        raise ValidationError("The file has problems: nothing was imported")
    today = timezone.localdate()
    if plan is None:
        plan = Plan(council=council, **(plan_fields or {}))
        if plan.rating_scheme != schemes.CUSTOM:
            plan.custom_scheme = None
        elif plan.custom_scheme is None or plan.custom_scheme.council_id != council.pk:
            raise ValidationError({"custom_scheme": "Select one of the council's rating schemes"})
        plan.full_clean()
        plan.save()
        created = True
    else:
        if plan.council_id != council.pk:
            raise PermissionDenied
        created = False
    existing_sections = list(plan.sections.all())
    section_order = len(existing_sections)
    item_order = plan.items.count()
    open_round = plan.rounds.filter(closed_at__isnull=True).first()
    officers = {u.email.lower(): u for u in User.objects.filter(organisation=council)}
    count = 0

    def save_item(parsed_item: Any, section: Section | None) -> None:
        nonlocal item_order, count
        item_order += 1
        count += 1
        users = [officers[name.lower()] for name in parsed_item.leads if name.lower() in officers]
        names = [name for name in parsed_item.leads if name.lower() not in officers]
        item = Item(
            plan=plan,
            section=section,
            kind=Item.Kind.RECOMMENDATION if plan.kind.startswith("scrutiny") else Item.Kind.ACTION,
            reference=parsed_item.reference,
            text=parsed_item.text,
            agreed_action=parsed_item.agreed_action,
            success_measure=parsed_item.success_measure,
            named_leads=", ".join(names),
            status=parsed_item.status,
            status_reason=parsed_item.status_reason,
            status_changed_on=None if parsed_item.status == S.OPEN else today,
            order=item_order,
        )
        item.full_clean()
        item.save()
        if users:
            item.leads.set(users)
        for due_on, description in parsed_item.target_dates:
            target = TargetDate(item=item, due_on=due_on, description=description)
            target.full_clean()
            target.save()
        if parsed_item.update is not None:
            update = Update(item=item, round=open_round, author=acting_user, **parsed_item.update)
            update.full_clean()
            update.save()

    for parsed_section in parsed.sections:
        section = next(
            (
                s
                for s in existing_sections
                if (parsed_section.reference and s.reference.lower() == parsed_section.reference.lower())
                or (not parsed_section.reference and s.title.lower() == parsed_section.title.lower())
            ),
            None,
        )
        if section is None:
            section_order += 1
            section = Section(
                plan=plan,
                kind=Section.Kind.OBJECTIVE if plan.kind == Plan.Kind.QUALITY_MARK_WORK_PLAN else Section.Kind.AREA,
                reference=parsed_section.reference,
                title=parsed_section.title,
                aim=parsed_section.aim,
                order=section_order,
            )
            section.full_clean()
            section.save()
            existing_sections.append(section)
        for parsed_item in parsed_section.items:
            save_item(parsed_item, section)
    for parsed_item in parsed.loose_items:
        save_item(parsed_item, None)
    audit_record(
        actor=acting_user,
        action=Action.CREATE if created else Action.CHANGE,
        council=council,
        obj=plan,
        summary=f"Imported {count} items in {len(parsed.sections)} sections from {file_name}",
    )
    return plan


# Plan structure (ADR 35): quality-mark criteria, budgets and spend, the board, the report schedule ---


def _in_plan(plan: Plan, section: Section | None, field_name: str = "section") -> None:
    if section is not None and section.plan_id != plan.pk:
        raise ValidationError({field_name: "Select a section of this plan"})


@transaction.atomic
def criterion_save(
    *,
    acting_user: User,
    plan: Plan,
    criterion: Criterion | None,
    reference: str,
    text: str,
    section: Section | None = None,
    evidence: str = "",
    evidence_items: list[Item] | None = None,
    evidence_measures: list[Measure] | None = None,
    evidence_documents: str = "",
    version: int | None = None,
) -> Criterion:
    """Add or change (from the ``version`` the editor opened) a quality-mark criterion and its evidence.

    The evidence may point to items and measures of the same plan only. A new criterion starts as
    not started; its status changes through :func:`criterion_set_status`, never here.
    """
    _require_manager(acting_user)
    items, measures = list(evidence_items or []), list(evidence_measures or [])
    _in_plan(plan, section)
    if any(item.plan_id != plan.pk for item in items):
        raise ValidationError({"evidence_items": "Select items of this plan"})
    if any(measure.item.plan_id != plan.pk for measure in measures):
        raise ValidationError({"evidence_measures": "Select measures of this plan"})
    if criterion is not None:
        target = lock_for_change(Criterion, criterion.pk, version, "criterion")
        before = {
            **snapshot(target),
            "evidence_items": sorted(i.pk for i in target.evidence_items.all()),
            "evidence_measures": sorted(m.pk for m in target.evidence_measures.all()),
        }
        target.version += 1
    else:
        target, before = Criterion(plan=plan, order=plan.criteria.count() + 1), {}
    target.reference = reference.strip()
    target.text = text.strip()
    target.section = section
    target.evidence = evidence.strip()
    target.evidence_documents = "\n".join(_clean_lines(evidence_documents.splitlines()))
    if not target.text:
        raise ValidationError({"text": "Enter what must be in place"})
    target.full_clean()
    target.save()
    target.evidence_items.set(items)
    target.evidence_measures.set(measures)
    after = {
        **snapshot(target),
        "evidence_items": sorted(i.pk for i in items),
        "evidence_measures": sorted(m.pk for m in measures),
    }
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if criterion else Action.CREATE,
        council=plan.council,
        obj=target,
        changes=diff(before, after),
    )
    return target


@transaction.atomic
def criterion_set_status(
    *,
    acting_user: User,
    criterion: Criterion,
    status: str,
    changed_on: datetime.date,
    version: int | None,
    note: str = "",
) -> CriterionStatusChange:
    """Move a criterion to a new status on a date, kept in its history.

    The date may not be in the future, nor before its last change (the history reads in order).
    """
    _require_manager(acting_user)
    target = lock_for_change(Criterion, criterion.pk, version, "criterion")
    if status not in Criterion.Status.values:
        raise ValidationError({"status": "Select the criterion's status"})
    if status == target.status:
        raise ValidationError({"status": f"The criterion is already {target.get_status_display().lower()}"})
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": "The date of the change must be today or in the past"})
    if target.status_on is not None and changed_on < target.status_on:
        raise ValidationError(
            {"changed_on": f"The date of the change must be on or after the last change, {target.status_on:%-d %B %Y}"}
        )
    before, before_on = target.status, target.status_on
    target.status, target.status_on = status, changed_on
    target.version += 1
    target.save(update_fields=["status", "status_on", "version", "updated_at"])
    change = CriterionStatusChange(
        criterion=target, status=status, changed_on=changed_on, note=note.strip(), recorded_by=acting_user
    )
    change.full_clean()
    change.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=target.plan.council,
        obj=target,
        changes={
            "status": [before, status],
            "status_on": [before_on.isoformat() if before_on else None, changed_on.isoformat()],
        },
    )
    return change


@transaction.atomic
def budget_save(
    *,
    acting_user: User,
    plan: Plan,
    budget: Budget | None,
    name: str,
    amount_pence: int,
    section: Section | None = None,
    version: int | None = None,
) -> Budget:
    """Add or change (from the ``version`` the editor opened) a budget for the plan or one of its objectives."""
    _require_manager(acting_user)
    _in_plan(plan, section)
    if amount_pence < 0:
        raise ValidationError({"amount_pence": "The budget must be £0 or more"})
    if budget is not None:
        target = lock_for_change(Budget, budget.pk, version, "budget")
        before = snapshot(target)
        target.version += 1
    else:
        target, before = Budget(plan=plan), {}
    target.name, target.amount_pence, target.section = name.strip(), amount_pence, section
    if not target.name:
        raise ValidationError({"name": "Enter the budget's name"})
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if budget else Action.CREATE,
        council=plan.council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


@transaction.atomic
def spend_record(
    *, acting_user: User, budget: Budget, spent_on: datetime.date, amount_pence: int, description: str
) -> Spend:
    """Record money spent from a budget. A correction is a negative entry, which may not take the total below £0.

    Spend beyond the budget is recorded (it happened) and shown as overspent, not refused.
    """
    _require_manager(acting_user)
    locked = Budget.objects.select_for_update().get(pk=budget.pk)
    if amount_pence == 0:
        raise ValidationError({"amount_pence": "Enter an amount other than £0"})
    if not description.strip():
        raise ValidationError({"description": "Enter what the money was spent on"})
    if spent_on > timezone.localdate():
        raise ValidationError({"spent_on": "The date of the spend must be today or in the past"})
    total = sum(locked.spends.values_list("amount_pence", flat=True))
    if total + amount_pence < 0:
        raise ValidationError({"amount_pence": "A correction cannot take the total spent below £0"})
    spend = Spend(
        budget=locked,
        spent_on=spent_on,
        amount_pence=amount_pence,
        description=description.strip(),
        recorded_by=acting_user,
    )
    spend.full_clean()
    spend.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=locked.plan.council,
        obj=spend,
        changes=diff({}, snapshot(spend)),
    )
    return spend


@transaction.atomic
def board_member_save(
    *,
    acting_user: User,
    plan: Plan,
    member: BoardMember | None,
    name: str,
    role: str,
    organisation: str,
    from_on: datetime.date,
    to_on: datetime.date | None = None,
    version: int | None = None,
) -> BoardMember:
    """Add or change (from the ``version`` the editor opened) a member of the plan's board and their term."""
    _require_manager(acting_user)
    if to_on is not None and to_on < from_on:
        raise ValidationError({"to_on": "The end of the term must be the same as or after its start"})
    if member is not None:
        target = lock_for_change(BoardMember, member.pk, version, "board member")
        before = snapshot(target)
        target.version += 1
    else:
        target, before = BoardMember(plan=plan), {}
    target.name, target.role, target.organisation = name.strip(), role.strip(), organisation.strip()
    target.from_on, target.to_on = from_on, to_on
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if member else Action.CREATE,
        council=plan.council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


@transaction.atomic
def terms_of_reference_record(
    *, acting_user: User, plan: Plan, agreed_on: datetime.date, text: str
) -> TermsOfReference:
    """A new version of the board's terms of reference, agreed on a date; earlier versions stay as they were."""
    _require_manager(acting_user)
    Plan.objects.select_for_update().get(pk=plan.pk)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Enter the terms of reference"})
    current = plan.terms_of_reference.order_by("-agreed_on", "-id").first()
    if current is not None and agreed_on < current.agreed_on:
        raise ValidationError(
            {"agreed_on": f"The date agreed must be on or after the current version's, {current.agreed_on:%-d %B %Y}"}
        )
    if current is not None and current.text == text:
        raise ValidationError({"text": "These are the current terms of reference: change them to add a new version"})
    terms = TermsOfReference(plan=plan, agreed_on=agreed_on, text=text, recorded_by=acting_user)
    terms.full_clean()
    terms.save()
    audit_record(
        actor=acting_user, action=Action.CREATE, council=plan.council, obj=terms, changes=diff({}, snapshot(terms))
    )
    return terms


FREQUENCY_MONTHS = {
    ReportSchedule.Frequency.QUARTERLY: 3,
    ReportSchedule.Frequency.SIX_MONTHLY: 6,
    ReportSchedule.Frequency.YEARLY: 12,
}


@transaction.atomic
def report_schedule_save(
    *,
    acting_user: User,
    plan: Plan,
    schedule: ReportSchedule | None,
    committee: str,
    document: str,
    frequency: str,
    next_due_on: datetime.date | None,
    owner: User,
    remind_days: int = 14,
    version: int | None = None,
) -> ReportSchedule:
    """Add or change (from the ``version`` the editor opened) which committee gets which document, how often, and when next."""
    _require_manager(acting_user)
    if owner.organisation_id != plan.council_id or not owner.is_active:
        raise ValidationError({"owner": "Select an officer of the council"})
    if next_due_on is None:
        raise ValidationError({"next_due_on": "Enter the date the report is next due"})
    if schedule is not None:
        target = lock_for_change(ReportSchedule, schedule.pk, version, "report schedule")
        before = snapshot(target)
        target.version += 1
    else:
        target, before = ReportSchedule(plan=plan), {}
    target.committee, target.document, target.frequency = committee.strip(), document, frequency
    target.next_due_on, target.owner, target.remind_days = next_due_on, owner, remind_days
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if schedule else Action.CREATE,
        council=plan.council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


def _months_on(day: datetime.date, months: int) -> datetime.date:
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def report_sent_record(
    *, acting_user: User, schedule: ReportSchedule, sent_on: datetime.date, version: int | None = None
) -> ReportSent:
    """Record that the report due next went to its committee, and move the next due date on by its frequency.

    Needs the schedule's ``version`` the owner saw, so a second click does not skip a due date. A one-off
    report has no next due date once sent.
    """
    _require_manager(acting_user)
    target = lock_for_change(ReportSchedule, schedule.pk, version, "report schedule")
    if target.next_due_on is None:
        raise ValidationError({"sent_on": "No report is due on this schedule"})
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": "The date it was sent must be today or in the past"})
    due_on = target.next_due_on
    months = FREQUENCY_MONTHS.get(target.frequency)  # type: ignore[call-overload]
    target.next_due_on = _months_on(due_on, months) if months else None
    target.version += 1
    target.save(update_fields=["next_due_on", "version", "updated_at"])
    sent = ReportSent(schedule=target, due_on=due_on, sent_on=sent_on, recorded_by=acting_user)
    sent.full_clean()
    sent.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=target.plan.council,
        obj=target,
        changes={"next_due_on": [due_on.isoformat(), target.next_due_on.isoformat() if target.next_due_on else None]},
        summary=f"Sent on {sent_on:%-d %B %Y}",
    )
    return sent


def report_schedule_remind(*, schedule: ReportSchedule, day: datetime.date, base_url: str = "") -> bool:
    """Email the schedule's owner that its report is due (or overdue) and record it, in one transaction: once
    per schedule and due date however often it runs (``ScheduleReminder``). If the email cannot be sent nothing
    is recorded, so the next run tries again; if another run recorded it first, nothing is sent."""
    from django.core.mail import send_mail
    from django.db import IntegrityError
    from django.urls import reverse

    from onward.plans.models import ScheduleReminder

    due_on = schedule.next_due_on
    if due_on is None or not schedule.owner.is_active or not schedule.owner.email:
        return False
    with transaction.atomic():
        if ScheduleReminder.objects.filter(schedule=schedule, due_on=due_on).exists():
            return False
        try:
            with transaction.atomic():
                reminder = ScheduleReminder.objects.create(schedule=schedule, due_on=due_on, sent_at=timezone.now())
        except IntegrityError:
            return False
        when = "was due" if due_on < day else "is due"
        link = base_url.rstrip("/") + reverse("plans:structure", kwargs={"pk": schedule.plan_id}) + "#schedule"
        audit_record(
            actor=None,
            action=Action.CREATE,
            council=schedule.plan.council,
            obj=reminder,
            summary=f"Report reminder emailed to {schedule.owner.full_name}",
        )
        send_mail(
            f"{schedule.get_document_display()} {when} to {schedule.committee}",
            f"{schedule.get_document_display()} for {schedule.plan.title} {when} to {schedule.committee} on "
            f"{due_on:%-d %B %Y}.\n\nRecord it as sent in Onward when it has gone: {link}",
            None,
            [schedule.owner.email],
        )
    return True
