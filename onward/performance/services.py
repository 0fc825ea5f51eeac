"""Changes to performance data: benchmark files and targets."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record, diff, snapshot
from onward.core.concurrency import lock_for_change
from onward.performance import benchmarks
from onward.performance import targets as rating
from onward.performance.models import BenchmarkSet, BenchmarkValue, Target, TargetStep

Action = AuditEvent.Action

# Benchmark files ---------------------------------------------------------------------------------


class BenchmarkNotReady(Exception):
    """Only a previewed file without problems can be saved."""


def _check(content: bytes) -> benchmarks.CheckedFile:
    return benchmarks.check_csv(content, known_indicators=set(rating.indicator_names()), today=timezone.localdate())


@transaction.atomic
def benchmark_preview(*, acting_user: User, council: Organisation, file_name: str, content: bytes) -> BenchmarkSet:
    """Check a benchmark CSV and keep it for the preview; nothing is counted until it is saved."""
    checked = _check(content)
    benchmark_set = BenchmarkSet(
        council=council,
        status=BenchmarkSet.Status.REJECTED if checked.problems else BenchmarkSet.Status.PREVIEWED,
        file_name=file_name[:200],
        content=content.decode("utf-8-sig", errors="replace"),
        problems=[problem.as_dict() for problem in checked.problems],
        summary=checked.summary(),
        created_by=acting_user,
    )
    benchmark_set.full_clean()
    benchmark_set.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=council,
        obj=benchmark_set,
        summary=f"Checked a benchmark file: {len(checked.rows)} figures, {len(checked.problems)} problems",
    )
    return benchmark_set


@transaction.atomic
def benchmark_save(*, acting_user: User, benchmark_set: BenchmarkSet) -> BenchmarkSet:
    """Save a previewed file, all or nothing; it replaces the council's benchmark file in use."""
    locked = BenchmarkSet.objects.select_for_update().get(pk=benchmark_set.pk)
    if locked.status != BenchmarkSet.Status.PREVIEWED:
        raise BenchmarkNotReady("Only a checked file without problems can be saved")
    checked = _check(locked.content.encode("utf-8"))
    if checked.problems:
        raise BenchmarkNotReady("The file no longer passes its checks: upload it again")
    values = [BenchmarkValue(benchmark_set=locked, **row) for row in checked.rows]
    for value in values:
        value.full_clean(exclude=["benchmark_set"], validate_unique=False, validate_constraints=False)
    BenchmarkValue.objects.bulk_create(values)
    BenchmarkSet.objects.filter(council=locked.council, status=BenchmarkSet.Status.SAVED).update(
        status=BenchmarkSet.Status.SUPERSEDED
    )
    locked.status = BenchmarkSet.Status.SAVED
    locked.saved_at = timezone.now()
    locked.save(update_fields=["status", "saved_at", "updated_at"])
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.council,
        obj=locked,
        summary=f"Saved {len(values)} benchmark figures",
    )
    return locked


@transaction.atomic
def benchmark_discard(*, acting_user: User, benchmark_set: BenchmarkSet) -> BenchmarkSet:
    locked = BenchmarkSet.objects.select_for_update().get(pk=benchmark_set.pk)
    if locked.status not in (BenchmarkSet.Status.PREVIEWED, BenchmarkSet.Status.REJECTED):
        raise BenchmarkNotReady("Only a file that has not been saved can be discarded")
    locked.status = BenchmarkSet.Status.DISCARDED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(actor=acting_user, action=Action.CHANGE, council=locked.council, obj=locked, summary="Discarded")
    return locked


# Targets -----------------------------------------------------------------------------------------


def _check_indicator(indicator: str) -> None:
    if indicator not in rating.indicator_names():
        raise ValidationError({"indicator": "Select an indicator"})


@transaction.atomic
def target_save(
    *,
    acting_user: User,
    council: Organisation,
    target: Target | None,
    indicator: str,
    tolerance: Decimal | None,
    notes: str = "",
    version: int | None = None,
) -> Target:
    """Create a target, or change one (refused if someone else changed it since ``version``)."""
    _check_indicator(indicator)
    if target is not None:
        saved = lock_for_change(Target, target.pk, version, "target")
        before = snapshot(saved)
        saved.version += 1
    else:
        saved, before = Target(council=council), {}
    clash = Target.objects.filter(council=council, indicator=indicator)
    if target is not None:
        clash = clash.exclude(pk=target.pk)
    if clash.exists():
        raise ValidationError({"indicator": "There is already a target for this indicator: change that one"})
    saved.indicator = indicator
    saved.tolerance = tolerance
    saved.notes = notes.strip()
    saved.full_clean()
    saved.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if target else Action.CREATE,
        council=council,
        obj=saved,
        changes=diff(before, snapshot(saved)),
    )
    return saved


def _check_step_value(indicator: str, kind: str, value: Decimal) -> None:
    if kind == TargetStep.Kind.ABSOLUTE:
        if rating.indicator_unit(indicator) == "percent" and not Decimal(0) <= value <= Decimal(100):
            raise ValidationError({"value": "Enter a percentage from 0 to 100"})
        if value < 0:
            raise ValidationError({"value": "Enter a number of 0 or more"})
    elif not Decimal(-100) <= value <= Decimal(100):
        raise ValidationError({"value": "Enter an offset from -100 to 100 percentage points"})
    if kind != TargetStep.Kind.ABSOLUTE and rating.indicator_unit(indicator) != "percent":
        raise ValidationError({"kind": "A count can only have a fixed target"})


@transaction.atomic
def target_step_add(
    *,
    acting_user: User,
    target: Target,
    by_date: datetime.date,
    kind: str,
    value: Decimal,
    version: int | None = None,
) -> TargetStep:
    """Add a step to a target's trajectory (one step per date); the target's version moves on."""
    locked = lock_for_change(Target, target.pk, version, "target")
    _check_step_value(locked.indicator, kind, value)
    if locked.steps.filter(by_date=by_date).exists():
        raise ValidationError({"by_date": "There is already a step for this date: remove it first"})
    step = TargetStep(target=locked, by_date=by_date, kind=kind, value=value)
    step.full_clean()
    step.save()
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=locked.council,
        obj=step,
        object_repr=f"{locked.indicator}: {rating.describe_step(step)}",
    )
    return step


@transaction.atomic
def target_step_remove(*, acting_user: User, target: Target, step_id: int, version: int | None = None) -> None:
    locked = lock_for_change(Target, target.pk, version, "target")
    step = locked.steps.filter(pk=step_id).first()
    if step is None:
        raise ValidationError("That step has already been removed")
    before: dict[str, Any] = snapshot(step)
    audit_record(
        actor=acting_user,
        action=Action.DELETE,
        council=locked.council,
        obj=step,
        object_repr=f"{locked.indicator}: {rating.describe_step(step)}",
        changes=diff(before, {}),
    )
    step.delete()
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
