"""Pages for employers, opportunities and the path to sustained work."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from onward.accounts import access
from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.audit.services import audit_list, audit_view
from onward.core.concurrency import VersionField
from onward.core.forms_errors import apply_validation_error
from onward.opportunities import access as opportunity_access
from onward.opportunities import forms, selectors, services
from onward.opportunities.models import SustainmentCheck
from onward.people import access as people_access
from onward.performance import impact


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.can_any(opportunity_access.EMPLOYMENT_PERMS) or access.council_of(user) is None:
        raise PermissionDenied
    return user


# Employers ------------------------------------------------------------------------------------------


@require_safe
@access.require_perm(any_of=opportunity_access.EMPLOYMENT_PERMS, council_staff=True)
def employer_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    employers = opportunity_access.employers_visible_to(user).prefetch_related("opportunities")
    return render(
        request,
        "opportunities/employer_list.html",
        {"employers": employers, "can_manage": user.can(Perm.MANAGE_EMPLOYERS)},
    )


@access.require_perm(any_of=opportunity_access.EMPLOYMENT_PERMS, council_staff=True)
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    employer = opportunity_access.access_employer(user, pk)
    engagement_form = forms.EngagementForm(
        request.POST if request.method == "POST" and "engagement" in request.POST else None
    )
    if (
        request.method == "POST"
        and "engagement" in request.POST
        and user.can(Perm.MANAGE_EMPLOYERS)
        and engagement_form.is_valid()
    ):
        try:
            services.engagement_record(acting_user=user, employer=employer, **engagement_form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(engagement_form, error)
        else:
            messages.success(request, "Engagement recorded")
            return redirect("opportunities:employer-detail", pk=employer.pk)
    contact_form = forms.EmployerContactForm(
        request.POST if request.method == "POST" and "contact" in request.POST else None
    )
    if (
        request.method == "POST"
        and "contact" in request.POST
        and user.can(Perm.MANAGE_EMPLOYERS)
        and contact_form.is_valid()
    ):
        data = contact_form.cleaned_data
        try:
            services.employer_contact_add(
                acting_user=user,
                employer=employer,
                name=data["contact_name"],
                role=data["contact_role"],
                email=data["contact_email"],
                phone=data["contact_phone"],
            )
        except ValidationError as error:
            apply_validation_error(contact_form, error)
        else:
            messages.success(request, "Contact added")
            return redirect("opportunities:employer-detail", pk=employer.pk)
    return render(
        request,
        "opportunities/employer_detail.html",
        {
            "employer": employer,
            "engagement_form": engagement_form,
            "contact_form": contact_form,
            "can_manage": user.can(Perm.MANAGE_EMPLOYERS),
            "opportunities": employer.opportunities.all(),
        },
    )


@access.require_perm(Perm.MANAGE_EMPLOYERS)
def employer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    employer = opportunity_access.access_employer(user, pk, for_change=True) if pk is not None else None
    initial: dict[str, Any] = {"status": "prospect"}
    if employer is not None:
        initial = {
            f: getattr(employer, f) for f in ("name", "sector", "location", "status", "is_council", "notes", "version")
        }
    form = forms.EmployerForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            saved = services.employer_save(
                acting_user=user, council=access.own_council(user), employer=employer, version=version, **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{saved.name} saved")
            return redirect("opportunities:employer-detail", pk=saved.pk)
    return render(request, "opportunities/employer_form.html", {"form": form, "employer": employer})


# Opportunities --------------------------------------------------------------------------------------


@require_safe
@access.require_perm(any_of=opportunity_access.EMPLOYMENT_PERMS, council_staff=True)
def opportunity_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = forms.OpportunityFilterForm(request.GET or None, initial={"open_only": True})
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {"open_only": True}
    opportunities = opportunity_access.opportunities_visible_to(user)
    if filters.get("open_only"):
        opportunities = selectors.open_opportunities(opportunities, timezone.localdate())
    if filters.get("kind"):
        opportunities = opportunities.filter(kind=filters["kind"])
    for word in str(filters.get("q") or "").split():
        opportunities = opportunities.filter(title__icontains=word) | opportunities.filter(
            employer__name__icontains=word
        )
    return render(
        request,
        "opportunities/opportunity_list.html",
        {
            "form": form,
            "opportunities": opportunities.order_by("closing_on", "title"),
            "can_manage": user.can(Perm.MANAGE_OPPORTUNITIES),
        },
    )


@access.require_perm(any_of=opportunity_access.EMPLOYMENT_PERMS, council_staff=True)
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    opportunity = opportunity_access.access_opportunity(user, pk)
    today = timezone.localdate()
    people = people_access.people_visible_to(user).order_by("legal_family_name", "legal_given_name")
    form = forms.PutForwardForm(
        request.POST if request.method == "POST" else None,
        people=people,
        initial={"person": request.GET.get("person"), "consent_given_on": today},
    )
    if request.method == "POST":
        if not user.can(Perm.PUT_FORWARD):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = services.put_forward(
                    acting_user=user,
                    opportunity=opportunity,
                    person=data["person"],
                    consent_given=data["consent_given"],
                    consent_given_on=data["consent_given_on"],
                    consent_method=data["consent_method"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"{application.person.display_name} put forward")
                return redirect("opportunities:application-detail", pk=application.pk)
    suggestions = selectors.suggested_people(opportunity, people, today) if user.can(Perm.PUT_FORWARD) else []
    applications = opportunity_access.applications_visible_to(user).filter(opportunity=opportunity)
    impact_form = forms.ImpactForm(
        request.GET if any(key.startswith(("as_at_", "before_")) for key in request.GET) else None
    )
    chosen = impact_form.cleaned_data if impact_form.is_bound and impact_form.is_valid() else {}
    as_at = chosen.get("as_at") or today
    groups = selectors.programme_impact(applications, as_at, before=chosen.get("before")).get(opportunity.pk, [])
    # Counted from the applications the user already sees one by one on this page, so shown exactly.
    aggregate = False
    return render(
        request,
        "opportunities/opportunity_detail.html",
        {
            "impact_form": impact_form,
            "impact": impact.shown(groups, aggregate=aggregate),
            "impact_months": impact.IMPACT_MONTHS,
            "impact_aggregate": aggregate,
            "impact_as_at": as_at,
            "opportunity": opportunity,
            "form": form,
            "suggestions": suggestions,
            "applications": applications,
            "can_put_forward": user.can(Perm.PUT_FORWARD),
            "can_manage": user.can(Perm.MANAGE_OPPORTUNITIES),
        },
    )


@access.require_perm(Perm.MANAGE_OPPORTUNITIES)
def opportunity_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    opportunity = opportunity_access.access_opportunity(user, pk, for_change=True) if pk is not None else None
    fields = (
        "title",
        "employer",
        "kind",
        "description",
        "location",
        "starts_on",
        "ends_on",
        "closing_on",
        "places",
        "min_age",
        "max_age",
        "care_experienced_only",
        "guaranteed_interview",
        "service_area",
        "version",
    )
    initial = (
        {f: getattr(opportunity, f) for f in fields}
        if opportunity
        else {"places": 1, "min_age": 16, "max_age": 25, "employer": request.GET.get("employer")}
    )
    form = forms.OpportunityForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        employers=opportunity_access.employers_visible_to(user),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            saved = services.opportunity_save(
                acting_user=user, council=access.own_council(user), opportunity=opportunity, version=version, **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{saved.title} saved")
            return redirect("opportunities:opportunity-detail", pk=saved.pk)
    return render(request, "opportunities/opportunity_form.html", {"form": form, "opportunity": opportunity})


@require_safe
@access.require_perm(any_of=opportunity_access.EMPLOYMENT_PERMS, council_staff=True)
def for_person(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Opportunities suggested for one young person."""
    user = _user(request)
    person = people_access.access_person(user, person_pk)
    suggestions = selectors.suggested_opportunities(
        person, opportunity_access.opportunities_visible_to(user), timezone.localdate()
    )
    return render(
        request,
        "opportunities/for_person.html",
        {
            "person": person,
            "suggestions": suggestions,
            "applications": opportunity_access.applications_visible_to(user).filter(person=person),
        },
    )


# Applications ---------------------------------------------------------------------------------------


@access.require_perm(any_of=opportunity_access.EMPLOYMENT_PERMS, council_staff=True)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = opportunity_access.access_application(user, pk)
    audit_view(
        actor=user,
        council=application.opportunity.council,
        obj=application.person,
        summary=f"Viewed their application for {application.opportunity.title}",
    )
    allowed = sorted(services.TRANSITIONS.get(application.status, set()))
    post = request.POST if request.method == "POST" else None
    update_form = forms.ApplicationUpdateForm(
        post if post and "to_status" in post else None, allowed=allowed, initial={"version": application.version}
    )
    support_form = forms.SupportForm(
        post if post and "support" in post else None, initial={"given_on": timezone.localdate()}
    )
    check_form = forms.CheckForm(
        post if post and "check" in post else None, initial={"checked_on": timezone.localdate()}
    )
    if post is not None:
        try:
            if "to_status" in post and update_form.is_valid():
                data = update_form.cleaned_data
                services.application_update(
                    acting_user=user,
                    application=application,
                    to_status=data["to_status"],
                    version=data["version"],
                    day=data["day"],
                    reason=data["reason"],
                )
                messages.success(request, "Recorded")
                return redirect("opportunities:application-detail", pk=application.pk)
            if "support" in post and support_form.is_valid():
                services.support_record(acting_user=user, application=application, **support_form.cleaned_data)
                messages.success(request, "Support recorded")
                return redirect("opportunities:application-detail", pk=application.pk)
            if "check" in post and check_form.is_valid():
                check = SustainmentCheck.objects.filter(application=application, pk=post.get("check_id") or 0).first()
                if check is not None:
                    services.check_record(
                        acting_user=user,
                        check=check,
                        version=VersionField().clean(post.get("version")),
                        **check_form.cleaned_data,
                    )
                    messages.success(request, "Check recorded")
                    return redirect("opportunities:application-detail", pk=application.pk)
            if "withdraw_consent" in post:
                services.consent_withdraw(acting_user=user, application=application)
                messages.success(request, "Consent withdrawn: the employer can no longer see this application")
                return redirect("opportunities:application-detail", pk=application.pk)
        except ValidationError as error:
            target = update_form if "to_status" in post else support_form if "support" in post else check_form
            apply_validation_error(target, error)
    return render(
        request,
        "opportunities/application_detail.html",
        {
            "application": application,
            "update_form": update_form if allowed else None,
            "support_form": support_form,
            "check_form": check_form,
            "checks": application.checks.all(),
            "support": application.support.all(),
            "events": application.events.select_related("actor"),
            "today": timezone.localdate(),
        },
    )


@require_safe
@access.require_perm(Perm.RECEIVE_REFERRALS)
def candidates(request: HttpRequest) -> HttpResponse:
    """An employer's own users: the young people put forward to it, while their consent stands."""
    user: User = request.user  # type: ignore[assignment]
    if not user.can(Perm.RECEIVE_REFERRALS) or user.organisation.kind != Organisation.Kind.EMPLOYER:
        raise PermissionDenied
    return render(
        request, "opportunities/candidates.html", {"applications": opportunity_access.applications_for_employer(user)}
    )


# Counts and workforce -------------------------------------------------------------------------------


@access.require_perm(any_of=opportunity_access.EMPLOYMENT_PERMS, council_staff=True)
def counts(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    default_start = datetime.date(today.year - 1 if today.month < 4 else today.year, 4, 1)
    form = forms.PeriodForm(request.GET or None, initial={"start": default_start, "end": today})
    start, end = default_start, today
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    figures = selectors.counts(council=access.own_council(user), start=start, end=end)
    return render(request, "opportunities/counts.html", {"form": form, "figures": figures, "start": start, "end": end})


@require_safe
@access.require_perm(any_of=opportunity_access.EMPLOYMENT_PERMS, council_staff=True)
def training(request: HttpRequest) -> HttpResponse:
    """Training records moved to the supporters app, for any course and any attendee (docs/supporters.md)."""
    _user(request)
    return redirect("supporters:training")


@require_safe
@access.require_perm(Perm.MANAGE_OPPORTUNITIES)
def checks(request: HttpRequest) -> HttpResponse:
    """Sustainment checks to do: overdue, due today, and coming up in the next four weeks."""
    user: User = request.user  # type: ignore[assignment]
    day = timezone.localdate()
    found = selectors.checks_list(opportunity_access.applications_visible_to(user), day)
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="opportunities.SustainmentCheck",
        summary=f"Sustainment checks due on {day:%d/%m/%Y}",
    )
    return render(
        request,
        "opportunities/checks.html",
        {
            "overdue": found.overdue,
            "due_today": found.due_today,
            "coming": found.coming,
            "day": day,
            "ahead": selectors.COMING_UP_DAYS,
        },
    )
