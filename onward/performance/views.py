"""The performance pages: the dashboard, one indicator's page, and the young people behind a number."""

from __future__ import annotations

import datetime
import functools
import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST, require_safe

from onward.accounts import access
from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.audit.services import audit_list
from onward.core import documents, exports, import_views, imports
from onward.core.codelists import EETActivity
from onward.core.concurrency import VersionField
from onward.core.forms_errors import apply_validation_error
from onward.core.markup import WritesItself, format_html
from onward.people import access as people_access
from onward.people import selectors as people_selectors
from onward.people.categories import age_on
from onward.performance import access as performance_access
from onward.performance import (
    benchmarks,
    charts,
    comparisons,
    display,
    forms,
    indicators,
    live,
    quarterly,
    selectors,
    services,
)
from onward.performance import targets as rating
from onward.performance.forms import FiguresForm, choices, query
from onward.performance.indicators import Figure, Indicator
from onward.performance.models import BenchmarkSet, Method, ReportCommentary

PAGE_SIZE = 50
TREND_CACHE = "trends"
"""The cache the trends' markup is kept in (``_trends``): settings ``CACHES``."""
SHORT_NAMES = {
    "eet": "In education, employment or training",
    "neet": "Not in education, employment or training",
    "not_known": "Activity not known",
    "in_touch": "In touch",
    "suitable_accommodation": "Suitable accommodation",
    "pathway_plan_in_date": "Pathway plans in date",
    "pep_completed": "PEPs completed",
    "neet_cohort_size": "NEET care leavers",
}
TRENDS: list[tuple[str, list[str]]] = [
    ("Care leavers aged 19 to 21", ["eet_19_21", "neet_19_21", "not_known_19_21"]),
    ("Care leavers aged 17 to 18", ["eet_17_18", "neet_17_18", "not_known_17_18"]),
    ("In touch and in suitable accommodation, aged 19 to 21", ["in_touch_19_21", "suitable_accommodation_19_21"]),
    ("Pathway plans in date and PEPs completed", ["pathway_plan_in_date", "pep_completed"]),
    ("Care leavers aged 16 to 25 not in education, employment or training", ["neet_cohort_size"]),
]
BREAKDOWN_COLUMNS = [
    "eet_19_21",
    "neet_19_21",
    "eet_17_18",
    "neet_17_18",
    "in_touch_19_21",
    "suitable_accommodation_19_21",
    "pathway_plan_in_date",
]


def short_name(code: str) -> str:
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    for prefix, name in SHORT_NAMES.items():
        if code.startswith(prefix + "_"):
            return name
    return indicators.get(code).name


@dataclass(frozen=True)
class Cell(WritesItself):
    """A figure in a table: a link to the young people behind it when it has any, and its numerator
    and denominator under a percentage. Written as ``{{ cell }}`` (a page can have hundreds)."""

    text: str
    detail: str
    href: str
    label: str

    def __html__(self) -> SafeString:
        if self.href:
            shown = format_html(
                '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden">: {}, list the young people</span></a>',
                self.href,
                self.text,
                self.label,
            )
        else:
            shown = conditional_escape(self.text)
        if self.detail:
            return format_html('{}<br><span class="govuk-body-s">{}</span>', shown, self.detail)
        return mark_safe(shown)  # noqa: S308 - escaped above


_NUMERIC = '<td class="govuk-table__cell govuk-table__cell--numeric">'
_HINT = '<span class="govuk-hint govuk-!-margin-0">{}</span>'


@dataclass(frozen=True)
class HeadlineRow(WritesItself):
    """An indicator's row of the dashboard's headline figures: its figure, the national figure, the
    statistical neighbours' and the target (with the figure's rating against it). Written as
    ``{{ row }}``; a test holds it to the template markup it replaced, byte for byte."""

    indicator: Indicator
    cell: Cell
    benchmark: Any
    neighbours: Any
    target: Any
    rating: Any
    page: str

    def __html__(self) -> SafeString:
        benchmark = (
            format_html("{}%", localize(self.benchmark))
            if self.benchmark is not None
            else format_html(_HINT, "Not published")
        )
        neighbours = (
            format_html("{}%", floatformat(self.neighbours, "-1"))
            if self.neighbours is not None
            else format_html(_HINT, "None loaded")
        )
        if self.target is None:
            target = format_html(_HINT, "Not set")
        else:
            rating = (
                format_html('<br><strong class="govuk-tag {}">{}</strong>', self.rating.tag_class, self.rating.label)
                if self.rating
                else ""
            )
            target = format_html(
                "{}{}{}", floatformat(self.target, "-1"), "%" if self.indicator.is_rate else "", rating
            )
        return format_html(
            '<tr class="govuk-table__row">\n'
            '      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{}">{}</a></th>\n'
            f"      {_NUMERIC}{{}}</td>\n      {_NUMERIC}{{}}</td>\n      {_NUMERIC}{{}}</td>\n"
            f"      {_NUMERIC}{{}}</td>\n    </tr>",
            self.page,
            self.indicator.name,
            self.cell,
            benchmark,
            neighbours,
            target,
        )


@dataclass(frozen=True)
class BreakdownRow(WritesItself):
    """A group's row of the dashboard's breakdown (``{{ row }}``): its label and a cell for each column."""

    label: str
    cells: list[Cell]

    def __html__(self) -> SafeString:
        cells = "".join(f"{_NUMERIC}{cell.__html__()}</td>" for cell in self.cells)
        return format_html(
            '<tr class="govuk-table__row">\n      <th scope="row" class="govuk-table__header">{}</th>\n      {}\n    </tr>',
            self.label,
            mark_safe(cells),  # noqa: S308 - each cell writes escaped markup
        )


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _cell(figure: Figure, *, aggregate: bool, drill: str, label: str) -> Cell:
    shown = display.show(figure, aggregate=aggregate)
    detail = f"{shown.numerator} of {shown.denominator}" if figure.unit == "percent" else ""
    href = "" if aggregate or not figure.numerator else drill
    return Cell(text=shown.value, detail=detail, href=href, label=label)


def _drill(day: datetime.date, method: str, code: str, *, by: str = "", value: str = "") -> str:
    """The address of the young people behind a figure (a page has a hundred or more of them)."""
    extra = {"indicator": code}
    if by:
        extra.update(by=by, value=value)
    return _drill_base(get_script_prefix(), day, method) + "&" + urlencode(extra)


@functools.lru_cache(maxsize=1024)
def _drill_base(prefix: str, day: datetime.date, method: str) -> str:
    """The people page's address choosing ``day`` and ``method``: worked out once, not for each cell."""
    return reverse("performance:people") + "?" + query(day, method)


def _context(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    council = access.own_council(user)
    today = people_selectors.today()
    # Unchosen, the form shows what the page counts: today, by the live snapshot, by team.
    form = FiguresForm(request.GET or None, initial={"date": today, "method": Method.SNAPSHOT, "by": "team"})
    day, method, by = choices(form, today)
    return {
        "user": user,
        "council": council,
        "form": form,
        "day": day,
        "method": method,
        "method_label": Method(method).label,
        "by": by,
        "by_label": live.BREAKDOWNS[by],
        "aggregate": display.aggregates_only(user),
        "query": query(day, method),
    }


def _target_cells(goal: list[float | None], index: int, unit: str, end: datetime.date) -> list[Cell]:
    """The target column of a trend table (empty when there is no target line)."""
    if not any(value is not None for value in goal):
        return []
    value = goal[index]
    text = "Not set" if value is None else f"{value:g}{'%' if unit == 'percent' else ''}"
    return [Cell(text=text, detail="", href="", label=f"Target, {end:%B %Y}")]


def _trends(
    request: HttpRequest,
    council: Organisation,
    day: datetime.date,
    method: str,
    aggregate: bool,
    groups: list[Any],
    targets: dict[str, Any] | None = None,
) -> SafeString:
    """The trends over the 12 month ends to ``day``: for each group of indicators, a chart and its table.

    Past month ends' figures are stored (taken now if missing), so the markup is a function of the
    stored rows, the target lines, the counting method and whether figures are shown as aggregates
    alone: it is kept in the ``trends`` cache under a key naming all of these (the stored rows by
    ``selectors.stored_stamp``), and a later view reads it back rather than make a few hundred table
    cells again. When a month end is not stored (today's), the trends are made afresh every time.
    The charts' style gets this page's CSP nonce as the markup is written out, never in the cache.
    """
    ends = indicators.month_ends_before(day, 12)
    stamp = selectors.stored_stamp(council, method, ends)
    if stamp is None and services.snapshot_missing(council=council, method=method, day=day, acting_user=_user(request)):
        stamp = selectors.stored_stamp(council, method, ends)
    targets = comparisons.targets_for(council) if targets is None else targets
    planned = []
    for title, codes in groups:
        codes = [c for c in codes if method in indicators.get(c).methods]
        if codes:
            goal = comparisons.target_line(council, codes[0], ends, targets) if len(codes) == 1 else []
            planned.append((title, codes, goal if any(value is not None for value in goal) else []))
    key = "trends:" + hashlib.sha256(repr((council.pk, method, aggregate, ends, planned, stamp)).encode()).hexdigest()
    markup = caches[TREND_CACHE].get(key) if stamp is not None else None
    if markup is None:
        markup = "".join(
            render_to_string("performance/_trend.html", {"trend": trend})
            for trend in _trend_blocks(council, day, method, aggregate, planned)
        )
        if stamp is not None:
            caches[TREND_CACHE].set(key, markup)
    return charts.with_nonce(markup, nonce=getattr(request, "csp_nonce", ""))


def _trend_blocks(
    council: Organisation, day: datetime.date, method: str, aggregate: bool, planned: list[Any]
) -> list[dict[str, Any]]:
    """A chart (without its nonce) and a table for each planned group: its title, codes and target line."""
    series = selectors.trend(council, method, day)
    labels = [end.strftime("%b %Y") for end, _ in series]
    built = []
    for title, codes, goal in planned:
        unit = indicators.get(codes[0]).unit
        lines = {
            short_name(code): [display.chart_value(figures[code], aggregate=aggregate) for _, figures in series]
            for code in codes
        }
        if goal:
            lines["Target"] = goal
        rows = [
            {
                "month": end,
                "cells": [
                    _cell(
                        figures[code],
                        aggregate=aggregate,
                        drill=_drill(end, method, code),
                        label=f"{short_name(code)}, {end:%B %Y}",
                    )
                    for code in codes
                ]
                + _target_cells(goal, index, unit, end),
            }
            for index, (end, figures) in enumerate(series)
        ]
        built.append(
            {
                "title": title,
                "columns": [short_name(c) for c in codes] + (["Target"] if goal else []),
                "rows": rows,
                "svg": mark_safe(  # noqa: S308 - the charts module's markup (its script removed, the label escaped)
                    charts.line_svg(
                        label=f"{title}: trend over the 12 months to {series[-1][0]:%B %Y}, as in the table",
                        x_labels=labels,
                        series=lines,
                        unit=unit,
                    )
                ),
            }
        )
    return built


@access.require_perm(Perm.VIEW_AGGREGATES)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Headline figures on a date by one counting method, their trend, and a breakdown."""
    context = _context(request)
    council, day, method, aggregate, by = (context[k] for k in ("council", "day", "method", "aggregate", "by"))
    figures, groups = services.current_figures(council, day, method, by)
    targets = comparisons.targets_for(council)
    compared = comparisons.compare(council, figures, day, targets)
    headline = []
    for indicator in indicators.for_method(method):
        figure = figures[indicator.code]
        cell = _cell(figure, aggregate=aggregate, drill=_drill(day, method, indicator.code), label=indicator.name)
        headline.append(
            HeadlineRow(
                indicator=indicator,
                cell=cell,
                benchmark=compared[indicator.code].national,
                neighbours=compared[indicator.code].neighbours,
                target=compared[indicator.code].target,
                rating=None if cell.text == display.SUPPRESSED else compared[indicator.code].rating,
                page=reverse("performance:indicator", args=[indicator.code]) + "?" + context["query"],
            )
        )
    columns = [c for c in BREAKDOWN_COLUMNS if method in indicators.get(c).methods]
    labels = selectors.group_labels(council, by)
    breakdown_rows = [
        BreakdownRow(
            label=labels.get(group, group or "Not recorded"),
            cells=[
                _cell(
                    found[code],
                    aggregate=aggregate,
                    drill=_drill(day, method, code, by=by, value=group),
                    label=f"{short_name(code)}, {labels.get(group, group)}",
                )
                for code in columns
            ],
        )
        for group, found in sorted(groups.items(), key=lambda item: _group_order(by, item[0], labels))
    ]
    return render(
        request,
        "performance/dashboard.html",
        {
            **context,
            "headline": headline,
            "trends": _trends(request, council, day, method, aggregate, TRENDS, targets),
            "breakdown_columns": [indicators.get(c) for c in columns],
            "breakdown_rows": breakdown_rows,
        },
    )


def _group_order(by: str, group: str, labels: dict[str, str]) -> tuple[Any, ...]:
    if by == "age":
        return (int(group) if group.isdigit() else 99,)
    return (labels.get(group, group or "~"),)


def _indicator(code: str) -> Indicator:
    try:
        return indicators.get(code)
    except KeyError:
        raise Http404 from None


@access.require_perm(Perm.VIEW_AGGREGATES)
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One indicator: its figure, trend, and a breakdown with a chart and its table."""
    indicator = _indicator(code)
    context = _context(request)
    council, day, method, aggregate, by = (context[k] for k in ("council", "day", "method", "aggregate", "by"))
    if method not in indicator.methods:
        method = Method.SNAPSHOT
        context.update(method=method, method_label=Method(method).label, query=query(day, method))
    figures, groups = services.current_figures(council, day, method, by)
    figure = figures[code]
    targets = comparisons.targets_for(council)
    comparison = comparisons.compare(council, {code: figure}, day, targets)[code]
    labels = selectors.group_labels(council, by)
    ordered = sorted(groups.items(), key=lambda item: _group_order(by, item[0], labels))
    rows = [
        {
            "label": labels.get(group, group or "Not recorded"),
            "cell": _cell(
                found[code],
                aggregate=aggregate,
                drill=_drill(day, method, code, by=by, value=group),
                label=f"{indicator.name}, {labels.get(group, group)}",
            ),
        }
        for group, found in ordered
    ]
    bar_svg = charts.bars(
        label=f"{indicator.name} by {context['by_label'].lower()} on {day:%-d %B %Y}, as in the table",
        x_labels=[str(row["label"]) for row in rows],
        values=[display.chart_value(found[code], aggregate=aggregate) for _, found in ordered],
        unit=indicator.unit,
        nonce=getattr(request, "csp_nonce", ""),
    )
    return render(
        request,
        "performance/indicator.html",
        {
            **context,
            "indicator": indicator,
            "cell": _cell(figure, aggregate=aggregate, drill=_drill(day, method, code), label=indicator.name),
            "benchmark": comparison.national,
            "target": comparison.target,
            "comparison": comparison,
            "trends": _trends(request, council, day, method, aggregate, [(indicator.name, [code])], targets),
            "rows": rows,
            "bar_svg": bar_svg,
            "breakdowns": live.BREAKDOWNS,
        },
    )


@access.require_perm(Perm.VIEW_AGGREGATES, Perm.VIEW_DRILLDOWN)
def people(request: HttpRequest) -> HttpResponse:
    """The young people behind one number: an indicator's numerator (or denominator), in a group if chosen."""
    context = _context(request)
    user, council, day, method = (context[k] for k in ("user", "council", "day", "method"))
    indicator = _indicator(request.GET.get("indicator", ""))
    part = request.GET.get("part", "numerator")
    by, value = request.GET.get("by", ""), request.GET.get("value", "")
    if method not in indicator.methods or part not in ("numerator", "denominator"):
        raise Http404
    if by and by not in live.BREAKDOWNS:
        raise Http404
    try:
        ids = selectors.ids_behind(
            council=council, indicator=indicator, day=day, method=method, part=part, breakdown=by, value=value
        )
    except ValueError:
        raise Http404 from None
    visible = people_access.people_visible_to(user).filter(pk__in=ids)
    listed = people_selectors.caseload(people=visible, day=day, filters={})
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    group = selectors.group_labels(council, by).get(value, value) if by else ""
    audit_list(
        actor=user,
        council=council,
        object_type="people.YoungPerson",
        summary=f"Behind {indicator.code} ({method}, {part}) on {day:%d/%m/%Y}"
        + (f", {by} {value}" if by else "")
        + f", page {page.number}",
    )
    extra = {"indicator": indicator.code, "part": part}
    if by:
        extra.update(by=by, value=value)
    return render(
        request,
        "performance/people.html",
        {
            **context,
            "indicator": indicator,
            "part": part,
            "group": group,
            "by_label": live.BREAKDOWNS.get(by, ""),
            "total": len(ids),
            "hidden": len(ids) - page.paginator.count,
            "page": page,
            "rows": [
                {"person": p, "age": age_on(p.date_of_birth, day), "activity": EETActivity(p.eet_activity).label}
                for p in page.object_list
            ],
            "query": query(day, method, **extra),
            "other_part": "denominator" if part == "numerator" else "numerator",
            "other_query": query(
                day, method, **{**extra, "part": "denominator" if part == "numerator" else "numerator"}
            ),
        },
    )


# Targets and benchmarks -------------------------------------------------------------------------------


@require_safe
@access.require_perm(Perm.MANAGE_TARGETS)
def target_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    council = access.own_council(user)
    today = timezone.localdate()
    names = rating.indicator_names()
    targets = list(performance_access.targets_visible_to(user))
    found = comparisons.benchmarks_for_all(council, [t.indicator for t in targets], today)
    rows = [
        {
            "target": target,
            "name": names.get(target.indicator, target.indicator),
            "status": comparisons.target_status_of(target, target.indicator, today, None, found[target.indicator]),
            "steps": len(target.steps.all()),
        }
        for target in targets
    ]
    rows.sort(key=lambda row: str(row["name"]))
    return render(
        request,
        "performance/target_list.html",
        {"rows": rows, "in_force": comparisons.benchmark_set_in_force(council), "today": today},
    )


@access.require_perm(Perm.MANAGE_TARGETS)
def target_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    target = performance_access.access_target(user, pk) if pk is not None else None
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
                council=access.own_council(user),
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
    target = performance_access.access_target(user, pk)
    council = access.own_council(user)
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
        bench = comparisons.benchmarks_for(council, target.indicator, step.by_date)
        steps.append(
            {
                "step": step,
                "text": rating.describe_step(step, target.indicator),
                "value": rating.step_value(step, national=bench.national, neighbours=bench.neighbours),
            }
        )
    today = timezone.localdate()
    bench_today = comparisons.benchmarks_for(council, target.indicator, today)
    return render(
        request,
        "performance/target_detail.html",
        {
            "target": target,
            "name": rating.indicator_names().get(target.indicator, target.indicator),
            "steps": steps,
            "form": form,
            "status": comparisons.target_status_of(target, target.indicator, today, None, bench_today),
            "lower_is_better": rating.lower_is_better(target.indicator),
            "bench": bench_today,
        },
    )


@require_POST
@access.require_perm(Perm.MANAGE_TARGETS)
def target_step_remove(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    target = performance_access.access_target(user, pk)
    try:
        services.target_step_remove(
            acting_user=user, target=target, step_id=step_pk, version=VersionField().clean(request.POST.get("version"))
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Step removed")
    return redirect("performance:target-detail", pk=target.pk)


@access.require_perm(Perm.MANAGE_TARGETS)
def benchmark_upload(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    council = access.own_council(user)
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
            "in_force": comparisons.benchmark_set_in_force(council),
            "recent": performance_access.benchmark_sets_visible_to(user)[:5],
            "columns": benchmarks.CSV_COLUMNS,
            "indicators": sorted(rating.indicator_names().items()),
            "national": benchmarks.national_data(),
        },
    )


@require_safe
@access.require_perm(Perm.MANAGE_TARGETS)
def benchmark_example(request: HttpRequest) -> HttpResponse:
    return exports.csv_response("benchmark-example.csv", benchmarks.EXAMPLE_ROWS, header=benchmarks.CSV_COLUMNS)


@require_safe
@access.require_perm(Perm.MANAGE_TARGETS)
def benchmark_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    benchmark_set = performance_access.access_benchmark_set(user, pk)
    averages = []
    if benchmark_set.status in (
        BenchmarkSet.Status.PREVIEWED,
        BenchmarkSet.Status.SAVED,
        BenchmarkSet.Status.SUPERSEDED,
    ):
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
        {
            "benchmark_set": benchmark_set,
            "averages": averages[:200],
            "more": max(0, len(averages) - 200),
            "page": imports.run_page(
                benchmark_set,
                retry_url=reverse("performance:benchmark-retry", kwargs={"pk": benchmark_set.pk}),
                discard_url=reverse("performance:benchmark-discard", kwargs={"pk": benchmark_set.pk}),
            ),
        },
    )


@require_POST
@access.require_perm(Perm.MANAGE_TARGETS)
def benchmark_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Check a file whose check or save failed or is stuck again, from the start."""
    user: User = request.user  # type: ignore[assignment]
    benchmark_set = performance_access.access_benchmark_set(user, pk)
    return import_views.retry(
        request, benchmark_set, page="performance:benchmark-detail", again="The file is being checked again"
    )


@require_POST
@access.require_perm(Perm.MANAGE_TARGETS)
def benchmark_save(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    benchmark_set = performance_access.access_benchmark_set(user, pk)
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
    benchmark_set = performance_access.access_benchmark_set(user, pk)
    return import_views.discard(
        request,
        benchmark_set,
        page="performance:benchmark-detail",
        done="performance:benchmark-upload",
        discarded="File discarded: nothing was saved",
        extra=(BenchmarkSet.Status.REJECTED,),
    )


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
    council = access.own_council(user)
    today = timezone.localdate()
    choices = quarterly.quarter_choices(today)
    form = forms.QuarterForm(request.GET or None, choices=choices)
    quarter_end = quarterly.last_complete_quarter(today)
    if form.is_bound and form.is_valid():
        quarter_end = datetime.date.fromisoformat(form.cleaned_data["quarter"])
    elif not form.is_bound:
        form = forms.QuarterForm(initial={"quarter": quarter_end.isoformat()}, choices=choices)
    built = quarterly.build(council, quarter_end)
    document = quarterly.document(built)
    nonce = getattr(request, "csp_nonce", "")
    blocks = [
        (block, charts.with_nonce(block.svg, nonce=nonce) if isinstance(block, documents.Chart) else None)
        for block in document.blocks
    ]
    can_write = user.can(Perm.WRITE_REPORT_COMMENTARY)
    commentary = [
        (value, label, built.commentary.get(value))
        for value, label in ReportCommentary.Section.choices
        if can_write or value in built.commentary
    ]
    return render(
        request,
        "performance/quarterly.html",
        {
            "form": form,
            "report": built,
            "document": document,
            "blocks": blocks,
            "quarter": quarter_end.isoformat(),
            "commentary": commentary,
            "can_write": can_write,
        },
    )


@access.require_perm(Perm.WRITE_REPORT_COMMENTARY)
def quarterly_commentary(request: HttpRequest, quarter: str, section: str) -> HttpResponse:
    """Write or change one section's commentary for a quarter (the performance officer)."""
    user = _user(request)
    council = access.own_council(user)
    quarter_end = _quarter(quarter, timezone.localdate())
    if quarter_end is None or section not in ReportCommentary.Section.values:
        raise Http404
    existing = ReportCommentary.objects.filter(council=council, quarter_end=quarter_end, section=section).first()
    initial = {"text": existing.text, "version": existing.version} if existing else {}
    form = forms.CommentaryForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.commentary_save(
                acting_user=user,
                council=council,
                quarter_end=quarter_end,
                section=section,
                text=form.cleaned_data["text"],
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Commentary saved")
            return redirect(reverse("performance:quarterly") + f"?quarter={quarter_end.isoformat()}")
    return render(
        request,
        "performance/commentary_form.html",
        {
            "form": form,
            "section_label": ReportCommentary.Section(section).label,
            "quarter_label": quarterly.quarter_label(quarter_end),
            "quarter": quarter_end.isoformat(),
            "existing": existing,
        },
    )


@require_safe
@access.require_perm(Perm.VIEW_AGGREGATES)
def quarterly_download(request: HttpRequest, quarter: str, file_format: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    quarter_end = _quarter(quarter, timezone.localdate())
    if quarter_end is None or file_format not in services.EXPORT_FORMATS:
        raise Http404
    content, content_type = services.quarterly_report_export(
        acting_user=user, council=access.own_council(user), quarter_end=quarter_end, file_format=file_format
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="care-leavers-quarterly-{quarter}.{file_format}"'
    return response
