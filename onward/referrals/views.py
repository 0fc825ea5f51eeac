"""Pages of the common referral: the directory, making a referral, triage, and the partner's view."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST, require_safe

from onward.accounts import access
from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.audit.models import AuditEvent
from onward.audit.services import audit_list, audit_record, audit_view
from onward.core import exports, import_views, imports
from onward.core.forms import long_date
from onward.core.forms_errors import apply_validation_error
from onward.core.markup import WritesItself, format_html, record_address, short_date
from onward.people import access as people_access
from onward.people import selectors as people_selectors
from onward.people.cohort import NEET_POPULATION, neet_cohort
from onward.performance import display, impact
from onward.performance.indicators import Figure
from onward.referrals import access as referral_access
from onward.referrals import forms, registry, selectors, services
from onward.referrals.consent import organisations_covered
from onward.referrals.models import NEEDS, SHARED_FIELDS, Referral, Send, Service

PAGE_SIZE = 50
"""Referrals a page of the referral list and of the triage queue shows."""


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


# The directory --------------------------------------------------------------------------------------


@require_safe
@access.require_perm()
def directory(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = forms.DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    services_list = selectors.directory(
        referral_access.services_visible_to(user), filters=filters, day=timezone.localdate()
    )
    return render(
        request,
        "referrals/directory.html",
        {"form": form, "services": services_list, "can_add": user.can(Perm.MANAGE_DIRECTORY)},
    )


@require_safe
@access.require_perm()
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    service = referral_access.access_service(user, pk)
    editable = referral_access.services_editable_by(user).filter(pk=service.pk).exists()
    context: dict[str, Any] = {"service": service, "editable": editable}
    council_staff = access.council_of(user) is not None
    if (council_staff and user.can_any(people_access.MONITORING_PERMS)) or (
        not council_staff and user.can(Perm.RECEIVE_REFERRALS) and service.provider_id == user.organisation_id
    ):
        form = forms.ImpactForm(request.GET or None)
        chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
        as_at = chosen.get("as_at") or timezone.localdate()
        sends = referral_access.impact_sends_for(user).filter(service=service)
        groups = selectors.service_impact(sends, as_at, before=chosen.get("before")).get(service.pk, [])
        # Exact for triage and a partner (who counts only young people whose EET history its referrals share
        # with it); rounded and suppressed for council staff who see aggregates only, as on monitoring.
        aggregate = council_staff and display.aggregates_only(user) and not user.can(Perm.TRIAGE_REFERRALS)
        context.update(
            impact_form=form,
            impact=impact.shown(groups, aggregate=aggregate),
            impact_months=impact.IMPACT_MONTHS,
            impact_aggregate=aggregate,
            impact_as_at=as_at,
        )
    return render(request, "referrals/service_detail.html", context)


def _providers(user: User) -> object:
    """Directory entries are kept by the organisation that provides them (ADR 14)."""
    return referral_access.service_providers_for(user)


@access.require_perm(Perm.MANAGE_DIRECTORY)
def service_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    service = referral_access.access_service(user, pk, for_change=True) if pk is not None else None
    initial = {
        f: getattr(service, f) for f in forms.ServiceForm.base_fields if service is not None and hasattr(service, f)
    }
    if service is None:
        initial = {"active_from": timezone.localdate(), "provider": user.organisation_id}
    form = forms.ServiceForm(
        request.POST if request.method == "POST" else None, initial=initial, providers=_providers(user)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        provider = data.pop("provider")
        version = data.pop("version")
        data["capacity"] = data.get("capacity")
        try:
            saved = services.service_save(acting_user=user, service=service, provider=provider, version=version, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{saved.name} saved")
            return redirect("referrals:service-detail", pk=saved.pk)
    return render(request, "referrals/service_form.html", {"form": form, "service": service})


# Making and following referrals (council staff) ------------------------------------------------------


@access.require_perm(Perm.CREATE_REFERRALS)
def referral_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    user = _user(request)
    person = people_access.access_person(user, person_pk)
    organisations = access.partners_of(person.council).order_by("name")
    form = forms.ReferralForm(request.POST if request.method == "POST" else None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consent = {
            k: data[k]
            for k in ("given_by", "given_on", "method", "organisations", "shared_fields", "purpose", "expires_on")
        }
        try:
            referral = services.referral_create(
                acting_user=user,
                person=person,
                needs=data["needs"],
                preferences=data["preferences"],
                barriers=data["barriers"],
                availability=data["availability"],
                priority=data["priority"],
                consent=consent,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Referral made: it is waiting for triage")
            return redirect("referrals:referral-detail", pk=referral.pk)
    return render(request, "referrals/referral_form.html", {"form": form, "person": person})


@require_safe
@access.require_perm(
    any_of=(Perm.CREATE_REFERRALS, Perm.TRIAGE_REFERRALS, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)
)
def referral_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.can_any(
        (Perm.CREATE_REFERRALS, Perm.TRIAGE_REFERRALS, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)
    ):
        raise PermissionDenied
    referrals = selectors.listed(referral_access.referrals_visible_to(user), "referrals")
    page = _listed_page(request, user, referrals, "Referrals")
    return render(
        request,
        "referrals/referral_list.html",
        {
            "referrals": page.object_list,
            "rows": [ReferralRow(referral) for referral in page.object_list],
            "page": page,
            "caption": f"{_referrals(page.paginator.count)} of the young people you can see",
            "can_see_neet": user.can_any(people_access.PEOPLE_PERMS),
        },
    )


@require_safe
@access.require_perm(Perm.TRIAGE_REFERRALS)
def triage_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    queue = selectors.listed(referral_access.referrals_visible_to(user), "triage")
    page = _listed_page(request, user, queue, "Triage queue")
    caption = (
        f"{_referrals(page.paginator.count)} waiting for a decision: urgent first, then high priority, then normal;"
        " the longest waiting first within each"
    )
    return render(
        request,
        "referrals/triage_queue.html",
        {
            "queue": page.object_list,
            "rows": [ReferralRow(referral, today=timezone.localdate()) for referral in page.object_list],
            "page": page,
            "caption": caption,
        },
    )


_PRIORITIES, _STATUSES = dict(Referral.Priority.choices), dict(Referral.Status.choices)


@dataclass(frozen=True)
class ReferralRow(WritesItself):
    """A referral in a list (the referral list, the triage queue). Written as ``{{ row }}``: made here
    rather than by a template, as a page has fifty. Given ``today``, a referral past its triage date
    is marked overdue."""

    referral: Any
    today: datetime.date | None = None

    def __html__(self) -> SafeString:
        referral = self.referral
        overdue = self.today is not None and referral.triage_due < self.today
        return format_html(
            '<tr class="govuk-table__row"><td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a>'
            '<br><span class="govuk-body-s">{} priority</span></td><td class="govuk-table__cell">{}</td>'
            '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}{}</td></tr>',
            record_address("referrals:referral-detail", referral.pk),
            referral.person.display_name,
            _PRIORITIES.get(referral.priority, referral.priority),
            ", ".join(referral.need_labels),
            _STATUSES.get(referral.status, referral.status),
            mark_safe('<strong class="govuk-tag govuk-tag--red">Overdue</strong> ' if overdue else ""),  # noqa: S308 - fixed markup
            short_date(referral.triage_due, ""),
        )


def _listed_page(request: HttpRequest, user: User, referrals: Any, list_name: str) -> Page[Any]:
    """The page of ``referrals`` (``selectors.listed``) asked for, its viewing in the audit trail as
    every list of young people."""
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="referrals.Referral",
        summary=f"{list_name}, page {page.number}",
    )
    return page


def _referrals(count: int) -> str:
    return f"{count} referral{'' if count == 1 else 's'}"


@access.require_perm()
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = referral_access.access_referral(user, pk)
    audit_view(actor=user, council=referral.council, obj=referral)
    today = timezone.localdate()
    triage_form = None
    if user.can(Perm.TRIAGE_REFERRALS) and referral.status in ("awaiting_triage", "more_info"):
        routable = referral_access.services_to_triage_to(user, referral)
        suggested = selectors.suggested_services(routable, referral, today)
        triage_form = forms.TriageForm(
            request.POST if request.method == "POST" and "decision" in request.POST else None,
            services=routable.filter(pk__in=[s.pk for s in suggested]),
            ranked=suggested,
            needs=referral.needs,
            covered=organisations_covered(referral.consent, today),
            can_override=user.can(Perm.OVERRIDE_CONSENT),
            initial={"priority": referral.priority, "version": referral.version},
        )
        if request.method == "POST" and "decision" in request.POST and triage_form.is_valid():
            data = triage_form.cleaned_data
            try:
                services.referral_triage(
                    acting_user=user,
                    referral=referral,
                    decision=data["decision"],
                    services=list(data["services"]),
                    note=data["note"],
                    priority=data["priority"],
                    override_reason=data.get("override_reason", ""),
                    version=data["version"],
                )
            except ValidationError as error:
                apply_validation_error(triage_form, error)
            else:
                messages.success(request, "Triage decision recorded")
                if not user.is_council_staff:
                    # A partner's triager sees a referral only while it waits for triage.
                    return redirect("referrals:triage-queue")
                return redirect("referrals:referral-detail", pk=referral.pk)
    can_withdraw = user.can(Perm.CREATE_REFERRALS) and referral.consent.withdrawn_at is None
    withdraw_form = forms.WithdrawForm(
        request.POST if request.method == "POST" and "withdraw" in request.POST else None
    )
    if can_withdraw and request.method == "POST" and "withdraw" in request.POST and withdraw_form.is_valid():
        services.consent_withdraw(acting_user=user, referral=referral, reason=withdraw_form.cleaned_data["reason"])
        messages.success(
            request, "Consent withdrawn: nothing more is shared and partners can no longer see the referral"
        )
        return redirect("referrals:referral-detail", pk=referral.pk)
    confirm_form = forms.ConfirmStartForm(
        request.POST if request.method == "POST" and "confirm" in request.POST else None
    )
    if (
        request.method == "POST"
        and "confirm" in request.POST
        and people_access.can_change_person(user)
        and confirm_form.is_valid()
    ):
        send = referral.sends.filter(pk=request.POST.get("send") or 0).first()
        if send is not None:
            try:
                services.start_confirm(acting_user=user, send=send, activity=confirm_form.cleaned_data["activity"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "The start is now in the young person's EET history")
            return redirect("referrals:referral-detail", pk=referral.pk)
    sends = list(referral.sends.select_related("service__provider").order_by("created_at"))
    words = selectors.partner_list_words(referral, sends)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "consent": referral.consent,
            "shared": dict(SHARED_FIELDS),
            "sends": sends,
            "send_rows": [(send, words.get(send.pk)) for send in sends],
            "events": referral.events.select_related("actor", "send__service"),
            "triage_form": triage_form,
            "withdraw_form": withdraw_form if can_withdraw else None,
            "confirm_form": confirm_form,
            "can_confirm": people_access.can_change_person(user),
            "kind_activity": services.KIND_ACTIVITY,
            "overdue": referral.status in ("awaiting_triage", "more_info") and referral.triage_due < today,
        },
    )


# The partner's view ------------------------------------------------------------------------------------


@require_safe
@access.require_perm(Perm.RECEIVE_REFERRALS)
def received_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    sends = referral_access.sends_received_by(user).order_by("-created_at", "-pk")
    return render(request, "referrals/received_list.html", {"sends": sends})


@access.require_perm(Perm.RECEIVE_REFERRALS)
def received_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    send = referral_access.access_received_send(user, pk)
    referral = send.referral
    audit_view(actor=user, council=referral.council, obj=referral, summary=f"Viewed as {user.organisation.name}")
    allowed = sorted(services.TRANSITIONS.get(send.status, set()) - {Send.Status.WITHDRAWN})
    update_form = forms.SendUpdateForm(
        request.POST if request.method == "POST" and "to_status" in request.POST else None,
        allowed=allowed,
        initial={"version": send.version},
    )
    onward_services = referral_access.services_visible_to(user).exclude(pk=send.service_id).order_by("name")
    onward_form = forms.OnwardForm(
        request.POST if request.method == "POST" and "onward" in request.POST else None,
        services=onward_services,
        current=send,
        covered=organisations_covered(referral.consent),
        initial={"version": send.version},
    )
    if send.status not in services.ACTIVE:
        del onward_form.fields["current"]  # nothing to keep open or end
    if request.method == "POST" and "to_status" in request.POST and allowed and update_form.is_valid():
        data = update_form.cleaned_data
        try:
            services.send_update(
                acting_user=user,
                send=send,
                to_status=data["to_status"],
                version=data["version"],
                day=data["day"],
                reason=data["reason"],
            )
        except ValidationError as error:
            apply_validation_error(update_form, error)
        else:
            messages.success(request, "Recorded")
            return redirect("referrals:received-detail", pk=send.pk)
    note_form = forms.NoteForm(request.POST if request.method == "POST" and "progress_note" in request.POST else None)
    if request.method == "POST" and "progress_note" in request.POST and note_form.is_valid():
        services.send_note(acting_user=user, send=send, note=note_form.cleaned_data["note"])
        messages.success(request, "Progress note added")
        return redirect("referrals:received-detail", pk=send.pk)
    if request.method == "POST" and "onward" in request.POST and onward_form.is_valid():
        try:
            new = services.send_onward(
                acting_user=user,
                send=send,
                service=onward_form.cleaned_data["service"],
                version=onward_form.cleaned_data["version"],
                end_current=onward_form.cleaned_data.get("current") == "ended",
            )
        except ValidationError as error:
            apply_validation_error(onward_form, error)
        else:
            messages.success(request, f"Referred on to {new.service.name}")
            return redirect("referrals:received-list")
    shared = set(referral.consent.shared_fields)
    return render(
        request,
        "referrals/received_detail.html",
        {
            "send": send,
            "referral": referral,
            "person": referral.person,
            "shared": shared,
            "eet_history": referral_access.eet_history_shared_with(user, send),
            "update_form": update_form if allowed else None,
            "onward_form": onward_form,
            "note_form": note_form,
            "events": referral.events.filter(send__service__provider=user.organisation).select_related("actor"),
        },
    )


# Monitoring and feedback ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MonitoringRow:
    """One service's monitoring figures as the user sees them (text, exact or rounded and suppressed)."""

    service: Service
    referred: str
    accepted: str
    started: str
    sustained_3_months: str
    days_to_first_contact: str
    feedback: str


def _average_text(value: float | None, count: int, *, aggregate: bool, unit: str = "") -> str:
    """An average, suppressed (``c``) for aggregate viewers when it is made from 1 to 5 young people."""
    if value is None:
        return ""
    if aggregate and count <= display.SMALL_MAX:
        return display.SUPPRESSED
    return f"{value}{unit}"


def _monitoring_row(figures: selectors.ServiceFigures, *, aggregate: bool) -> MonitoringRow:
    def count(value: int) -> str:
        return display.count_text(value, aggregate=aggregate)

    if not figures.feedback_count:
        feedback = "None"
    elif aggregate and figures.feedback_count <= display.SMALL_MAX:
        feedback = display.SUPPRESSED
    else:
        feedback = f"{figures.average_rating} out of 5 ({count(figures.feedback_count)})"
    return MonitoringRow(
        service=figures.service,
        referred=count(figures.referred),
        accepted=count(figures.accepted),
        started=count(figures.started),
        sustained_3_months=count(figures.sustained_3_months),
        days_to_first_contact=_average_text(figures.days_to_first_contact, figures.contacted, aggregate=aggregate),
        feedback=feedback,
    )


@dataclass
class Monitoring:
    """Referral monitoring for a period, as one user may see it (page and download alike)."""

    aggregate: bool
    form: forms.MonitoringFilterForm
    start: datetime.date | None
    end: datetime.date | None
    figures: list[selectors.ServiceFigures]
    outcomes: selectors.Outcomes
    triage: selectors.Average
    with_referral: int
    neet_total: int
    feedback: Any
    voices: dict[int, registry.RatingSpread]
    """Young people's own ratings of each service (the registered sources, such as the portal), by service id."""

    def count(self, value: int) -> str:
        return display.count_text(value, aggregate=self.aggregate)

    def value(self, number: int) -> int | str:
        """A count for a download: the number itself, or the page's rounded text for aggregate viewers."""
        return self.count(number) if self.aggregate else number

    @property
    def period(self) -> str:
        if self.start and self.end:
            return f"Referrals made from {long_date(self.start)} to {long_date(self.end)}"
        if self.start:
            return f"Referrals made from {long_date(self.start)}"
        if self.end:
            return f"Referrals made up to {long_date(self.end)}"
        return "Every referral made"


def _monitoring(request: HttpRequest) -> Monitoring:
    """The figures behind referral monitoring for the period in ``?start=&end=`` (every referral if none,
    or if the dates are not right, when the form says why)."""
    user = _user(request)
    if not user.is_council_staff or not user.can_any((Perm.TRIAGE_REFERRALS, Perm.VIEW_AGGREGATES)):
        raise PermissionDenied
    aggregate = display.aggregates_only(user) and not user.can(Perm.TRIAGE_REFERRALS)
    form = forms.MonitoringFilterForm(request.GET if request.GET else None)
    period = form.cleaned_data if form.is_bound and form.is_valid() else {}
    start, end = period.get("start"), period.get("end")
    today = timezone.localdate()
    referrals = selectors.made_between(referral_access.referrals_counted_for(user), start, end)
    sends = referral_access.sends_counted_for(user).filter(referral__in=referrals)
    feedback = referral_access.feedback_counted_for(user)
    if start:
        feedback = feedback.filter(given_on__gte=start)
    if end:
        feedback = feedback.filter(given_on__lte=end)
    figures = selectors.monitoring(referral_access.services_visible_to(user), sends, today, feedback=feedback)
    voices = registry.service_voices(user, start, end)
    neet = neet_cohort(people_access.people_counted_for(user), today)
    with_referral, neet_total = selectors.neet_with_active_referral(neet, referral_access.referrals_counted_for(user))
    return Monitoring(
        aggregate=aggregate,
        form=form,
        start=start,
        end=end,
        figures=[f for f in figures if f.referred or f.feedback_count or f.service.pk in voices],
        outcomes=selectors.outcomes(referrals, sends),
        triage=selectors.days_to_triage(referrals),
        with_referral=with_referral,
        neet_total=neet_total,
        feedback=feedback,
        voices=voices,
    )


VOICE_COLUMNS = ["Responses", *reversed(registry.RATING_LABELS)]
"""Young people's own ratings of a service: how many, then how many gave each rating, best first."""


def _voice_values(spread: registry.RatingSpread, *, aggregate: bool) -> list[str]:
    """A service's spread of ratings as the user sees it: exact, or for aggregate viewers (councillors)
    rounded with 1 to 5 shown as ``c``, and every rating suppressed when the responses are 1 to 5."""
    numbers = [spread.total, *reversed(spread.counts)]
    if aggregate and 1 <= spread.total <= display.SMALL_MAX:
        return [display.SUPPRESSED] * len(numbers)
    return [display.count_text(n, aggregate=aggregate) for n in numbers]


def _voice_rows(found: Monitoring) -> list[tuple[Service, list[str]]]:
    return [
        (f.service, _voice_values(found.voices[f.service.pk], aggregate=found.aggregate))
        for f in found.figures
        if found.voices.get(f.service.pk, registry.EMPTY).total
    ]


@require_safe
@access.require_perm(any_of=people_access.MONITORING_PERMS, council_staff=True)
def monitoring(request: HttpRequest) -> HttpResponse:
    """For each service: referred, accepted, started, sustained; time to triage and first contact; feedback;
    referrals by outcome; all for the referrals made in a period.

    Those who work with the referrals themselves (triage) or may see the young people behind a
    figure (``Perm.VIEW_DRILLDOWN``) see exact figures and what young people said; everyone else
    (councillors, senior managers) sees counts rounded with small numbers suppressed, as the
    dashboard shows them (``performance.display``), and no young person's words.
    """
    found = _monitoring(request)
    aggregate = found.aggregate
    user: User = request.user  # type: ignore[assignment]
    council = access.own_council(user)
    today = timezone.localdate()
    neet_figure = Figure(
        code="neet_with_referral", method="", day=today, numerator=found.with_referral, denominator=found.neet_total
    )
    query = request.GET.urlencode() if found.form.is_bound and found.form.is_valid() else ""
    waiting, late = people_selectors.open_support_request_counts(people_access.people_counted_for(user), today)
    return render(
        request,
        "referrals/monitoring.html",
        {
            "form": found.form,
            "period": found.period,
            "query": query,
            "aggregate": aggregate,
            "rows": [_monitoring_row(f, aggregate=aggregate) for f in found.figures],
            "outcomes": [(label, found.count(n)) for label, n in found.outcomes.sent],
            "at_triage": [(label, found.count(n)) for label, n in found.outcomes.at_triage],
            "days_to_triage": _average_text(found.triage.value, found.triage.count, aggregate=aggregate, unit=" days"),
            "with_referral": found.count(found.with_referral),
            "neet_total": found.count(found.neet_total),
            "neet_percentage": display.percentage_text(neet_figure, aggregate=aggregate),
            "neet_population": NEET_POPULATION,
            "open_requests": found.count(waiting),
            "late_requests": found.count(late),
            "request_days": people_selectors.SUPPORT_REQUEST_DAYS,
            "can_list_requests": user.can_any((Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)),
            "feedback": [] if aggregate else list(found.feedback.select_related("service")[:50]),
            "impact_rows": _impact_rows(user, found, today),
            "impact_months": impact.IMPACT_MONTHS,
            "voice_columns": VOICE_COLUMNS,
            "voice_rows": _voice_rows(found),
            "partner_lists": [
                {
                    "organisation": listed.organisation,
                    "created_at": listed.created_at,
                    "on_roll": found.count(listed.on_roll),
                    "left": found.count(listed.left),
                    "unmatched": found.count(len(listed.unmatched)),
                }
                for listed in selectors.latest_partner_lists(council)
            ],
        },
    )


def _impact_rows(user: User, found: Monitoring, day: datetime.date) -> list[tuple[Service, Any, Any]]:
    """Each service's impact for the referrals of the period: (service, those who started, those referred
    who did not start), as the user sees them."""
    referrals = selectors.made_between(referral_access.referrals_counted_for(user), found.start, found.end)
    sends = referral_access.impact_sends_for(user).filter(referral__in=referrals)
    by_service = selectors.service_impact(sends, day)
    rows = []
    for figures in found.figures:
        groups = by_service.get(figures.service.pk)
        if groups:
            started, not_started = impact.shown(groups[:2], aggregate=found.aggregate)
            rows.append((figures.service, started, not_started))
    return rows


MONITORING_COLUMNS = ["From", "To", "Table", "Row", "Measure", "Value"]
SERVICE_COLUMNS = [
    "Service",
    "Provider",
    "Referred",
    "Accepted",
    "Started",
    "Sustained 3 months",
    "Days to first contact",
    "Feedback (number)",
    "Average rating (out of five)",
    *(f"Young people's own ratings: {column.lower()}" for column in VOICE_COLUMNS),
]


def _service_values(found: Monitoring, f: selectors.ServiceFigures) -> list[Any]:
    """One service's figures for a download, suppressed for aggregate viewers as on the page."""
    row = _monitoring_row(f, aggregate=found.aggregate)
    spread = found.voices.get(f.service.pk, registry.EMPTY)
    voices: list[Any] = [spread.total, *reversed(spread.counts)]
    if found.aggregate:
        voices = list(_voice_values(spread, aggregate=True))
    if found.aggregate:
        rating = (
            ""
            if not f.feedback_count
            else (display.SUPPRESSED if f.feedback_count <= display.SMALL_MAX else f.average_rating)
        )
        return [
            row.referred,
            row.accepted,
            row.started,
            row.sustained_3_months,
            row.days_to_first_contact,
            found.count(f.feedback_count),
            rating,
            *voices,
        ]
    return [
        f.referred,
        f.accepted,
        f.started,
        f.sustained_3_months,
        f.days_to_first_contact,
        f.feedback_count,
        f.average_rating,
        *voices,
    ]


@require_safe
@access.require_perm(any_of=people_access.MONITORING_PERMS, council_staff=True)
def monitoring_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """Referral monitoring for the period as CSV (one row a figure) or XLSX (a sheet a table); audited."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    found = _monitoring(request)
    user: User = request.user  # type: ignore[assignment]
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditEvent.Action.EXPORT,
            council=access.own_council(user),
            object_type="referrals.Referral",
            summary=f"Downloaded referral monitoring as {file_format.upper()} ({found.period})",
        )
    filename = f"referral-monitoring-{timezone.localtime():%Y-%m-%d-%H%M}.{file_format}"
    period = [found.start, found.end]
    impact_rows = [
        [service.name, group.label, group.people, *(p.eet_share for p in group.points)]
        for service, *groups in _impact_rows(user, found, timezone.localdate())
        for group in groups
    ]
    if file_format == "csv":
        rows: list[list[Any]] = []
        rows += [[*period, "At triage", label, "Referrals", found.value(n)] for label, n in found.outcomes.at_triage]
        rows += [[*period, "By outcome", label, "Referrals sent", found.value(n)] for label, n in found.outcomes.sent]
        for f in found.figures:
            name = f"{f.service.name}, {f.service.provider.name}"
            rows += [
                [*period, "By service", name, measure, value]
                for measure, value in zip(SERVICE_COLUMNS[2:], _service_values(found, f), strict=True)
            ]
        for name, label, people, *shares in impact_rows:
            rows.append([*period, "Impact", f"{name}: {label}", "Young people", people])
            rows += [
                [*period, "Impact", f"{name}: {label}", f"In EET {months} months on", share]
                for months, share in zip(impact.IMPACT_MONTHS, shares, strict=True)
            ]
        return exports.csv_response(filename, rows, header=MONITORING_COLUMNS)
    return exports.xlsx_response(
        filename,
        [
            exports.Sheet(
                "By outcome",
                [[label, found.value(n)] for label, n in found.outcomes.sent],
                header=["Outcome", "Referrals sent"],
            ),
            exports.Sheet(
                "At triage",
                [[label, found.value(n)] for label, n in found.outcomes.at_triage],
                header=["Status", "Referrals"],
            ),
            exports.Sheet(
                "By service",
                [[f.service.name, f.service.provider.name, *_service_values(found, f)] for f in found.figures],
                header=SERVICE_COLUMNS,
            ),
            exports.Sheet(
                "Impact",
                impact_rows,
                header=["Service", "Young people", "Number", *(f"In EET {m} months on" for m in impact.IMPACT_MONTHS)],
            ),
            exports.Sheet("Period", [[found.period, found.start, found.end]], header=["Period", "From", "To"]),
        ],
    )


@access.require_perm(Perm.CREATE_REFERRALS)
def feedback_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = referral_access.access_referral(user, pk)
    referred_to = referral_access.services_visible_to(user).filter(sends__referral=referral).distinct()
    form = forms.FeedbackForm(request.POST if request.method == "POST" else None, services=referred_to)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_record(acting_user=user, person=referral.person, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Feedback recorded")
            return redirect("referrals:referral-detail", pk=referral.pk)
    return render(request, "referrals/feedback_form.html", {"form": form, "referral": referral})


# Lists shared with partners ------------------------------------------------------------------------


@access.require_perm(Perm.RECEIVE_REFERRALS)
def partner_list(request: HttpRequest) -> HttpResponse:
    """The young people referred to the partner (consent covering it), to download; and their own list to match."""
    user = _user(request)
    sends = referral_access.sends_received_by(user).order_by("referral__person__legal_family_name")
    if request.GET.get("download") == "csv":
        from django.db import transaction

        from onward.audit.models import AuditEvent
        from onward.audit.services import audit_record

        rows = list(sends)
        # One audit entry for each council whose young people are in the list, in that council's trail.
        per_council: dict[int, tuple[Organisation, int]] = {}
        for send in rows:
            council, count = per_council.get(send.referral.council_id, (send.referral.council, 0))
            per_council[send.referral.council_id] = (council, count + 1)
        entries: list[tuple[Organisation | None, int]] = list(per_council.values()) or [(None, 0)]
        with transaction.atomic():
            for trail, count in entries:
                audit_record(
                    actor=user,
                    action=AuditEvent.Action.EXPORT,
                    council=trail,
                    object_type="referrals.Send",
                    summary=f"{user.organisation.name} downloaded its list of {count} young people",
                )
        return exports.csv_response(
            "young-people-referred.csv", selectors.partner_list_rows(rows), header=selectors.PARTNER_LIST_COLUMNS
        )
    councils = access.councils_for(user).filter(pk__in=sends.values("referral__council")).order_by("name")
    form = forms.PartnerListForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        councils=councils,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        try:
            result = services.partner_list_match(
                acting_user=user, name=upload.name, content=upload.read(), council=form.cleaned_data.get("council")
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if result.busy:
                return redirect("referrals:partner-list-run", pk=result.pk)
            return render(request, "referrals/partner_list_result.html", {"result": result, "page": None})
    return render(request, "referrals/partner_list.html", {"sends": sends, "form": form})


@require_safe
@access.require_perm(Perm.RECEIVE_REFERRALS)
def partner_list_run(request: HttpRequest, pk: int) -> HttpResponse:
    """A list being matched in the background: its progress and next step, then what it matched."""
    user = _user(request)
    result = referral_access.access_partner_list(user, pk)
    page = imports.run_page(
        result,
        retry_url=reverse("referrals:partner-list-retry", kwargs={"pk": result.pk}),
        discard_url=reverse("referrals:partner-list-discard", kwargs={"pk": result.pk}),
    )
    return render(request, "referrals/partner_list_result.html", {"result": result, "page": page})


@require_POST
@access.require_perm(Perm.RECEIVE_REFERRALS)
def partner_list_retry(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    result = referral_access.access_partner_list(user, pk)
    return import_views.retry(
        request, result, page="referrals:partner-list-run", again="The list is being matched again"
    )


@require_POST
@access.require_perm(Perm.RECEIVE_REFERRALS)
def partner_list_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    result = referral_access.access_partner_list(user, pk)
    return import_views.discard(
        request,
        result,
        page="referrals:partner-list-run",
        done="referrals:partner-list",
        discarded="List discarded: nothing was matched",
    )


# NEET without a referral ----------------------------------------------------------------------------


@require_safe
@access.require_perm(any_of=people_access.PEOPLE_PERMS)
def neet_without_referral(request: HttpRequest) -> HttpResponse:
    """The NEET care leavers the user can see (their caseload, their teams' or everyone's, through the
    people access policy) with no active referral, longest NEET first, with the days since they became NEET."""
    user = _user(request)
    day = timezone.localdate()
    scope = request.GET.get("scope") or people_selectors.default_scope(user)
    if scope not in people_selectors.SCOPES:
        scope = people_selectors.default_scope(user)
    rows = selectors.neet_without_referral(people_selectors.people_in_scope(user, scope), day)
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="people.YoungPerson",
        summary=f"NEET without a referral on {day:%d/%m/%Y} ({people_selectors.SCOPES[scope].lower()})",
    )
    return render(
        request,
        "referrals/neet_without_referral.html",
        {
            "rows": rows,
            "day": day,
            "scope": scope,
            "scopes": people_selectors.SCOPES,
            "population": NEET_POPULATION,
            "due_days": selectors.neet_referral_days(),
            "can_refer": user.can(Perm.CREATE_REFERRALS),
        },
    )


# Needs against provision (Leeds quality mark objective 9; Cambridgeshire 4.1, 4.3) --------------------


@dataclass(frozen=True)
class ShownProvision:
    row: selectors.ProvisionRow
    referrals: str
    waiting: str
    measured_wait: str


def _with_places_text(by_need: list[selectors.ProvisionRow], *, aggregate: bool) -> str:
    """The share of needs referred with a directory service with places (``selectors.needs_with_places``, as
    the indicator ``needs_referred_with_places`` counts it), rounded and suppressed for aggregates."""
    met, total = selectors.needs_with_places(by_need)
    if not total:
        return ""
    share = display.percentage_text(
        Figure("needs_referred_with_places", "live", timezone.localdate(), met, total), aggregate=aggregate
    )
    met_text, total_text = display.count_text(met, aggregate=aggregate), display.count_text(total, aggregate=aggregate)
    return f"{met_text} of {total_text} needs referred ({share}) had a directory service with places"


def _needs_provision(
    request: HttpRequest,
) -> tuple[forms.NeedsGapForm, list[ShownProvision], list[ShownProvision], bool]:
    """The report for the period in ``?start=&end=`` as the user sees it: exact for triage and those who
    see young people behind figures; counts rounded and small ones suppressed for councillors."""
    user = _user(request)
    form = forms.NeedsGapForm(request.GET or None)
    period = form.cleaned_data if form.is_bound and form.is_valid() else {}
    referrals = selectors.made_between(
        referral_access.referrals_counted_for(user), period.get("start"), period.get("end")
    )
    sends = referral_access.sends_counted_for(user).filter(referral__in=referrals)
    by_need, by_area = selectors.needs_against_provision(
        referrals, sends, referral_access.services_visible_to(user), timezone.localdate()
    )
    aggregate = display.aggregates_only(user) and not user.can(Perm.TRIAGE_REFERRALS)

    def shown(row: selectors.ProvisionRow) -> ShownProvision:
        return ShownProvision(
            row,
            display.count_text(row.referrals, aggregate=aggregate),
            display.count_text(row.waiting, aggregate=aggregate),
            _average_text(row.measured_wait, row.measured_from, aggregate=aggregate, unit=" days"),
        )

    return form, [shown(r) for r in by_need], [shown(r) for r in by_area], aggregate


@require_safe
@access.require_perm(any_of=people_access.MONITORING_PERMS, council_staff=True)
def needs_provision(request: HttpRequest) -> HttpResponse:
    """Referral needs against the directory's capacity and waits, by need and by area, with gaps flagged:
    a page a plan item can cite as evidence."""
    form, by_need, by_area, aggregate = _needs_provision(request)
    return render(
        request,
        "referrals/needs_provision.html",
        {
            "form": form,
            "by_need": by_need,
            "by_area": by_area,
            "aggregate": aggregate,
            "threshold": selectors.provision_wait_days(),
            "gaps": sum(1 for r in by_need if r.row.gaps),
            "with_places": _with_places_text([r.row for r in by_need], aggregate=aggregate),
            "people_link": _user(request).can_any((Perm.TRIAGE_REFERRALS, Perm.VIEW_DRILLDOWN)),
            "query": request.GET.urlencode() if form.is_bound and form.is_valid() else "",
        },
    )


@dataclass(frozen=True)
class NeedReferred:
    referral: Any
    label: str
    provided: bool


@require_safe
@access.require_perm(any_of=(Perm.TRIAGE_REFERRALS, Perm.VIEW_DRILLDOWN), council_staff=True)
def needs_provision_people(request: HttpRequest) -> HttpResponse:
    """The young people behind needs against provision and its indicator ``needs_referred_with_places``: each
    need on the referrals made in the period (``?start=&end=`` as on the report), marked with whether the
    directory has a service meeting it with places (``selectors.needs_provided``, from the report's own rows),
    listing only the referrals the user may see (``referral_access.referrals_visible_to``); audited."""
    user = _user(request)
    form, by_need, _by_area, _aggregate = _needs_provision(request)
    provided = selectors.needs_provided([shown.row for shown in by_need])
    labels = dict(NEEDS)
    rows: list[NeedReferred] = []
    if not form.is_bound or form.is_valid():
        period = form.cleaned_data if form.is_bound else {}
        referrals = selectors.made_between(
            referral_access.referrals_visible_to(user).filter(council=access.council_of(user)),
            period.get("start"),
            period.get("end"),
        ).order_by("-created_at", "-pk")
        for referral in referrals:
            for need in sorted(set(referral.needs or [])):
                if need in labels:
                    rows.append(NeedReferred(referral, labels[need], need in provided))
        audit_list(
            actor=user,
            council=access.council_of(user),
            object_type="referrals.Referral",
            summary="Needs referred against provision: the young people behind the figures",
        )
    return render(
        request,
        "referrals/needs_provision_people.html",
        {
            "form": form,
            "rows": rows,
            "met": sum(1 for row in rows if row.provided),
            "query": request.GET.urlencode() if form.is_bound and form.is_valid() else "",
        },
    )


PROVISION_COLUMNS = [
    "Area",
    "Need",
    "Referrals (by need) or sent here (by area)",
    "Waiting to start",
    "Directory services",
    "Directory places",
    "Directory services with places not recorded",
    "Directory: shortest typical wait (days)",
    "Average days from sending to starting",
    "Gaps",
]


@require_safe
@access.require_perm(any_of=people_access.MONITORING_PERMS, council_staff=True)
def needs_provision_export(request: HttpRequest) -> HttpResponse:
    """The report as CSV through the export guard, as the page shows it; audited."""
    _form, by_need, by_area, aggregate = _needs_provision(request)
    user = _user(request)
    audit_record(
        actor=user,
        action=AuditEvent.Action.EXPORT,
        council=access.council_of(user),
        summary="Exported needs against provision",
    )
    rows = [
        [
            s.row.area or "All areas",
            s.row.label,
            s.referrals if aggregate else s.row.referrals,
            s.waiting if aggregate else s.row.waiting,
            s.row.services,
            s.row.places,
            s.row.places_unknown,
            s.row.typical_wait,
            s.measured_wait if aggregate else s.row.measured_wait,
            "; ".join(s.row.gaps),
        ]
        for s in [*by_need, *by_area]
    ]
    return exports.csv_response("needs-against-provision.csv", rows, header=PROVISION_COLUMNS)
