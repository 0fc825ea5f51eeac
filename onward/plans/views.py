"""Pages for improvement plans, scrutiny recommendations, progress updates, measures and review rounds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.core.concurrency import VersionField
from onward.core.forms_errors import apply_validation_error
from onward.plans import access as plan_access
from onward.plans import forms, schemes, selectors, services
from onward.plans.models import Item, Measure, Meeting, Plan, Section


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


# Plans ------------------------------------------------------------------------------------------------


@require_safe
@access.require_perm(Perm.VIEW_PLANS)
def plan_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "plans/plan_list.html",
        {
            "rows": selectors.plan_list(plan_access.plans_visible_to(user)),
            "can_manage": user.can(Perm.MANAGE_PLANS),
        },
    )


@access.require_perm(Perm.MANAGE_PLANS)
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    council = access.own_council(user)
    plan = plan_access.access_plan(user, pk, for_change=True) if pk is not None else None
    initial: dict[str, Any] = {"rating_scheme": schemes.RAG, "review_cycle": Plan.ReviewCycle.QUARTERLY}
    fields = (
        "title",
        "kind",
        "owning_body",
        "owner",
        "link_officers",
        "aim",
        "period_start",
        "period_end",
        "agreed_on",
        "review_cycle",
        "rating_scheme",
        "custom_scheme",
        "parent",
        "parent_strategy",
        "version",
    )
    if plan is not None:
        initial = {name: getattr(plan, name) for name in fields}
    others = plan_access.plans_visible_to(user)
    form = forms.PlanForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        officers=plan_access.plan_officers(user),
        custom_schemes=plan_access.rating_schemes_visible_to(user),
        plans=others.exclude(pk=plan.pk) if plan is not None else others,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            saved = services.plan_save(acting_user=user, council=council, plan=plan, version=version, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{saved.title} saved")
            return redirect("plans:plan-detail", pk=saved.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@require_safe
@access.require_perm(Perm.VIEW_PLANS)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = plan_access.access_plan(user, pk)
    blocks = selectors.plan_structure(plan)
    rows = selectors.all_rows(blocks)
    open_round = plan.rounds.filter(closed_at__isnull=True).first()
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "scheme": plan.scheme(),
            "blocks": blocks,
            "summary": selectors.plan_summary(plan, rows),
            "open_round": open_round,
            "rounds": plan.rounds.all(),
            "meetings": plan.meetings.annotate(decision_count=Count("decisions")),
            "next_review": selectors.next_review_on(plan, timezone.localdate()),
            "can_manage": user.can(Perm.MANAGE_PLANS),
        },
    )


# Structure -----------------------------------------------------------------------------------------


@access.require_perm(Perm.MANAGE_PLANS)
def section_edit(request: HttpRequest, pk: int, section_pk: int | None = None) -> HttpResponse:
    user = _user(request)
    plan = plan_access.access_plan(user, pk, for_change=True)
    section = None
    if section_pk is not None:
        section = plan.sections.filter(pk=section_pk).first()
        if section is None:
            raise Http404
    themes = plan.sections.filter(parent__isnull=True, kind=Section.Kind.THEME)
    if section is not None:
        themes = themes.exclude(pk=section.pk)
    initial = (
        {
            n: getattr(section, n)
            for n in ("kind", "parent", "reference", "title", "aim", "criteria", "lead", "lead_name", "version")
        }
        if section
        else {"kind": Section.Kind.AREA}
    )
    form = forms.SectionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        themes=themes,
        officers=plan_access.plan_officers(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.section_save(acting_user=user, plan=plan, section=section, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Section saved")
            return redirect("plans:plan-detail", pk=plan.pk)
    return render(request, "plans/section_form.html", {"form": form, "plan": plan, "section": section})


@access.require_perm(Perm.MANAGE_PLANS)
def item_edit(request: HttpRequest, pk: int | None = None, plan_pk: int | None = None) -> HttpResponse:
    user = _user(request)
    item = plan_access.access_plan_item(user, pk, for_change=True) if pk is not None else None
    plan = item.plan if item is not None else plan_access.access_plan(user, plan_pk, for_change=True)
    initial: dict[str, Any] = {"kind": Item.Kind.ACTION}
    if item is not None:
        initial = {
            n: getattr(item, n)
            for n in (
                "section",
                "kind",
                "reference",
                "text",
                "agreed_action",
                "success_measure",
                "named_leads",
                "version",
            )
        }
        initial["leads"] = list(item.leads.all())
        for n, target in enumerate(item.target_dates.all()[: forms.TARGET_DATE_ROWS], start=1):
            initial[f"target_{n}"] = target.due_on
            initial[f"target_{n}_description"] = target.description
    elif request.GET.get("section"):
        initial["section"] = (
            plan.sections.filter(pk=request.GET["section"]).first() if request.GET["section"].isdigit() else None
        )
    form = forms.ItemForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        sections=plan.sections.all(),
        officers=plan_access.plan_officers(user),
    )
    if request.method == "POST" and form.is_valid():
        data = {
            n: form.cleaned_data[n]
            for n in ("section", "kind", "reference", "text", "agreed_action", "success_measure", "named_leads")
        }
        try:
            saved = services.item_save(
                acting_user=user,
                plan=plan,
                item=item,
                version=form.cleaned_data["version"],
                leads=list(form.cleaned_data["leads"]),
                target_dates=form.target_dates(),
                **data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{saved.reference} saved")
            return redirect("plans:item-detail", pk=saved.pk)
    return render(request, "plans/item_form.html", {"form": form, "plan": plan, "item": item})


@require_safe
@access.require_perm(Perm.VIEW_PLANS)
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = plan_access.access_plan_item(user, pk)
    scheme = item.plan.scheme()
    history = selectors.item_history(item)
    return render(
        request,
        "plans/item_detail.html",
        {
            "item": item,
            "plan": item.plan,
            "scheme": scheme,
            "history": [(update, scheme.get(update.rating)) for update in history],
            "leads": selectors.lead_names(item),
            "measures": selectors.measures_for(item, as_at=timezone.localdate()),
            "can_update": plan_access.can_update_item(user, item) and item.status == Item.Status.OPEN,
            "can_manage": user.can(Perm.MANAGE_PLANS),
        },
    )


@access.require_perm(Perm.MANAGE_PLANS)
def item_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = plan_access.access_plan_item(user, pk, for_change=True)
    form = forms.StatusForm(
        request.POST if request.method == "POST" else None, item=item, initial={"version": item.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_set_status(
                acting_user=user,
                item=item,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                superseded_by=form.cleaned_data.get("superseded_by"),
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, f"{item.reference} is now {dict(Item.Status.choices)[form.cleaned_data['status']].lower()}"
            )
            return redirect("plans:item-detail", pk=item.pk)
    return render(request, "plans/item_status.html", {"form": form, "item": item, "plan": item.plan})


# Progress updates ------------------------------------------------------------------------------------


@access.require_perm(Perm.VIEW_PLANS)
def update_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A lead records progress on an item they lead; a manager of plans on any item."""
    user = _user(request)
    item = plan_access.access_plan_item(user, pk)
    if not plan_access.can_update_item(user, item):
        raise PermissionDenied
    form = forms.UpdateForm(request.POST if request.method == "POST" else None, plan=item.plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_record(acting_user=user, item=item, **form.service_data())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Update on {item.reference} recorded")
            return redirect("plans:item-detail", pk=item.pk)
    open_round = item.plan.rounds.filter(closed_at__isnull=True).first()
    return render(
        request,
        "plans/update_form.html",
        {
            "form": form,
            "item": item,
            "plan": item.plan,
            "open_round": open_round,
            "latest": selectors.item_history(item)[:1],
        },
    )


@require_safe
@access.require_perm(Perm.UPDATE_PROGRESS)
def due_list(request: HttpRequest) -> HttpResponse:
    """Everything due from the signed-in lead in open review rounds."""
    user = _user(request)
    return render(request, "plans/due_list.html", {"due": selectors.due_from(user, plan_access.plans_visible_to(user))})


# Measures ---------------------------------------------------------------------------------------------


@access.require_perm(Perm.MANAGE_PLANS)
def measure_edit(request: HttpRequest, pk: int | None = None, item_pk: int | None = None) -> HttpResponse:
    user = _user(request)
    measure = None
    if pk is not None:
        measure = plan_access.access_plan_measure(user, pk, for_change=True)
        item = measure.item
    else:
        item = plan_access.access_plan_item(user, item_pk, for_change=True)
    initial: dict[str, Any] = {"unit": Measure.Unit.PERCENT, "higher_is_better": True}
    if measure is not None:
        initial = {
            n: getattr(measure, n)
            for n in ("name", "unit", "baseline", "baseline_on", "higher_is_better", "indicator_code", "version")
        }
    form = forms.MeasureForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.measure_save(acting_user=user, item=item, measure=measure, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{saved.name} saved")
            return redirect("plans:measure-detail", pk=saved.pk)
    return render(
        request, "plans/measure_form.html", {"form": form, "item": item, "plan": item.plan, "measure": measure}
    )


@access.require_perm(Perm.VIEW_PLANS)
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Target against actual, with the stepped targets; managers set targets, leads record figures."""
    user = _user(request)
    measure = plan_access.access_plan_measure(user, pk)
    item = measure.item
    can_manage = user.can(Perm.MANAGE_PLANS)
    can_record = plan_access.can_update_item(user, item) and not measure.indicator_code
    posted = request.method == "POST"
    target_form = forms.TargetForm(
        request.POST if posted and "target" in request.POST else None,
        initial={"kind": "absolute", "version": measure.version},
    )
    actual_form = forms.ActualForm(request.POST if posted and "actual" in request.POST else None)
    if posted and "target" in request.POST:
        if not can_manage:
            raise PermissionDenied
        if target_form.is_valid():
            try:
                services.measure_target_set(acting_user=user, measure=measure, **target_form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(target_form, error)
            else:
                messages.success(request, "Target saved")
                return redirect("plans:measure-detail", pk=measure.pk)
    if posted and "remove_target" in request.POST:
        if not can_manage:
            raise PermissionDenied
        target = measure.targets.filter(pk=request.POST.get("remove_target") or 0).first()
        if target is None:
            messages.error(request, "That target has already been removed")
        else:
            try:
                services.measure_target_remove(
                    acting_user=user, target=target, version=VersionField().clean(request.POST.get("version"))
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, "Target removed")
        return redirect("plans:measure-detail", pk=measure.pk)
    if posted and "actual" in request.POST:
        if not can_record:
            raise PermissionDenied
        if actual_form.is_valid():
            try:
                services.measure_actual_record(acting_user=user, measure=measure, **actual_form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(actual_form, error)
            else:
                messages.success(request, "Figure recorded")
                return redirect("plans:measure-detail", pk=measure.pk)
    status = selectors.measure_status(measure, council=item.plan.council, as_at=timezone.localdate())
    return render(
        request,
        "plans/measure_detail.html",
        {
            "measure": measure,
            "item": item,
            "plan": item.plan,
            "status": status,
            "target_form": target_form,
            "actual_form": actual_form,
            "can_manage": can_manage,
            "can_manage_targets": user.can(Perm.MANAGE_TARGETS),
            "can_record": can_record,
            "form": target_form if target_form.errors else actual_form,
        },
    )


# Review rounds ----------------------------------------------------------------------------------------


@access.require_perm(Perm.MANAGE_PLANS)
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = plan_access.access_plan(user, pk, for_change=True)
    form = forms.RoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            opened = services.round_open(acting_user=user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{opened.name} is open: leads can see what is due from them")
            return redirect("plans:round-detail", pk=opened.pk)
    return render(request, "plans/round_form.html", {"form": form, "plan": plan})


@require_safe
@access.require_perm(Perm.VIEW_PLANS)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An open round: who has not updated yet. A closed round: the snapshot kept when it closed."""
    user = _user(request)
    review_round = plan_access.access_review_round(user, pk)
    plan = review_round.plan
    context: dict[str, Any] = {
        "review_round": review_round,
        "plan": plan,
        "can_manage": user.can(Perm.MANAGE_PLANS),
    }
    if review_round.is_open:
        context["outstanding"] = selectors.not_updated(review_round)
        context["updated"] = review_round.updates.select_related("item", "author").order_by("item__order", "-dated")
    return render(request, "plans/round_detail.html", context)


@require_POST
@access.require_perm(Perm.MANAGE_PLANS)
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    review_round = plan_access.access_review_round(user, pk, for_change=True)
    try:
        services.round_close(acting_user=user, review_round=review_round)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{review_round.name} closed: its snapshot is kept below")
    return redirect("plans:round-detail", pk=review_round.pk)


# Rating schemes ---------------------------------------------------------------------------------------


@require_safe
@access.require_perm(any_of=(Perm.VIEW_PLANS, Perm.MANAGE_RATING_SCHEMES))
def scheme_list(request: HttpRequest) -> HttpResponse:
    """The built-in schemes and the council's own: for readers of plans and for who defines schemes."""
    user = _user(request)
    if not user.can_any((Perm.VIEW_PLANS, Perm.MANAGE_RATING_SCHEMES)):
        raise PermissionDenied
    return render(
        request,
        "plans/scheme_list.html",
        {
            "built_in": list(schemes.BUILT_IN.values()),
            "custom": [
                (s, s.as_scheme()) for s in plan_access.rating_schemes_visible_to(user).prefetch_related("ratings")
            ],
            "can_manage": user.can(Perm.MANAGE_RATING_SCHEMES),
        },
    )


@access.require_perm(Perm.MANAGE_RATING_SCHEMES)
def scheme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    scheme = plan_access.access_rating_scheme(user, pk, for_change=True) if pk is not None else None
    initial: dict[str, Any] = {}
    if scheme is not None:
        initial = {"name": scheme.name, "description": scheme.description, "version": scheme.version}
        for n, rating in enumerate(scheme.ratings.all()[: forms.RATING_ROWS], start=1):
            for part in ("key", "label", "description", "colour"):
                initial[f"rating_{n}_{part}"] = getattr(rating, part)
    form = forms.RatingSchemeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_scheme_save(
                acting_user=user,
                council=access.own_council(user),
                scheme=scheme,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                ratings=form.ratings(),
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Rating scheme saved")
            return redirect("plans:scheme-list")
    return render(request, "plans/scheme_form.html", {"form": form, "scheme": scheme})


# Board meetings ---------------------------------------------------------------------------------------

MEETING_FIELDS = ("held_on", "theme", "attendance", "apologies", "agenda", "discussion")


def _meeting(plan: Plan, meeting_pk: int) -> Meeting:
    """A meeting of ``plan`` (already fetched through ``access``); another plan's is not found."""
    meeting = plan.meetings.filter(pk=meeting_pk).select_related("recorded_by").first()
    if meeting is None:
        raise Http404
    return meeting


@access.require_perm(Perm.MANAGE_PLANS)
def meeting_edit(request: HttpRequest, pk: int, meeting_pk: int | None = None) -> HttpResponse:
    """Record a meeting of the plan's board, or change one."""
    user = _user(request)
    plan = plan_access.access_plan(user, pk, for_change=True)
    meeting = _meeting(plan, meeting_pk) if meeting_pk is not None else None
    initial: dict[str, Any] = {}
    if meeting is not None:
        initial = {n: getattr(meeting, n) for n in (*MEETING_FIELDS, "version")}
        initial["items_discussed"] = list(meeting.items_discussed.all())
    form = forms.MeetingForm(
        request.POST if request.method == "POST" else None, initial=initial, items=plan.items.order_by("order", "id")
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.meeting_save(
                acting_user=user,
                plan=plan,
                meeting=meeting,
                version=form.cleaned_data["version"],
                items_discussed=list(form.cleaned_data["items_discussed"]),
                **{n: form.cleaned_data[n] for n in MEETING_FIELDS},
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Meeting saved")
            return redirect("plans:meeting-detail", pk=plan.pk, meeting_pk=saved.pk)
    return render(request, "plans/meeting_form.html", {"form": form, "plan": plan, "meeting": meeting})


@require_safe
@access.require_perm(Perm.VIEW_PLANS)
def meeting_detail(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """A meeting: attendance, agenda, the items discussed and its decisions with what they did to the plan."""
    user = _user(request)
    plan = plan_access.access_plan(user, pk)
    meeting = _meeting(plan, meeting_pk)
    return render(
        request,
        "plans/meeting_detail.html",
        {
            "plan": plan,
            "meeting": meeting,
            "items_discussed": meeting.items_discussed.order_by("order", "id"),
            "decisions": meeting.decisions.select_related("item", "recorded_by"),
            "can_manage": user.can(Perm.MANAGE_PLANS),
            "held": meeting.held_on <= timezone.localdate(),
        },
    )


@access.require_perm(Perm.MANAGE_PLANS)
def decision_create(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """Record a decision of a meeting: it adds an action, updates an item, or is noted."""
    user = _user(request)
    plan = plan_access.access_plan(user, pk, for_change=True)
    meeting = _meeting(plan, meeting_pk)
    form = forms.DecisionForm(
        request.POST if request.method == "POST" else None,
        items=plan.items.filter(status=Item.Status.OPEN).order_by("order", "id"),
        sections=plan.sections.all(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_record(
                acting_user=user,
                meeting=meeting,
                kind=data["kind"],
                text=data["text"],
                item=data.get("item"),
                new_item={"reference": data["reference"], "text": data["item_text"], "section": data.get("section")},
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Decision recorded")
            return redirect("plans:meeting-detail", pk=plan.pk, meeting_pk=meeting.pk)
    return render(request, "plans/decision_form.html", {"form": form, "plan": plan, "meeting": meeting})
