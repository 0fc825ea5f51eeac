"""Pages for a plan's structure (ADR 35): its links to other plans, quality-mark criteria, budgets and spend,
its board's membership and terms of reference, and the schedule of reports to committees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.core.forms_errors import apply_validation_error
from onward.plans import access as plan_access
from onward.plans import selectors, services
from onward.plans import structure_forms as forms
from onward.plans.models import Measure, Plan


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _form_page(
    request: HttpRequest,
    form: django_forms.Form,
    save: Callable[[dict[str, Any]], object],
    *,
    done: str,
    then: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Show ``form``; on a valid POST call ``save`` with its data, then say ``done`` and go to ``then``.

    A service's refusal is shown on the form and changes nothing.
    """
    if request.method == "POST" and form.is_valid():
        try:
            save(dict(form.cleaned_data))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, done)
            return redirect(then)
    return render(request, "plans/structure_form.html", {"form": form, **context})


def _structure_url(plan: Plan, anchor: str) -> str:
    return reverse("plans:structure", kwargs={"pk": plan.pk}) + f"#{anchor}"


@require_safe
@access.require_perm(Perm.VIEW_PLANS)
def structure(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan's structure: the plans it sits inside and contains, its quality-mark criteria, the leads of its
    objectives, budgets and spend, its board and terms of reference, and when which report is due where."""
    user = _user(request)
    plan = plan_access.access_plan(user, pk)
    today = timezone.localdate()
    criteria = selectors.criteria_of(plan)
    schedules = selectors.schedules_of(plan)
    return render(
        request,
        "plans/structure.html",
        {
            "plan": plan,
            "links": selectors.plan_links(plan),
            "criteria": criteria,
            "criteria_counts": selectors.criteria_counts(criteria),
            "sections": plan.sections.select_related("lead").order_by("order", "id"),
            "budgets": selectors.budget_rows(plan),
            "board": selectors.board_of(plan, today),
            "schedules": [(s, selectors.schedule_state(s, today)) for s in schedules],
            "can_manage": user.can(Perm.MANAGE_PLANS),
        },
    )


# Quality-mark criteria ------------------------------------------------------------------------------


@access.require_perm(Perm.MANAGE_PLANS)
def criterion_edit(request: HttpRequest, pk: int | None = None, plan_pk: int | None = None) -> HttpResponse:
    user = _user(request)
    criterion = plan_access.access_criterion(user, pk, for_change=True) if pk is not None else None
    plan = criterion.plan if criterion is not None else plan_access.access_plan(user, plan_pk, for_change=True)
    initial: dict[str, Any] = {}
    if criterion is not None:
        names = ("section", "reference", "text", "evidence", "evidence_documents", "version")
        initial = {n: getattr(criterion, n) for n in names}
        initial["evidence_items"] = list(criterion.evidence_items.all())
        initial["evidence_measures"] = list(criterion.evidence_measures.all())
    form = forms.CriterionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        sections=plan.sections.order_by("order", "id"),
        items=plan.items.order_by("order", "id"),
        measures=Measure.objects.filter(item__plan=plan).select_related("item").order_by("item__order", "order", "id"),
    )

    def save(data: dict[str, Any]) -> object:
        data["evidence_items"] = list(data["evidence_items"])
        data["evidence_measures"] = list(data["evidence_measures"])
        return services.criterion_save(acting_user=user, plan=plan, criterion=criterion, **data)

    return _form_page(
        request,
        form,
        save,
        done="Criterion saved",
        then=_structure_url(plan, "criteria"),
        context={
            "plan": plan,
            "heading": "Change the criterion" if criterion else "Add a quality mark criterion",
            "button": "Save criterion",
        },
    )


@require_safe
@access.require_perm(Perm.VIEW_PLANS)
def criterion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A criterion: its status, evidence and the dated history of its status."""
    user = _user(request)
    criterion = plan_access.access_criterion(user, pk)
    return render(
        request,
        "plans/criterion_detail.html",
        {
            "plan": criterion.plan,
            "criterion": criterion,
            "items": criterion.evidence_items.order_by("order", "id"),
            "measures": criterion.evidence_measures.select_related("item").order_by("order", "id"),
            "history": criterion.status_changes.select_related("recorded_by"),
            "can_manage": user.can(Perm.MANAGE_PLANS),
        },
    )


@access.require_perm(Perm.MANAGE_PLANS)
def criterion_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a criterion to a new status on a date; the change joins its history."""
    user = _user(request)
    criterion = plan_access.access_criterion(user, pk, for_change=True)
    form = forms.CriterionStatusForm(
        request.POST if request.method == "POST" else None,
        initial={"version": criterion.version, "changed_on": timezone.localdate()},
    )

    def save(data: dict[str, Any]) -> object:
        return services.criterion_set_status(acting_user=user, criterion=criterion, **data)

    return _form_page(
        request,
        form,
        save,
        done="Status changed",
        then=reverse("plans:criterion-detail", kwargs={"pk": criterion.pk}),
        context={
            "plan": criterion.plan,
            "heading": "Change the status",
            "lede": f"{criterion.text} is {criterion.get_status_display().lower()}.",
            "button": "Save status",
        },
    )


# Budgets and spend -----------------------------------------------------------------------------------


@access.require_perm(Perm.MANAGE_PLANS)
def budget_edit(request: HttpRequest, pk: int | None = None, plan_pk: int | None = None) -> HttpResponse:
    user = _user(request)
    budget = plan_access.access_budget(user, pk, for_change=True) if pk is not None else None
    plan = budget.plan if budget is not None else plan_access.access_plan(user, plan_pk, for_change=True)
    initial: dict[str, Any] = {}
    if budget is not None:
        initial = {
            "name": budget.name,
            "section": budget.section,
            "amount_pence": f"{budget.amount_pence / 100:.2f}",
            "version": budget.version,
        }
    form = forms.BudgetForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        sections=plan.sections.order_by("order", "id"),
    )

    def save(data: dict[str, Any]) -> object:
        return services.budget_save(acting_user=user, plan=plan, budget=budget, **data)

    return _form_page(
        request,
        form,
        save,
        done="Budget saved",
        then=_structure_url(plan, "budgets"),
        context={"plan": plan, "heading": "Change the budget" if budget else "Add a budget", "button": "Save budget"},
    )


@require_safe
@access.require_perm(Perm.VIEW_PLANS)
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A budget: its amount, what has been spent (each entry, dated) and what remains, overspend flagged."""
    user = _user(request)
    budget = plan_access.access_budget(user, pk)
    row = next(r for r in selectors.budget_rows(budget.plan) if r.budget.pk == budget.pk)
    return render(
        request,
        "plans/budget_detail.html",
        {
            "plan": budget.plan,
            "row": row,
            "budget": budget,
            "spends": [
                (spend, selectors.pounds(spend.amount_pence)) for spend in budget.spends.select_related("recorded_by")
            ],
            "can_manage": user.can(Perm.MANAGE_PLANS),
        },
    )


@access.require_perm(Perm.MANAGE_PLANS)
def spend_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    budget = plan_access.access_budget(user, pk, for_change=True)
    form = forms.SpendForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> object:
        return services.spend_record(acting_user=user, budget=budget, **data)

    return _form_page(
        request,
        form,
        save,
        done="Spend recorded",
        then=reverse("plans:budget-detail", kwargs={"pk": budget.pk}),
        context={"plan": budget.plan, "heading": f"Record spend from {budget.name}", "button": "Record spend"},
    )


# The board ------------------------------------------------------------------------------------------


@access.require_perm(Perm.MANAGE_PLANS)
def board_member_edit(request: HttpRequest, pk: int | None = None, plan_pk: int | None = None) -> HttpResponse:
    user = _user(request)
    member = plan_access.access_board_member(user, pk, for_change=True) if pk is not None else None
    plan = member.plan if member is not None else plan_access.access_plan(user, plan_pk, for_change=True)
    names = ("name", "role", "organisation", "from_on", "to_on", "version")
    initial = {n: getattr(member, n) for n in names} if member is not None else {}
    form = forms.BoardMemberForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(data: dict[str, Any]) -> object:
        return services.board_member_save(acting_user=user, plan=plan, member=member, **data)

    return _form_page(
        request,
        form,
        save,
        done="Board member saved",
        then=_structure_url(plan, "board"),
        context={
            "plan": plan,
            "heading": f"Change {member.name}" if member else f"Add a member of {plan.owning_body}",
            "button": "Save member",
        },
    )


@access.require_perm(Perm.MANAGE_PLANS)
def terms_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of the board's terms of reference (starting from the current text)."""
    user = _user(request)
    plan = plan_access.access_plan(user, pk, for_change=True)
    current = plan.terms_of_reference.order_by("-agreed_on", "-id").first()
    form = forms.TermsOfReferenceForm(
        request.POST if request.method == "POST" else None, initial={"text": current.text if current else ""}
    )

    def save(data: dict[str, Any]) -> object:
        return services.terms_of_reference_record(acting_user=user, plan=plan, **data)

    return _form_page(
        request,
        form,
        save,
        done="Terms of reference saved",
        then=_structure_url(plan, "board"),
        context={
            "plan": plan,
            "heading": f"New terms of reference of {plan.owning_body}",
            "lede": "Earlier versions are kept.",
            "button": "Save terms of reference",
        },
    )


# The report schedule ---------------------------------------------------------------------------------


@access.require_perm(Perm.MANAGE_PLANS)
def schedule_edit(request: HttpRequest, pk: int | None = None, plan_pk: int | None = None) -> HttpResponse:
    user = _user(request)
    schedule = plan_access.access_report_schedule(user, pk, for_change=True) if pk is not None else None
    plan = schedule.plan if schedule is not None else plan_access.access_plan(user, plan_pk, for_change=True)
    names = ("document", "committee", "frequency", "next_due_on", "owner", "remind_days", "version")
    initial: dict[str, Any] = (
        {n: getattr(schedule, n) for n in names}
        if schedule is not None
        else {"committee": plan.owning_body, "owner": plan.owner, "remind_days": 14}
    )
    form = forms.ReportScheduleForm(
        request.POST if request.method == "POST" else None, initial=initial, officers=plan_access.plan_officers(user)
    )

    def save(data: dict[str, Any]) -> object:
        return services.report_schedule_save(acting_user=user, plan=plan, schedule=schedule, **data)

    return _form_page(
        request,
        form,
        save,
        done="Report schedule saved",
        then=_structure_url(plan, "schedule"),
        context={
            "plan": plan,
            "heading": "Change the report schedule" if schedule else "Schedule a report to a committee",
            "button": "Save schedule",
        },
    )


@access.require_perm(Perm.MANAGE_PLANS)
def schedule_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the report due next has gone to its committee; the next due date moves on."""
    user = _user(request)
    schedule = plan_access.access_report_schedule(user, pk, for_change=True)
    form = forms.ReportSentForm(
        request.POST if request.method == "POST" else None,
        initial={"sent_on": timezone.localdate(), "version": schedule.version},
    )

    def save(data: dict[str, Any]) -> object:
        return services.report_sent_record(acting_user=user, schedule=schedule, **data)

    due = f"{schedule.next_due_on:%-d %B %Y}" if schedule.next_due_on else "not due again"
    return _form_page(
        request,
        form,
        save,
        done="Report recorded as sent",
        then=_structure_url(schedule.plan, "schedule"),
        context={
            "plan": schedule.plan,
            "heading": f"Record the {schedule.get_document_display().lower()} as sent",
            "lede": f"To {schedule.committee}, due {due}.",
            "button": "Record as sent",
        },
    )
