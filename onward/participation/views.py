"""Pages of 16-17 participation. Reads go through the access module and the selectors; writes through
services; files through ``core.exports``."""

from __future__ import annotations

import datetime
from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.audit.models import AuditEvent
from onward.audit.services import audit_list, audit_record, audit_view
from onward.core import exports
from onward.core.forms import EARLIEST_DATE, in_range, latest_date, long_date
from onward.core.forms_errors import apply_validation_error
from onward.participation import access as participation_access
from onward.participation import feed, forms, rules, selectors, services
from onward.people import access as people_access
from onward.people import selectors as people_selectors
from onward.people.categories import Category


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _people_user(request: HttpRequest) -> User:
    """The signed-in user, who must be able to see young people's records (403 otherwise)."""
    user = _user(request)
    if not user.can_any(people_access.PEOPLE_PERMS):
        raise PermissionDenied
    return user


def _as_at(request: HttpRequest) -> datetime.date:
    """The date a page shows, from ?as_at=YYYY-MM-DD; today if absent or not a real date."""
    raw = request.GET.get("as_at", "")
    today = people_selectors.today()
    try:
        day = datetime.date.fromisoformat(raw) if raw else today
    except ValueError:
        return today
    if not in_range(day):
        messages.error(
            request,
            f"The date must be between {long_date(EARLIEST_DATE)} and {long_date(latest_date())}: "
            "this page shows today instead",
        )
        return today
    return day


@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def overview(request: HttpRequest) -> HttpResponse:
    """The cohort the user can see on a date, by academic age and what each record counts as."""
    user = _people_user(request)
    day = _as_at(request)
    found = selectors.cohort_activities(people_access.people_visible_to(user), day)
    return render(
        request,
        "participation/overview.html",
        {
            "day": day,
            "summary": selectors.summary(found, day),
            "counted": [(c, rules.COUNTED_LABELS[c]) for c in rules.Counted],
            "participation": selectors.participation_figure(found),
            "neet_not_known": selectors.neet_not_known_figure(found),
            "month_end": rules.month_end(day.year, day.month),
            "can_export": user.can(Perm.EXPORT_RETURNS),
            "can_report": user.can(Perm.VIEW_AGGREGATES, Perm.VIEW_DRILLDOWN),
        },
    )


@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def lapsing(request: HttpRequest) -> HttpResponse:
    """Activities that have lapsed, or lapse by the end of the month, among the young people the user
    can see: the ones to chase before the month's feed."""
    user = _people_user(request)
    day = _as_at(request)
    until = rules.month_end(day.year, day.month)
    found = selectors.lapsing(selectors.cohort_activities(people_access.people_visible_to(user), day), day, until)
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="people.YoungPerson",
        summary=f"Activities lapsing by {until:%d/%m/%Y}",
    )
    return render(request, "participation/lapsing.html", {"day": day, "until": until, "rows": found})


GUARANTEE_FILTERS = {status.value: status for status in rules.GuaranteeStatus}


@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def guarantee(request: HttpRequest) -> HttpResponse:
    """The September Guarantee tracking list: Year 11 and 12 young people the user can see, with their
    offer's status, provider and date, in the round tracked on the date (June to the end of September)."""
    user = _people_user(request)
    day = _as_at(request)
    found = selectors.guarantees(people_access.people_visible_to(user), day)
    chosen = request.GET.get("status", "")
    status = GUARANTEE_FILTERS.get(chosen)
    rows = [g for g in found if status is None or g.status == status]
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="people.YoungPerson",
        summary=f"September Guarantee {rules.guarantee_round(day)} tracking list on {day:%d/%m/%Y}",
    )
    counts = Counter(g.status for g in found)
    return render(
        request,
        "participation/guarantee.html",
        {
            "day": day,
            "round": rules.guarantee_round(day),
            "tracking": rules.is_tracking_period(day),
            "rows": rows,
            "status": status.value if status else "",
            "statuses": [(s.value, s.label, counts[s]) for s in rules.GuaranteeStatus],
            "total": len(found),
            "can_report": user.can(Perm.VIEW_AGGREGATES, Perm.VIEW_DRILLDOWN),
        },
    )


CHARACTERISTICS = (
    ("all", "All young people"),
    ("looked_after", "Looked after"),
    ("care_leaver", "Care leaver"),
    ("other", "Neither looked after nor a care leaver"),
    ("female", "Female"),
    ("male", "Male"),
    ("send", "SEND or EHC plan"),
    ("uasc", "Unaccompanied asylum-seeking"),
)
LOOKED_AFTER = {Category.LOOKED_AFTER.value, Category.ELIGIBLE.value}
CARE_LEAVER = {
    Category.RELEVANT.value,
    Category.FORMER_RELEVANT.value,
    Category.FORMER_RELEVANT_21_25.value,
    Category.QUALIFYING.value,
}


def _characteristics(person: object) -> set[str]:
    category = getattr(person, "category", "")
    found = {"all"}
    found.add("looked_after" if category in LOOKED_AFTER else "care_leaver" if category in CARE_LEAVER else "other")
    sex = getattr(person, "sex", "")
    if sex == "F":
        found.add("female")
    elif sex == "M":
        found.add("male")
    if getattr(person, "send", False) or getattr(person, "ehcp", False):
        found.add("send")
    if getattr(person, "uasc", False):
        found.add("uasc")
    return found


@access.require_perm(Perm.VIEW_AGGREGATES, Perm.VIEW_DRILLDOWN)
def guarantee_report(request: HttpRequest) -> HttpResponse:
    """The September Guarantee by status and characteristic, for Year 11 and Year 12: exact counts, so
    only for those who may follow figures down to young people (councillors' figures are rounded)."""
    user = _user(request)
    council = access.own_council(user)
    day = _as_at(request)
    people = people_selectors.annotate_category(people_access.people_counted_for(user), day)
    found = selectors.guarantees(people, day)
    tables = []
    for year_group in (11, 12):
        counts: Counter[tuple[str, str]] = Counter()
        for g in found:
            if g.year_group != year_group:
                continue
            for key in _characteristics(g.person):
                counts[(key, g.status.value)] += 1
        rows = []
        for key, label in CHARACTERISTICS:
            cells = [counts[(key, s.value)] for s in rules.GuaranteeStatus]
            total = sum(cells)
            made = counts[(key, rules.GuaranteeStatus.OFFER_MADE.value)]
            rows.append((label, cells, total, f"{100 * made / total:.0f}%" if total else "-"))
        tables.append((year_group, rows))
    return render(
        request,
        "participation/guarantee_report.html",
        {
            "day": day,
            "council": council,
            "round": rules.guarantee_round(day),
            "statuses": [s.label for s in rules.GuaranteeStatus],
            "tables": tables,
        },
    )


@access.require_perm(Perm.EXPORT_RETURNS)
def feed_page(request: HttpRequest) -> HttpResponse:
    """The monthly NCCIS feed: choose a month and download it; the careers service's returns below."""
    user = _user(request)
    council = access.own_council(user)
    form = forms.FeedForm(request.GET if "month" in request.GET else None)
    if form.is_bound and form.is_valid():
        month_end = form.cleaned_data["month"]
        rows = selectors.feed_rows(people_access.people_visible_to(user), month_end)
        services.feed_exported(acting_user=user, council=council, month_end=month_end, rows=len(rows))
        return exports.csv_response(f"nccis-feed-{month_end:%Y-%m}.csv", rows, header=feed.COLUMNS)
    returns = participation_access.careers_returns_visible_to(user)[:12] if user.can(Perm.IMPORT_DATA) else []
    return render(
        request,
        "participation/feed.html",
        {"form": form, "returns": returns, "can_import": user.can(Perm.IMPORT_DATA), "columns": feed.COLUMNS},
    )


@access.require_perm(Perm.EXPORT_RETURNS)
def survey_page(request: HttpRequest) -> HttpResponse:
    """The Annual Activity Survey: last summer's Year 11 leavers and their activity on 1 November."""
    user = _user(request)
    council = access.own_council(user)
    form = forms.SurveyForm(
        request.GET if "year" in request.GET else None, initial={"year": rules.survey_year(people_selectors.today())}
    )
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
        rows = selectors.survey_rows(people_access.people_visible_to(user), year)
        services.survey_exported(acting_user=user, council=council, year=year, rows=len(rows))
        return exports.csv_response(f"annual-activity-survey-{year}.csv", rows, header=selectors.SURVEY_COLUMNS)
    return render(request, "participation/survey.html", {"form": form})


@access.require_perm(Perm.IMPORT_DATA)
def return_upload(request: HttpRequest) -> HttpResponse:
    """Import a feed the careers service sent back, matched against Onward's own for the month."""
    user = _user(request)
    council = access.own_council(user)
    form = forms.CareersReturnForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        name, text = form.cleaned_data["upload"]
        try:
            result = services.careers_return_import(
                acting_user=user,
                council=council,
                people=people_access.people_visible_to(user),
                month_end=form.cleaned_data["month"],
                name=name,
                content=text,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The careers service's return was matched")
            return redirect(reverse("participation:return-detail", args=[result.pk]))
    return render(request, "participation/return_upload.html", {"form": form})


@access.require_perm(Perm.IMPORT_DATA)
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A matched return and its list of discrepancies."""
    user = _user(request)
    result = participation_access.access_careers_return(user, pk)
    audit_view(actor=user, council=result.council, obj=result)
    return render(request, "participation/return_detail.html", {"result": result})


# Aspirations and intended destinations (Cambridgeshire 1.1, Leeds 3h) ----------------------------------


def _wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv"


def _audit_aspirations(user: User, summary: str, *, exported: int | None) -> None:
    """A list viewed, or a file of it made, recorded in the audit trail before it is shown."""
    council = access.council_of(user)
    if exported is None:
        audit_list(actor=user, council=council, object_type="people.YoungPerson", summary=summary)
        return
    audit_record(
        actor=user,
        action=AuditEvent.Action.EXPORT,
        council=council,
        object_type="people.YoungPerson",
        summary=f"Exported {exported} young people as CSV: {summary}",
    )


def _chosen_year(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and int(raw) in rules.ASPIRATION_YEARS else None


ASPIRATION_FILTERS = {"recorded": "With an aspiration", "missing": "With no aspiration"}


@require_safe
@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def aspirations(request: HttpRequest) -> HttpResponse:
    """The aspiration coverage list: the young people the user can see in Years 9 to 13 on a date, by
    school year, each with their latest aspiration recorded by then or none. Filter by year and by
    whether one is recorded; download as CSV."""
    user = _people_user(request)
    day = _as_at(request)
    rows = selectors.aspiration_coverage(people_access.people_visible_to(user), day)
    years = selectors.coverage_by_year(rows)
    year = _chosen_year(request)
    shown_filter = request.GET.get("status", "")
    if shown_filter not in ASPIRATION_FILTERS:
        shown_filter = ""
    shown = [
        r
        for r in rows
        if (year is None or r.school_year == year)
        and (not shown_filter or (r.aspiration is not None) == (shown_filter == "recorded"))
    ]
    described = (
        f"Aspirations on {day:%d/%m/%Y}, "
        + (f"Year {year}" if year else "Years 9 to 13")
        + (f", {ASPIRATION_FILTERS[shown_filter].lower()}" if shown_filter else "")
    )
    if _wants_csv(request):
        _audit_aspirations(user, described, exported=len(shown))
        return exports.csv_response(
            f"aspirations-{day:%Y-%m-%d}.csv",
            [
                [
                    r.person.child_id,
                    r.person.display_name,
                    r.school_year,
                    r.aspiration.date if r.aspiration else None,
                    r.aspiration.aspiration if r.aspiration else "",
                    r.sector_label,
                    r.person.personal_adviser.full_name if r.person.personal_adviser else "",
                ]
                for r in shown
            ],
            header=[
                "Child identifier",
                "Name",
                "School year",
                "Recorded on",
                "Aspiration",
                "Sector",
                "Personal adviser",
            ],
        )
    _audit_aspirations(user, described, exported=None)
    return render(
        request,
        "participation/aspirations.html",
        {
            "day": day,
            "rows": shown,
            "years": years,
            "year": year,
            "status": shown_filter,
            "filters": ASPIRATION_FILTERS,
            "query": request.GET.urlencode(),
        },
    )


@require_safe
@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def aspiration_sectors(request: HttpRequest) -> HttpResponse:
    """Recorded aspirations of the young people the user can see in Years 9 to 13, by sector and school
    year: counts only, with the list behind them on the coverage page. Download as CSV."""
    user = _people_user(request)
    day = _as_at(request)
    rows = selectors.aspiration_coverage(people_access.people_visible_to(user), day)
    sectors = selectors.aspirations_by_sector(rows)
    recorded = sum(1 for r in rows if r.aspiration is not None)
    header = ["Sector", *[f"Year {y}" for y in rules.ASPIRATION_YEARS], "Total", "Share of those recorded"]
    table = [
        [
            label,
            *[by_year[y] for y in rules.ASPIRATION_YEARS],
            total,
            f"{100 * total / recorded:.0f}%" if recorded else "-",
        ]
        for _value, label, total, by_year in sectors
    ]
    if _wants_csv(request):
        return exports.csv_response(f"aspirations-by-sector-{day:%Y-%m-%d}.csv", table, header=header)
    return render(
        request,
        "participation/aspiration_sectors.html",
        {"day": day, "header": header, "table": table, "recorded": recorded, "total": len(rows)},
    )


MATCH_FILTERS = {m.value: m for m in rules.Match}


@require_safe
@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def destinations_against_aspirations(request: HttpRequest) -> HttpResponse:
    """Each young person the user can see in Years 11 to 13: the intended destination against the
    aspiration, by sector (matched, differs, or cannot be compared and why). Filter; download as CSV."""
    user = _people_user(request)
    day = _as_at(request)
    found = selectors.destinations_against_aspirations(people_access.people_visible_to(user), day)
    match = MATCH_FILTERS.get(request.GET.get("match", ""))
    rows = [r for r in found if match is None or r.match == match]
    counts = Counter(r.match for r in found)
    described = f"Intended destinations against aspirations on {day:%d/%m/%Y}" + (
        f", {match.label.lower()}" if match else ""
    )
    if _wants_csv(request):
        _audit_aspirations(user, described, exported=len(rows))
        return exports.csv_response(
            f"destinations-against-aspirations-{day:%Y-%m-%d}.csv",
            [
                [
                    r.person.child_id,
                    r.person.display_name,
                    r.school_year,
                    r.aspiration.aspiration if r.aspiration else "",
                    r.aspiration_sector_label,
                    r.destination_label,
                    r.destination.provider if r.destination else "",
                    r.destination_sector_label,
                    r.match.label,
                    r.reason,
                ]
                for r in rows
            ],
            header=[
                "Child identifier",
                "Name",
                "School year",
                "Aspiration",
                "Aspiration sector",
                "Intended destination",
                "Provider",
                "Destination sector",
                "Compared",
                "Why it cannot be compared",
            ],
        )
    _audit_aspirations(user, described, exported=None)
    return render(
        request,
        "participation/destinations_against_aspirations.html",
        {
            "day": day,
            "rows": rows,
            "match": match.value if match else "",
            "matches": [(m.value, m.label, counts[m]) for m in rules.Match],
            "total": len(found),
            "query": request.GET.urlencode(),
        },
    )
