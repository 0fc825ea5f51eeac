"""The performance pages: the dashboard, one indicator's page, and the young people behind a number."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from onward.accounts import access
from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.audit.services import audit_list
from onward.core.codelists import EETActivity
from onward.people import selectors as people_selectors
from onward.people.categories import age_on
from onward.performance import charts, comparisons, display, indicators, selectors
from onward.performance.forms import FiguresForm, choices, query
from onward.performance.indicators import Figure, Indicator
from onward.performance.models import Method

PAGE_SIZE = 50
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
class Cell:
    text: str
    detail: str
    href: str
    label: str


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _council(user: User) -> Organisation:
    council = access.council_of(user)
    if council is None:
        raise Http404
    return council


def _cell(figure: Figure, *, aggregate: bool, drill: str, label: str) -> Cell:
    shown = display.show(figure, aggregate=aggregate)
    detail = f"{shown.numerator} of {shown.denominator}" if figure.unit == "percent" else ""
    href = "" if aggregate or not figure.numerator else drill
    return Cell(text=shown.value, detail=detail, href=href, label=label)


def _drill(day: datetime.date, method: str, code: str, *, by: str = "", value: str = "") -> str:
    extra = {"indicator": code}
    if by:
        extra.update(by=by, value=value)
    return reverse("performance:people") + "?" + query(day, method, **extra)


def _context(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    council = _council(user)
    form = FiguresForm(request.GET or None)
    day, method, by = choices(form, people_selectors.today())
    return {
        "user": user,
        "council": council,
        "form": form,
        "day": day,
        "method": method,
        "method_label": Method(method).label,
        "by": by,
        "by_label": selectors.BREAKDOWNS[by],
        "aggregate": display.aggregates_only(user),
        "query": query(day, method),
    }


def _trend_charts(
    request: HttpRequest, council: Organisation, day: datetime.date, method: str, aggregate: bool, groups: list[Any]
) -> list[dict[str, Any]]:
    series = selectors.trend(council, method, day)
    labels = [end.strftime("%b %Y") for end, _ in series]
    built = []
    for title, codes in groups:
        codes = [c for c in codes if method in indicators.get(c).methods]
        if not codes:
            continue
        unit = indicators.get(codes[0]).unit
        lines = {
            short_name(code): [display.chart_value(figures[code], aggregate=aggregate) for _, figures in series]
            for code in codes
        }
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
                ],
            }
            for end, figures in series
        ]
        built.append(
            {
                "title": title,
                "columns": [short_name(c) for c in codes],
                "rows": rows,
                "svg": charts.line(
                    label=f"{title}: trend over the 12 months to {series[-1][0]:%B %Y}, as in the table",
                    x_labels=labels,
                    series=lines,
                    unit=unit,
                    nonce=getattr(request, "csp_nonce", ""),
                ),
            }
        )
    return built


@access.require_perm(Perm.VIEW_AGGREGATES)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Headline figures on a date by one counting method, their trend, and a breakdown."""
    context = _context(request)
    council, day, method, aggregate, by = (context[k] for k in ("council", "day", "method", "aggregate", "by"))
    figures, groups = selectors.headline_and_breakdown(council, day, method, by)
    headline = []
    for indicator in indicators.for_method(method):
        figure = figures[indicator.code]
        headline.append(
            {
                "indicator": indicator,
                "cell": _cell(
                    figure, aggregate=aggregate, drill=_drill(day, method, indicator.code), label=indicator.name
                ),
                "benchmark": comparisons.benchmark(indicator.code, day, method),
                "target": comparisons.target(council, indicator.code, day),
                "page": reverse("performance:indicator", args=[indicator.code]) + "?" + context["query"],
            }
        )
    columns = [c for c in BREAKDOWN_COLUMNS if method in indicators.get(c).methods]
    labels = selectors.group_labels(council, by)
    breakdown_rows = [
        {
            "label": labels.get(group, group or "Not recorded"),
            "cells": [
                _cell(
                    found[code],
                    aggregate=aggregate,
                    drill=_drill(day, method, code, by=by, value=group),
                    label=f"{short_name(code)}, {labels.get(group, group)}",
                )
                for code in columns
            ],
        }
        for group, found in sorted(groups.items(), key=lambda item: _group_order(by, item[0], labels))
    ]
    return render(
        request,
        "performance/dashboard.html",
        {
            **context,
            "headline": headline,
            "trends": _trend_charts(request, council, day, method, aggregate, TRENDS),
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
    figures, groups = selectors.headline_and_breakdown(council, day, method, by)
    figure = figures[code]
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
            "benchmark": comparisons.benchmark(code, day, method),
            "target": comparisons.target(council, code, day),
            "trends": _trend_charts(request, council, day, method, aggregate, [(indicator.name, [code])]),
            "rows": rows,
            "bar_svg": bar_svg,
            "breakdowns": selectors.BREAKDOWNS,
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
    if by and by not in selectors.BREAKDOWNS:
        raise Http404
    try:
        ids = selectors.ids_behind(
            council=council, indicator=indicator, day=day, method=method, part=part, breakdown=by, value=value
        )
    except ValueError:
        raise Http404 from None
    visible = access.people_visible_to(user).filter(pk__in=ids)
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
            "by_label": selectors.BREAKDOWNS.get(by, ""),
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
