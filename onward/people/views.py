"""Pages of the cohort register. Reads go through the access module and selectors; writes through services."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.audit.models import AuditEvent
from onward.audit.services import audit_list, audit_record, audit_view
from onward.core import contributions, exports
from onward.core.forms import EARLIEST_DATE, in_range, latest_date, long_date
from onward.core.forms_errors import apply_validation_error
from onward.core.markup import WritesItself, format_html, record_address, short_date
from onward.people import access as people_access
from onward.people import cohort, forms, selectors, services, stored
from onward.people.categories import CATEGORY_LABELS, Category, age_on, entitlement
from onward.people.models import (
    PASSPORT_TO_INDEPENDENCE,
    AccommodationSpell,
    Allocation,
    EETSpell,
    GuidanceAppointment,
    HEApplication,
    PathwayPlanAudit,
    SupportRequest,
    YoungPerson,
)

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.can_any(people_access.PEOPLE_PERMS):
        raise PermissionDenied
    return user


def _as_at(request: HttpRequest) -> datetime.date:
    """The date a page shows, from ?as_at=YYYY-MM-DD; today if absent or not a real date."""
    raw = request.GET.get("as_at", "")
    try:
        day = datetime.date.fromisoformat(raw) if raw else selectors.today()
    except ValueError:
        return selectors.today()
    if not in_range(day):
        messages.error(
            request,
            f"The date must be between {long_date(EARLIEST_DATE)} and {long_date(latest_date())}: "
            "this page shows today instead",
        )
        return selectors.today()
    return day


# Lists ------------------------------------------------------------------------------------------


@dataclass
class _Caseload:
    """The caseload asked for: the young people in scope, the list (filtered, sorted), and its form."""

    people: Any
    form: forms.CaseloadFilterForm
    filters: dict[str, Any]
    scope: str
    day: datetime.date
    filtered: bool
    """Any filter chosen (beyond the order): unfiltered, the list is every care leaver in scope."""

    @property
    def sort(self) -> str:
        return str(self.filters.get("sort") or "name")

    @functools.cached_property
    def qs(self) -> Any:
        """The list, built when first asked for (``selectors.caseload``): the unfiltered caseload reads
        without it (``selectors.caseload_page``)."""
        return selectors.caseload(people=self.people, day=self.day, filters=self.filters, sort=self.sort)


def _caseload_query(request: HttpRequest, user: User) -> _Caseload:
    scope = request.GET.get("scope") or selectors.default_scope(user)
    if scope not in selectors.SCOPES:
        scope = "all"
    teams = access.teams_visible_to(user)
    workers = access.colleagues(user).filter(groups__name="personal_adviser").order_by("family_name", "given_name")
    form = forms.CaseloadFilterForm(request.GET or None, teams=teams, workers=workers)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    day = _as_at(request)
    people = selectors.people_in_scope(user, scope)
    filtered = any(value for key, value in filters.items() if key != "sort")
    return _Caseload(people=people, form=form, filters=filters, scope=scope, day=day, filtered=filtered)


def _describe_filters(request: HttpRequest) -> str:
    return request.GET.urlencode() or "no filters"


@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def caseload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    found = _caseload_query(request, user)
    form, scope, day = found.form, found.scope, found.day
    if found.filtered:
        set_apart = 0 if form.cleaned_data.get("category") else selectors.not_care_leavers(found.people, day)
        rows, page = _page_read_with_total(
            request, lambda offset, limit: selectors.page_and_total(found.qs, offset=offset, limit=limit)
        )
    else:  # every care leaver in scope: the list's total and those set apart are counted at once
        read: dict[str, int] = {}

        def page_of(offset: int, limit: int) -> tuple[list[Any], int]:
            people, total, read["set_apart"] = selectors.caseload_page(
                found.people, day, sort=found.sort, offset=offset, limit=limit
            )
            return people, total

        rows, page = _page_read_with_total(request, page_of)
        set_apart = read["set_apart"]
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="people.YoungPerson",
        summary=f"Caseload ({_describe_filters(request)}), page {page.number}",
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/caseload.html",
        {
            "form": form,
            "page": page,
            "rows": [_row(r, day) for r in rows],
            "scope": scope,
            "scopes": selectors.SCOPES,
            "query": query.urlencode(),
            "day": day,
            "can_add": user.can(Perm.CHANGE_PEOPLE),
            "set_apart": set_apart,
        },
    )


_ACTIVITY_TAGS = {
    "eet": ("govuk-tag--green", "EET"),
    "neet": ("govuk-tag--red", "NEET"),
    "custody": ("govuk-tag--grey", "Custody"),
}


@dataclass
class Row(WritesItself):
    """A young person in a list (the caseload, the NEET cohort). Written as ``{{ row }}``: a row of
    the table, made here rather than by a template, as a page has fifty of them."""

    person: YoungPerson
    age: int
    category: str
    activity: str
    activity_group: str
    since: datetime.date | None
    last_contact: datetime.date | None
    plan_due: datetime.date | None
    plan_overdue: bool
    href: str = ""

    def __html__(self) -> SafeString:
        person = self.person
        tag_class, tag = _ACTIVITY_TAGS.get(self.activity_group, ("govuk-tag--grey", "Not known"))
        since = (
            format_html('<br><span class="govuk-body-s">since {}</span>', short_date(self.since)) if self.since else ""
        )
        adviser = (person.personal_adviser.full_name if person.personal_adviser else "") or "Not allocated"
        team = format_html('<br><span class="govuk-body-s">{}</span>', person.team.name) if person.team else ""
        overdue = '<strong class="govuk-tag govuk-tag--red">Overdue</strong><br>' if self.plan_overdue else ""
        return format_html(
            '<tr class="govuk-table__row">'
            '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a><br><span class="govuk-body-s">{}</span></td>'
            '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
            '<td class="govuk-table__cell">{}</td>'
            '<td class="govuk-table__cell"><strong class="govuk-tag {}">{}</strong><br>{}{}</td>'
            '<td class="govuk-table__cell">{}{}</td>'
            '<td class="govuk-table__cell">{}</td>'
            '<td class="govuk-table__cell">{}{}</td>'
            "</tr>",
            self.href,
            person.display_name,
            person.child_id,
            self.age,
            self.category,
            tag_class,
            tag,
            self.activity,
            since,
            adviser,
            team,
            short_date(self.last_contact),
            mark_safe(overdue),  # noqa: S308 - fixed markup
            short_date(self.plan_due),
        )


@dataclass(frozen=True)
class TimelineRow(WritesItself):
    """An entry of a young person's history on their page, with the links to correct or end it for
    those who may change the record. Written as ``{{ row }}``: a history can be long."""

    entry: selectors.TimelineEntry
    person_pk: int
    can_change: bool

    def __html__(self) -> SafeString:
        entry = self.entry
        title, detail = entry.title, entry.detail
        if entry.superseded:
            shown_title = format_html(
                '<span class="onward-superseded">{}</span> <strong class="govuk-tag govuk-tag--grey">Corrected</strong>',
                title,
            )
            shown_detail = format_html('<span class="onward-superseded">{}</span>', detail)
        else:
            shown_title, shown_detail = conditional_escape(title), conditional_escape(detail)
        correction = (
            format_html('<br><span class="govuk-body-s">Correction: {}</span>', entry.correction_reason)
            if entry.correction_reason
            else ""
        )
        return format_html(
            '<tr class="govuk-table__row"><td class="govuk-table__cell">{}</td>'
            '<td class="govuk-table__cell">{}<br><span class="govuk-body-s">{}</span></td>'
            '<td class="govuk-table__cell">{}{}</td><td class="govuk-table__cell">{}</td></tr>',
            short_date(entry.day, ""),
            shown_title,
            entry.kind,
            shown_detail,
            correction,
            self._actions(),
        )

    def _actions(self) -> SafeString | str:
        entry = self.entry
        if not self.can_change or entry.superseded or entry.kind not in ("EET", "Accommodation"):
            return ""
        hidden = format_html(
            '<span class="govuk-visually-hidden"> {} from {}</span>', entry.title, short_date(entry.day, "")
        )
        kind = "eet" if entry.kind == "EET" else "accommodation"
        correct = format_html(
            '<a class="govuk-link" href="{}">Correct{}</a>',
            record_address("people:record-correct", self.person_pk, kind, entry.record.pk),
            hidden,
        )
        if kind != "eet":
            return correct
        return format_html(
            '{}<br><a class="govuk-link" href="{}">{}{}</a>',
            correct,
            record_address("people:eet-end", self.person_pk, entry.record.pk),
            "Change how it ended" if entry.record.outcome else "End with outcome",
            hidden,
        )


def _row(person: Any, day: datetime.date) -> Row:
    from onward.core.codelists import ACTIVITY_INFO, EETActivity

    info = ACTIVITY_INFO[person.eet_activity]
    category = Category(person.category)
    return Row(
        person=person,
        age=age_on(person.date_of_birth, day),
        category=CATEGORY_LABELS[category],
        activity=EETActivity(person.eet_activity).label,
        activity_group=info.group.value,
        since=person.eet_since,
        last_contact=person.last_contact_on,
        plan_due=person.plan_next_due,
        plan_overdue=selectors.pathway_plan_overdue_on(category, person.plan_next_due, day),
        href=record_address("people:person-detail", person.pk),
    )


EXPORT_COLUMNS = [
    "Child identifier",
    "Legal name",
    "Preferred name",
    "Date of birth",
    "Age",
    "Category",
    "EET activity",
    "Since",
    "Personal adviser",
    "Team",
    "Last contact",
    "In touch",
    "Pathway plan review due",
    "SEND",
    "EHCP",
    "UASC",
    "Out of area",
]


def _export_rows(qs: Any, day: datetime.date) -> list[list[Any]]:
    rows = []
    for person in qs:
        row = _row(person, day)
        rows.append(
            [
                person.child_id,
                person.legal_name,
                person.preferred_name,
                person.date_of_birth,
                row.age,
                row.category,
                row.activity,
                row.since,
                person.personal_adviser.full_name if person.personal_adviser else "",
                person.team.name if person.team else "",
                row.last_contact,
                person.last_in_touch or "",
                row.plan_due,
                "Yes" if person.send else "No",
                "Yes" if person.ehcp else "No",
                "Yes" if person.uasc else "No",
                "Yes" if person.lives_out_of_area else "No",
            ]
        )
    return rows


@require_safe
@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def caseload_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The current list (all pages, with its filters) as CSV or XLSX. Audited before the file is made."""
    user = _user(request)
    if file_format not in ("csv", "xlsx"):
        raise Http404
    found = _caseload_query(request, user)
    rows = _export_rows(found.qs, found.day)
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditEvent.Action.EXPORT,
            council=access.council_of(user),
            object_type="people.YoungPerson",
            summary=f"Exported {len(rows)} young people as {file_format.upper()} ({_describe_filters(request)})",
        )
    filename = f"young-people-{timezone.localtime():%Y-%m-%d-%H%M}.{file_format}"
    if file_format == "csv":
        return exports.csv_response(filename, rows, header=EXPORT_COLUMNS)
    return exports.xlsx_response(filename, [exports.Sheet("Young people", rows, header=EXPORT_COLUMNS)])


@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def neet_cohort(request: HttpRequest) -> HttpResponse:
    """The NEET cohort (``people.cohort``) among those the user can see, in the scope asked for, longest NEET first."""
    user = _user(request)
    day = _as_at(request)
    scope = request.GET.get("scope") or "all"
    if scope not in selectors.SCOPES:
        scope = "all"
    people = cohort.neet_cohort(selectors.people_in_scope(user, scope), day)
    qs = selectors.caseload(people=people, day=day, filters={"category": ""}).order_by("eet_since", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="people.YoungPerson",
        summary=f"NEET cohort on {day:%d/%m/%Y}, page {page.number}",
    )
    return render(
        request,
        "people/neet.html",
        {
            "page": page,
            "rows": [_row(r, day) for r in page.object_list],
            "day": day,
            "query": f"scope={scope}",
            "scope_label": selectors.SCOPES[scope],
            "population": cohort.NEET_POPULATION,
        },
    )


@require_safe
@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def at_risk_list(request: HttpRequest) -> HttpResponse:
    """Young people at risk of NEET in the user's scope (their own caseload, their teams or everyone
    they can see), highest risk first, a page at a time, with the reasons for each."""
    user = _user(request)
    scope = request.GET.get("scope") or selectors.default_scope(user)
    if scope not in selectors.SCOPES:
        scope = selectors.default_scope(user)
    day = _as_at(request)
    people = selectors.people_in_scope(user, scope)
    ranked_at_risk = stored.at_risk_ranking(people, day)
    ranked, page = _page_read_with_total(
        request, lambda offset, limit: ranked_at_risk(people, day, offset=offset, limit=limit)
    )
    rows = selectors.at_risk_rows(people, ranked, day)
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="people.YoungPerson",
        summary=f"At risk of NEET on {day:%d/%m/%Y} ({selectors.SCOPES[scope].lower()}), page {page.number}",
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/at_risk.html",
        {
            "rows": rows,
            "page": page,
            "day": day,
            "is_today": day == selectors.today(),
            "scope": scope,
            "scopes": selectors.SCOPES,
            "query": query.urlencode(),
            "signs": selectors.RISK_SIGNS.values(),
            "high": selectors.RISK_HIGH,
            "medium": selectors.RISK_MEDIUM,
        },
    )


def _page_read_with_total(
    request: HttpRequest, read: Callable[[int, int], tuple[list[Any], int]]
) -> tuple[list[Any], Page[Any]]:
    """The page asked for (1 if none or not a number; past the last, however far, the last), read by
    ``read(offset, limit)`` with the list's total in one go, and a ``Page`` for the pagination."""
    try:
        number = min(max(1, int(request.GET.get("page", "1"))), 1_000_000)
    except ValueError:
        number = 1
    rows, total = read((number - 1) * PAGE_SIZE, PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    if number > pages:
        number = pages
        rows, total = read((number - 1) * PAGE_SIZE, PAGE_SIZE)
    return rows, Paginator(cast(Any, _Counted(total)), PAGE_SIZE).page(number)


class _Counted:
    """A stand-in list of ``total`` items for ``Paginator``, when the page was read on its own."""

    def __init__(self, total: int) -> None:
        self.total = total

    def count(self) -> int:
        return self.total

    def __getitem__(self, key: slice) -> list[Any]:
        return []


@require_safe
@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def support_requests(request: HttpRequest) -> HttpResponse:
    """Requests for support from returners (21 to 24) waiting for assessment, oldest first, with the time limit."""
    user = _user(request)
    day = selectors.today()
    found = selectors.open_support_requests(people_access.people_visible_to(user), day)
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="people.SupportRequest",
        summary=f"Requests for support waiting for assessment on {day:%d/%m/%Y}",
    )
    return render(
        request,
        "people/support_requests.html",
        {
            "requests": found,
            "day": day,
            "limit": selectors.SUPPORT_REQUEST_DAYS,
            "can_change": people_access.can_change_person(user),
        },
    )


# One young person -------------------------------------------------------------------------------


@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = people_access.access_person(user, pk)
    day = _as_at(request)
    timeline = selectors.timeline(person)
    status = selectors.status_on(person, day, timeline=timeline)
    audit_view(actor=user, council=person.council, obj=person, summary=f"Record viewed (as at {day:%d/%m/%Y})")
    allocations = sorted(  # from the timeline's records (its workers and teams read with them)
        (entry.record for entry in timeline if isinstance(entry.record, Allocation) and not entry.superseded),
        key=lambda allocation: (allocation.role, -allocation.start.toordinal(), -allocation.pk),
    )
    review = status.pathway_review
    passport = [(label, key in (review.passport if review else [])) for key, label in PASSPORT_TO_INDEPENDENCE]
    can_change = people_access.can_change_person(user)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "status": status,
            "day": day,
            "is_today": day == selectors.today(),
            "age": age_on(person.date_of_birth, day),
            "entitlement": entitlement(status.category),
            "allocations": allocations,
            "timeline": [TimelineRow(entry, person.pk, can_change) for entry in timeline],
            "passport": passport,
            "can_change": can_change,
            "can_change_education": people_access.can_change_education(user),
            "record_links": _record_links(person.pk, can_change, people_access.can_change_education(user)),
            "can_audit_plans": people_access.can_audit_pathway_plans(user),
            # Read from the timeline's records (the current ones), not again.
            "guidance": selectors.current_of(timeline, GuidanceAppointment),
            "he_applications": selectors.current_of(timeline, HEApplication),
            "plan_audits": selectors.current_of(timeline, PathwayPlanAudit),
            "school_year": selectors.school_year_on(person.date_of_birth, day),
            "sections": contributions.page_sections("people:person-detail", user, person, day),
            "pending_requests": [
                request
                for request in selectors.current_of(timeline, SupportRequest)
                if request.outcome == SupportRequest.Outcome.PENDING
            ],
        },
    )


def _record_links(person: int, can_change: bool, can_change_education: bool) -> list[tuple[str, str]]:
    """The address and words of each "Record something else" link the user may follow: every kind to
    those who change records, the kinds of education to those who change education records too."""
    return [
        (record_address("people:record-add", person, key), kind.action)
        for key, kind in RECORD_KINDS.items()
        if key not in _LINKED_ELSEWHERE and (can_change or (kind.education and can_change_education))
    ]


def _require_change(user: User) -> None:
    if not people_access.can_change_person(user):
        raise PermissionDenied


@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def person_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_change(user)
    council = access.council_of(user)
    form = forms.PersonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            with transaction.atomic():
                person = services.person_create(acting_user=user, council=council, **data)  # type: ignore[arg-type]
                services.allocate(
                    acting_user=user,
                    person=person,
                    role=Allocation.Role.PERSONAL_ADVISER,
                    start=selectors.today(),
                    worker=user,
                    team=user.teams.first(),
                )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{person.display_name} added")
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def person_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _require_change(user)
    person = people_access.access_person(user, pk)
    initial = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    for flag in ("uasc", "send", "is_parent", "is_pregnant", "lives_out_of_area"):
        initial[flag] = "yes" if initial[flag] else "no"
    initial["version"] = person.version
    form = forms.PersonForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            person = services.person_update(acting_user=user, person=person, version=version, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Details saved")
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


# Recording history ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordKind:
    title: str
    action: str
    done: str
    form: type[Any]
    service: Callable[..., Any]
    education: bool = False
    """Virtual School officers (education changes) may record this too."""
    allowed: Callable[[User], bool] | None = None
    """Who may record this, when it is not the usual rule (a manager's pathway plan audit)."""


RECORD_KINDS: dict[str, RecordKind] = {
    "eet": RecordKind(
        "Record education, employment or training",
        "Record EET activity",
        "Activity recorded",
        forms.EETForm,
        services.eet_record,
    ),
    "accommodation": RecordKind(
        "Record accommodation",
        "Record accommodation",
        "Accommodation recorded",
        forms.AccommodationForm,
        services.accommodation_record,
    ),
    "contact": RecordKind(
        "Record a contact", "Record a contact", "Contact recorded", forms.ContactForm, services.contact_record
    ),
    "pathway-review": RecordKind(
        "Record a pathway plan review",
        "Record a pathway plan review",
        "Pathway plan review recorded",
        forms.PathwayReviewForm,
        services.pathway_review_record,
    ),
    "pep": RecordKind(
        "Record a PEP", "Record a PEP", "PEP recorded", forms.PEPForm, services.pep_record, education=True
    ),
    "aspiration": RecordKind(
        "Record an aspiration",
        "Record an aspiration",
        "Aspiration recorded",
        forms.AspirationForm,
        services.aspiration_record,
        education=True,
    ),
    "destination": RecordKind(
        "Record an intended destination",
        "Record an intended destination",
        "Intended destination recorded",
        forms.DestinationForm,
        services.destination_record,
        education=True,
    ),
    "guidance": RecordKind(
        "Record a careers guidance appointment",
        "Record a careers guidance appointment",
        "Careers guidance appointment recorded",
        forms.GuidanceForm,
        services.guidance_record,
        education=True,
    ),
    "he-application": RecordKind(
        "Record a higher education application",
        "Record a higher education application",
        "Higher education application recorded",
        forms.HEApplicationForm,
        services.he_application_record,
        education=True,
    ),
    "pathway-audit": RecordKind(
        "Audit the pathway plan",
        "Audit the pathway plan",
        "Pathway plan audit recorded",
        forms.PathwayAuditForm,
        services.pathway_audit_record,
        allowed=people_access.can_audit_pathway_plans,
    ),
    "episode": RecordKind(
        "Add a care episode", "Add a care episode", "Care episode added", forms.EpisodeForm, services.episode_add
    ),
    "allocation": RecordKind(
        "Allocate a worker", "Allocate a worker", "Worker allocated", forms.AllocationForm, services.allocate
    ),
    "closure": RecordKind("Close the case", "Close the case", "Case closed", forms.ClosureForm, services.case_close),
    "support-request": RecordKind(
        "Record a request for support",
        "Record a request for support",
        "Request for support recorded",
        forms.SupportRequestForm,
        services.support_request_record,
    ),
}


def _form_kwargs(kind: str, user: User) -> dict[str, Any]:
    if kind == "allocation":
        return {
            "workers": access.colleagues(user).order_by("family_name", "given_name"),
            "teams": access.teams_visible_to(user),
        }
    if kind == "eet":
        return {"settings": _settings_of(user)}
    return {}


def _settings_of(user: User) -> Any:
    """The council's register of settings an EET spell may name (``network.Setting``, reached through the
    spell's foreign key so that the register imports nothing of the network app)."""
    model = EETSpell._meta.get_field("setting").related_model
    return model._default_manager.filter(council=access.council_of(user)).order_by("name")  # type: ignore[union-attr]


@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def record_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = _user(request)
    spec = RECORD_KINDS.get(kind)
    if spec is None:
        raise Http404
    if spec.allowed is not None:
        allowed = spec.allowed(user)
    elif spec.education:
        allowed = people_access.can_change_education(user)
    else:
        allowed = people_access.can_change_person(user)
    if not allowed:
        raise PermissionDenied
    person = people_access.access_person(user, pk)
    form = spec.form(request.POST if request.method == "POST" else None, **_form_kwargs(kind, user))
    knock_on = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None or k in ("end",)}
        if kind in SPELL_MODELS:
            data.setdefault("end", None)
        try:
            if kind in SPELL_MODELS:
                knock_on = services.spell_knock_on(model=SPELL_MODELS[kind], person=person, **data)
            if knock_on is None or request.POST.get("confirm") == knock_on.token:
                spec.service(acting_user=user, person=person, **data)
        except ValidationError as error:
            knock_on = None
            apply_validation_error(form, error)
        else:
            if knock_on is None or request.POST.get("confirm") == knock_on.token:
                messages.success(request, spec.done)
                return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/record_form.html", _form_context(form, person, knock_on, spec=spec))


# Kinds recorded from their own section of the young person's page, not "Record something else".
OWN_SECTIONS = frozenset({"guidance", "he-application", "pathway-audit"})
# Kinds of record the young person's page links to "Record something else" for: not those with sections
# of their own, nor those whose links stand elsewhere on the page.
_LINKED_ELSEWHERE = frozenset({*OWN_SECTIONS, "eet", "accommodation", "contact", "pathway-review"})

SPELL_MODELS: dict[str, Any] = {"eet": EETSpell, "accommodation": AccommodationSpell}


def _form_context(form: Any, person: YoungPerson, knock_on: services.KnockOn | None, **extra: Any) -> dict[str, Any]:
    """A record form's page; with ``knock_on``, the warning naming the record the save would end."""
    return {
        "form": form,
        "person": person,
        "knock_on": knock_on,
        "confirm_token": knock_on.token if knock_on else "",
        **extra,
    }


CORRECTABLE: dict[str, tuple[Any, Any, Any]] = {
    "eet": (EETSpell, forms.EETCorrectionForm, services.eet_correct),
    "accommodation": (AccommodationSpell, forms.AccommodationCorrectionForm, services.accommodation_correct),
}


@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def record_correct(request: HttpRequest, pk: int, kind: str, record_pk: int) -> HttpResponse:
    """Correct an EET or accommodation record: the old one is kept, superseded, with the reason."""
    user = _user(request)
    _require_change(user)
    if kind not in CORRECTABLE:
        raise Http404
    model, form_class, service = CORRECTABLE[kind]
    person = people_access.access_person(user, pk)
    record = model._default_manager.filter(person=person, pk=record_pk, superseded_at__isnull=True).first()
    if record is None:
        raise Http404
    editable = [f.name for f in model._meta.concrete_fields if f.name in form_class.base_fields]
    initial = {name: getattr(record, name) for name in editable}
    if "part_time" in initial:
        initial["part_time"] = "yes" if record.part_time else "no"
    extra = {"settings": _settings_of(user)} if kind == "eet" else {}
    form = form_class(request.POST if request.method == "POST" else None, initial=initial, **extra)
    knock_on = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("correction_reason")
        confirmed = False
        try:
            knock_on = services.spell_knock_on(model=model, person=person, replacing=record, **data)
            confirmed = knock_on is None or request.POST.get("confirm") == knock_on.token
            if confirmed:
                service(acting_user=user, spell=record, reason=reason, **data)
        except ValidationError as error:
            knock_on = None
            apply_validation_error(form, error)
        else:
            if confirmed:
                messages.success(request, "Correction saved; the earlier record is kept in the history")
                return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/record_form.html", _form_context(form, person, knock_on, spec=None, record=record))


@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def eet_end(request: HttpRequest, pk: int, eet_spell_pk: int) -> HttpResponse:
    """End an activity with its outcome and any qualification gained (or change how an ended one ended)."""
    user = _user(request)
    _require_change(user)
    person = people_access.access_person(user, pk)
    spell = selectors.current_eet_spell(person, eet_spell_pk)
    if spell is None:
        raise Http404
    initial = {
        "end": spell.end,
        "outcome": spell.outcome,
        "qualification_level": spell.qualification_level,
        "qualification_subject": spell.qualification_subject,
        "qualification_date": spell.qualification_date,
    }
    form = forms.EETEndForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.eet_end(
                acting_user=user,
                spell=spell,
                end=data["end"],
                outcome=data["outcome"],
                qualification_level=data.get("qualification_level") or "",
                qualification_subject=data.get("qualification_subject") or "",
                qualification_date=data.get("qualification_date"),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Activity ended; how it ended is recorded")
            return redirect("people:person-detail", pk=person.pk)
    return render(
        request,
        "people/record_form.html",
        {"form": form, "person": person, "spec": None, "record": spell, "title": f"End the activity: {spell}"},
    )


@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def support_request_assess(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    user = _user(request)
    _require_change(user)
    person = people_access.access_person(user, pk)
    support = SupportRequest.objects.filter(person=person, pk=request_pk, superseded_at__isnull=True).first()
    if support is None:
        raise Http404
    form = forms.SupportAssessmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_request_assess(acting_user=user, request=support, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Assessment recorded")
            return redirect("people:person-detail", pk=person.pk)
    return render(
        request,
        "people/record_form.html",
        {"form": form, "person": person, "spec": None, "record": support, "title": "Record the assessment"},
    )


@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def he_application_status(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    """Move a higher education application on (offer, accepted, started, withdrawn); the earlier record is
    kept. A start also starts higher education in the EET history."""
    user = _user(request)
    if not people_access.can_change_education(user):
        raise PermissionDenied
    person = people_access.access_person(user, pk)
    application = selectors.he_application_of(person, application_pk)
    if application is None:
        raise Http404
    form = forms.HEStatusForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.he_application_status_set(
                acting_user=user,
                application=application,
                status=form.cleaned_data["status"],
                status_date=form.cleaned_data["status_date"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Status of the application recorded")
            return redirect("people:person-detail", pk=person.pk)
    return render(
        request,
        "people/record_form.html",
        {
            "form": form,
            "person": person,
            "spec": None,
            "record": application,
            "title": f"Change the status: {application.institution}, {application.course}",
        },
    )
