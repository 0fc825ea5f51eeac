"""Performance pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from onward.accounts import access
from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.core.forms_errors import apply_validation_error
from onward.performance import benchmarks, forms, quarterly, selectors, services
from onward.performance import targets as rating
from onward.performance.models import BenchmarkSet


def _council(user: User) -> Organisation:
    council = access.council_of(user)
    if council is None:
        raise PermissionDenied
    return council


# Targets and benchmarks -------------------------------------------------------------------------------


@require_safe
@access.require_perm(Perm.MANAGE_TARGETS)
def target_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    council = _council(user)
    today = timezone.localdate()
    names = rating.indicator_names()
    targets = list(access.targets_visible_to(user))
    found = selectors.benchmarks_for_all(council, [t.indicator for t in targets], today)
    rows = [
        {
            "target": target,
            "name": names.get(target.indicator, target.indicator),
            "status": selectors.target_status_of(target, target.indicator, today, None, found[target.indicator]),
            "steps": len(target.steps.all()),
        }
        for target in targets
    ]
    rows.sort(key=lambda row: str(row["name"]))
    return render(
        request,
        "performance/target_list.html",
        {"rows": rows, "in_force": selectors.benchmark_set_in_force(council), "today": today},
    )


@access.require_perm(Perm.MANAGE_TARGETS)
def target_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    target = access.access_target(user, pk) if pk is not None else None
    initial: dict[str, Any] = {}
    if target is not None:
        initial = {"indicator": target.indicator, "tolerance": target.tolerance, "notes": target.notes}
        initial["version"] = target.version
    form = forms.TargetForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.target_save(
                acting_user=user,
                council=_council(user),
                target=target,
                indicator=data["indicator"],
                tolerance=data["tolerance"],
                notes=data["notes"],
                version=data["version"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Target saved")
            return redirect("performance:target-detail", pk=saved.pk)
    return render(
        request,
        "performance/target_form.html",
        {"form": form, "target": target, "default_tolerance": rating.default_tolerance()},
    )


@access.require_perm(Perm.MANAGE_TARGETS)
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A target's trajectory, with the form to add a step."""
    user: User = request.user  # type: ignore[assignment]
    target = access.access_target(user, pk)
    council = _council(user)
    form = forms.TargetStepForm(
        request.POST if request.method == "POST" else None, initial={"kind": "absolute", "version": target.version}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.target_step_add(
                acting_user=user,
                target=target,
                by_date=data["by_date"],
                kind=data["kind"],
                value=data["value"],
                version=data["version"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Step added")
            return redirect("performance:target-detail", pk=target.pk)
    steps = []
    for step in target.steps.all():
        bench = selectors.benchmarks_for(council, target.indicator, step.by_date)
        steps.append(
            {
                "step": step,
                "text": rating.describe_step(step),
                "value": rating.step_value(step, national=bench.national, neighbours=bench.neighbours),
            }
        )
    today = timezone.localdate()
    bench_today = selectors.benchmarks_for(council, target.indicator, today)
    return render(
        request,
        "performance/target_detail.html",
        {
            "target": target,
            "name": rating.indicator_names().get(target.indicator, target.indicator),
            "steps": steps,
            "form": form,
            "status": selectors.target_status_of(target, target.indicator, today, None, bench_today),
            "lower_is_better": rating.lower_is_better(target.indicator),
            "bench": bench_today,
        },
    )


@require_POST
@access.require_perm(Perm.MANAGE_TARGETS)
def target_step_remove(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    target = access.access_target(user, pk)
    try:
        services.target_step_remove(acting_user=user, target=target, step_id=step_pk)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Step removed")
    return redirect("performance:target-detail", pk=target.pk)


@access.require_perm(Perm.MANAGE_TARGETS)
def benchmark_upload(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    council = _council(user)
    form = forms.BenchmarkUploadForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        benchmark_set = services.benchmark_preview(
            acting_user=user, council=council, file_name=upload.name, content=upload.read()
        )
        return redirect("performance:benchmark-detail", pk=benchmark_set.pk)
    return render(
        request,
        "performance/benchmark_upload.html",
        {
            "form": form,
            "in_force": selectors.benchmark_set_in_force(council),
            "recent": access.benchmark_sets_visible_to(user)[:5],
            "columns": benchmarks.CSV_COLUMNS,
            "indicators": sorted(rating.indicator_names().items()),
            "national": benchmarks.national_data(),
        },
    )


@require_safe
@access.require_perm(Perm.MANAGE_TARGETS)
def benchmark_example(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(benchmarks.EXAMPLE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="benchmark-example.csv"'
    return response


@require_safe
@access.require_perm(Perm.MANAGE_TARGETS)
def benchmark_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    benchmark_set = access.access_benchmark_set(user, pk)
    averages = []
    if benchmark_set.status != BenchmarkSet.Status.REJECTED:
        checked = benchmarks.check_csv(
            benchmark_set.content.encode(), known_indicators=set(rating.indicator_names()), today=timezone.localdate()
        )
        groups: dict[tuple[str, str, int], list[Any]] = {}
        for row in checked.rows:
            groups.setdefault((row["comparator"], row["indicator"], row["year"]), []).append(row["value"])
        averages = [
            {"comparator": c, "indicator": i, "year": y, "count": len(v), "average": sum(v) / len(v)}
            for (c, i, y), v in sorted(groups.items())
        ]
    return render(
        request,
        "performance/benchmark_detail.html",
        {"benchmark_set": benchmark_set, "averages": averages[:200], "more": max(0, len(averages) - 200)},
    )


@require_POST
@access.require_perm(Perm.MANAGE_TARGETS)
def benchmark_save(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    benchmark_set = access.access_benchmark_set(user, pk)
    try:
        services.benchmark_save(acting_user=user, benchmark_set=benchmark_set)
    except services.BenchmarkNotReady as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Benchmark figures saved: they are now used on dashboards and reports")
    return redirect("performance:benchmark-detail", pk=benchmark_set.pk)


@require_POST
@access.require_perm(Perm.MANAGE_TARGETS)
def benchmark_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    benchmark_set = access.access_benchmark_set(user, pk)
    try:
        services.benchmark_discard(acting_user=user, benchmark_set=benchmark_set)
    except services.BenchmarkNotReady as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "File discarded: nothing was saved")
    return redirect("performance:benchmark-upload")


# The quarterly report -----------------------------------------------------------------------------------


def _quarter(value: str | None, today: datetime.date) -> datetime.date | None:
    """A quarter end the report may be run for (one of the choices), or ``None``."""
    choices = dict(quarterly.quarter_choices(today))
    if value is None:
        return quarterly.last_complete_quarter(today)
    return datetime.date.fromisoformat(value) if value in choices else None


@require_safe
@access.require_perm(Perm.VIEW_AGGREGATES)
def quarterly_report(request: HttpRequest) -> HttpResponse:
    """The quarterly care leavers report on screen, with its downloads (aggregates only)."""
    user: User = request.user  # type: ignore[assignment]
    council = _council(user)
    today = timezone.localdate()
    choices = quarterly.quarter_choices(today)
    form = forms.QuarterForm(request.GET or None, choices=choices)
    quarter_end = quarterly.last_complete_quarter(today)
    if form.is_bound and form.is_valid():
        quarter_end = datetime.date.fromisoformat(form.cleaned_data["quarter"])
    elif not form.is_bound:
        form = forms.QuarterForm(initial={"quarter": quarter_end.isoformat()}, choices=choices)
    built = quarterly.build(council, quarter_end)
    return render(
        request,
        "performance/quarterly.html",
        {"form": form, "report": built, "document": quarterly.document(built), "quarter": quarter_end.isoformat()},
    )


@require_safe
@access.require_perm(Perm.VIEW_AGGREGATES)
def quarterly_download(request: HttpRequest, quarter: str, file_format: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    quarter_end = _quarter(quarter, timezone.localdate())
    if quarter_end is None or file_format not in services.EXPORT_FORMATS:
        raise Http404
    content, content_type = services.quarterly_report_export(
        acting_user=user, council=_council(user), quarter_end=quarter_end, file_format=file_format
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="care-leavers-quarterly-{quarter}.{file_format}"'
    return response
