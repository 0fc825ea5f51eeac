"""Writes for the performance app: monthly snapshots of every indicator."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record, diff, snapshot
from onward.core import documents, exports, imports
from onward.core.bulk import analyze_loaded, insert_values
from onward.core.concurrency import lock_for_change
from onward.people import selectors as people_selectors
from onward.people import stored
from onward.people.models import YoungPerson
from onward.performance import benchmarks, indicators, live, quarterly, return_method, selectors
from onward.performance import targets as rating
from onward.performance.indicators import Figure
from onward.performance.models import (
    BenchmarkSet,
    BenchmarkValue,
    IndicatorSnapshot,
    Method,
    PersonFacts,
    ReportCommentary,
    Target,
    TargetStep,
)

SNAPSHOT_BREAKDOWNS = tuple(live.BREAKDOWNS)


@functools.cache
def facts_rules_fingerprint(vendor: str) -> str:
    """The fingerprint of the rules that work out the facts (``live.facts_rules``): the statement is
    the code's, so it is built once a process, not for every page that reads the facts."""
    return stored.fingerprint(vendor, live.facts_rules())


def keep_facts_current(council: Organisation, day: datetime.date) -> None:
    """Bring the council's stored facts for ``day`` up to date (ADR 36), for its dashboard to count."""
    stored.keep_current(
        council=council.pk,
        day=day,
        model=PersonFacts,
        kind="facts",
        rules=facts_rules_fingerprint(connection.vendor),
        make=live.facts_to_store,
        work=False,  # the facts do not depend on referrals
    )


def current_figures(
    council: Organisation, day: datetime.date, method: str, by: str
) -> tuple[dict[str, Figure], dict[str, dict[str, Figure]]]:
    """The headline figures and a breakdown (``selectors.headline_and_breakdown``). Today's live
    figures are counted from the facts kept for today, first brought up to date (ADR 36), so the
    dashboard costs about the same at 2,000 young people as at 20,000; other days are worked out."""
    kept = method == Method.SNAPSHOT and day == people_selectors.today()
    if kept:
        keep_facts_current(council, day)
    return selectors.headline_and_breakdown(council, day, method, by, stored=kept)


def _rows(
    council_id: int,
    method: str,
    month_end: datetime.date,
    dimension: str,
    group: str,
    figures: dict[str, Figure],
) -> list[dict[str, Any]]:
    """The ``IndicatorSnapshot`` rows of one group's figures, as values (there can be 250,000 a month)."""
    return [
        {
            "council_id": council_id,
            "indicator": code,
            "method": method,
            "month_end": month_end,
            "breakdown": dimension,
            "breakdown_value": group[:40],
            "numerator": figure.numerator,
            "denominator": figure.denominator,
        }
        for code, figure in figures.items()
    ]


def snapshot_take(
    *,
    councils: Iterable[Organisation],
    month_end: datetime.date,
    methods: Iterable[str] = (Method.SNAPSHOT, Method.RETURN),
    breakdowns: Iterable[str] = SNAPSHOT_BREAKDOWNS,
    acting_user: User | None = None,
) -> int:
    """Compute and store every indicator at ``month_end`` for ``councils``, replacing what was stored.

    The live snapshot is counted for all the councils at once: one query works out each young
    person's facts, and every breakdown is tallied from them (``live.live_counts_per_person``);
    the return method builds each council's return once. Rows are bulk-written;
    returns the number of rows stored.
    """
    councils = list(councils)
    methods = list(methods)
    breakdowns = list(breakdowns)
    ids = [c.pk for c in councils]
    rows: list[dict[str, Any]] = []
    if Method.SNAPSHOT in methods:
        people = YoungPerson.objects.filter(council_id__in=ids)
        found = live.live_counts_per_person(people, month_end, dimensions=["", *breakdowns])
        for dimension, groups in found.items():
            for (council_id, group), figures in groups.items():
                rows.extend(_rows(int(council_id), Method.SNAPSHOT, month_end, dimension, group, figures))
    if Method.RETURN in methods:
        for council in councils:
            built = return_method.return_rows(council, month_end)
            for dimension in ["", *breakdowns]:
                counted = return_method.return_counts(council, month_end, group_by=dimension or "council", rows=built)
                for group, counts in counted.items():
                    rows.extend(
                        _rows(council.pk, Method.RETURN, month_end, dimension, group if dimension else "", counts)
                    )
    with transaction.atomic():
        IndicatorSnapshot.objects.filter(council_id__in=ids, month_end=month_end, method__in=methods).delete()
        insert_values(IndicatorSnapshot, rows)
        analyze_loaded({IndicatorSnapshot: len(rows)})
        for council in councils:
            audit_record(
                actor=acting_user,
                action=AuditEvent.Action.CREATE,
                council=council,
                object_type="performance.IndicatorSnapshot",
                summary=f"Indicator snapshot at {month_end:%d/%m/%Y} ({', '.join(methods)})",
            )
    return len(rows)


def snapshot_missing(
    *, council: Organisation, method: str, day: datetime.date, months: int = 12, acting_user: User | None = None
) -> int:
    """Take the snapshots the trend to ``day`` lacks (``selectors.trend``): a month end past but not yet
    stored (the monthly ``snapshot_indicators`` not run, or run before the council's data came) is worked
    out once and kept, as the monthly run would have, not again on every view. Returns rows stored.

    The council's row is locked while its month ends are looked for, so two views never take the same one.
    """
    ends = [end for end in indicators.month_ends_before(day, months) if end < timezone.localdate()]  # past only
    if not _missing(council, method, ends):
        return 0
    total = 0
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=council.pk).first()
        for end in _missing(council, method, ends):
            total += snapshot_take(councils=[council], month_end=end, methods=[method], acting_user=acting_user)
    return total


def _missing(council: Organisation, method: str, ends: list[datetime.date]) -> list[datetime.date]:
    have = set(
        IndicatorSnapshot.objects.filter(council=council, method=method, month_end__in=ends, breakdown="")
        .values_list("month_end", flat=True)
        .order_by()
        .distinct()
    )
    return [end for end in ends if end not in have]


def snapshot_months(
    *, councils: Iterable[Organisation], upto: datetime.date, months: int, acting_user: User | None = None
) -> int:
    """Snapshots for the last ``months`` month ends on or before ``upto`` (the demo's trend)."""
    councils = list(councils)
    total = 0
    for end in indicators.month_ends_before(upto, months):
        total += snapshot_take(councils=councils, month_end=end, acting_user=acting_user)
    return total


Action = AuditEvent.Action

# Benchmark files ---------------------------------------------------------------------------------


BenchmarkNotReady = imports.ImportNotReady
"""Only a previewed file without problems can be saved (the core flow's ``ImportNotReady``)."""


def _check(content: bytes) -> benchmarks.CheckedFile:
    return benchmarks.check_csv(content, known_indicators=set(rating.indicator_names()), today=timezone.localdate())


class BenchmarkKind(imports.ImportKind):
    """Benchmark files in the core import flow: checked, previewed, then saved (ADR 31)."""

    kind = "benchmark"
    model = BenchmarkSet
    noun = "the benchmark file"
    audit_check = False  # the upload's entry says what the check found (or that it was queued)
    title = "Benchmark file"
    url_name = "performance:benchmark-detail"

    def rows(self, run: Any) -> int:
        return max(len(run.content.splitlines()) - 1, 0)

    def check(self, run: Any) -> imports.Checked:
        checked = _check(run.content.encode("utf-8"))
        return imports.Checked(problems=[problem.as_dict() for problem in checked.problems], summary=checked.summary())

    def apply(self, run: Any, acting_user: Any) -> str:
        checked = _check(run.content.encode("utf-8"))
        if checked.problems:
            raise imports.Rejected(
                [problem.as_dict() for problem in checked.problems],
                "The file no longer passes its checks: upload it again",
            )
        values = [BenchmarkValue(benchmark_set=run, **row) for row in checked.rows]
        for value in values:
            value.full_clean(exclude=["benchmark_set"], validate_unique=False, validate_constraints=False)
        BenchmarkValue.objects.bulk_create(values, batch_size=2000)
        BenchmarkSet.objects.filter(council=run.council, status=BenchmarkSet.Status.SAVED).update(
            status=BenchmarkSet.Status.SUPERSEDED
        )
        return f"Saved {len(values)} benchmark figures"


def benchmark_preview(
    *, acting_user: User | None, council: Organisation, file_name: str, content: bytes, background: bool = True
) -> BenchmarkSet:
    """Keep a benchmark CSV and check it for the preview: at once, or in the background above
    ``ONWARD_BACKGROUND_IMPORT_ROWS`` rows. Nothing is counted until it is saved."""
    with transaction.atomic():
        benchmark_set = BenchmarkSet(
            council=council,
            status=BenchmarkSet.Status.QUEUED,
            file_name=file_name[:200],
            content=content.decode("utf-8-sig", errors="replace"),
            created_by=acting_user,
        )
        benchmark_set.full_clean()
        benchmark_set.save()
        result: BenchmarkSet = imports.begin(run=benchmark_set, background=background)
        if result.busy:
            summary = f"Uploaded a benchmark file to check in the background: {BenchmarkKind().rows(result)} rows"
        else:
            summary = (
                f"Checked a benchmark file: {result.summary.get('values', 0)} figures, {len(result.problems)} problems"
            )
        audit_record(actor=acting_user, action=Action.CREATE, council=council, obj=result, summary=summary)
    return result


def benchmark_save(*, acting_user: User | None, benchmark_set: BenchmarkSet) -> BenchmarkSet:
    """Save a previewed file, all or nothing (in the background above the threshold); it replaces the
    council's benchmark file in use."""
    saved: BenchmarkSet = imports.save(acting_user=acting_user, run=benchmark_set)
    return saved


# Targets -----------------------------------------------------------------------------------------


def _check_indicator(indicator: str) -> None:
    if indicator not in rating.indicator_names():
        raise ValidationError({"indicator": "Select an indicator"})


@transaction.atomic
def target_save(
    *,
    acting_user: User | None,
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
    acting_user: User | None,
    target: Target,
    by_date: datetime.date,
    kind: str,
    value: Decimal,
    version: int,
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
        object_repr=f"{locked.indicator}: {rating.describe_step(step, locked.indicator)}",
    )
    return step


@transaction.atomic
def target_step_remove(*, acting_user: User | None, target: Target, step_id: int, version: int) -> None:
    """Take a step off a target's trajectory (from the target's ``version`` the editor saw)."""
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
        object_repr=f"{locked.indicator}: {rating.describe_step(step, locked.indicator)}",
        changes=diff(before, {}),
    )
    step.delete()
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])


# The quarterly report ------------------------------------------------------------------------------

EXPORT_FORMATS: dict[str, tuple[str, Callable[[documents.Document], bytes]]] = {
    "pdf": ("application/pdf", documents.to_pdf),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", documents.to_docx),
    "xlsx": (exports.XLSX_CONTENT_TYPE, documents.to_xlsx),
}


def quarterly_report_export(
    *, acting_user: User | None, council: Organisation, quarter_end: datetime.date, file_format: str
) -> tuple[bytes, str]:
    """The quarterly report as a file (PDF, DOCX, or the data as XLSX), its export audited first."""
    content_type, write = EXPORT_FORMATS[file_format]
    built = quarterly.build(council, quarter_end)
    with transaction.atomic():
        audit_record(
            actor=acting_user,
            action=Action.EXPORT,
            council=council,
            object_type="performance.QuarterlyReport",
            object_id=quarter_end.isoformat(),
            object_repr=f"Care leavers quarterly report, {built.label}",
            summary=f"Downloaded as {file_format.upper()}",
        )
    return write(quarterly.document(built)), content_type


@transaction.atomic
def commentary_save(
    *,
    acting_user: User,
    council: Organisation,
    quarter_end: datetime.date,
    section: str,
    text: str,
    version: int | None = None,
) -> ReportCommentary:
    """Write a section's commentary for a quarter, or change it from the ``version`` the editor opened.

    The writer becomes its author and the date of the change its date; the audit keeps the text
    before and after every change.
    """
    if not acting_user.can(Perm.WRITE_REPORT_COMMENTARY) or acting_user.organisation_id != council.pk:
        raise PermissionDenied
    if section not in ReportCommentary.Section.values:
        raise ValidationError({"section": "Select a section of the report"})
    if not text.strip():
        raise ValidationError({"text": "Enter the commentary"})
    existing = ReportCommentary.objects.filter(council=council, quarter_end=quarter_end, section=section).first()
    if existing is not None:
        saved = lock_for_change(ReportCommentary, existing.pk, version, "commentary")
        before = snapshot(saved)
        saved.version += 1
    else:
        saved, before = ReportCommentary(council=council, quarter_end=quarter_end, section=section), {}
    saved.text = text.strip()
    saved.author = acting_user
    saved.full_clean()
    saved.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if existing else Action.CREATE,
        council=council,
        obj=saved,
        changes=diff(before, snapshot(saved)),
    )
    return saved
