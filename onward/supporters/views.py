"""Pages for mentors and the people around each young person.

Records are read through ``onward.supporters.access`` (imported as ``policy``) and young people
through ``onward.accounts.access``; missing and not yours are both 404. Viewing a young person's
supporters is audited; every change goes through ``services``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.audit.services import audit_list, audit_view
from onward.core.forms import GovukForm, today
from onward.core.forms_errors import apply_validation_error
from onward.people import access as people_access
from onward.people.categories import CATEGORY_LABELS
from onward.people.models import YoungPerson
from onward.people.selectors import category_of
from onward.supporters import access as policy
from onward.supporters import forms, letters, selectors, services


def _register_user(request: HttpRequest) -> User:
    """Council staff who may read the registers; 403 for anyone else."""
    user: User = request.user  # type: ignore[assignment]
    if policy.register_council(user) is None:
        raise PermissionDenied
    return user


def _manager(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not policy.can_manage_registers(user):
        raise PermissionDenied
    return user


def _people_user(request: HttpRequest) -> User:
    """Council staff who may see young people's records; 403 for anyone else."""
    user: User = request.user  # type: ignore[assignment]
    if access.council_of(user) is None or not user.can_any(policy.PEOPLE_PERMS):
        raise PermissionDenied
    return user


@require_safe
@access.require_perm(any_of=policy.REGISTER_PERMS, council_staff=True)
def index(request: HttpRequest) -> HttpResponse:
    """The registers of the people and places around young people."""
    user = _register_user(request)
    return render(request, "supporters/index.html", {"can_manage": policy.can_manage_registers(user)})


# Mentors --------------------------------------------------------------------------------------------


@require_safe
@access.require_perm(any_of=policy.REGISTER_PERMS, council_staff=True)
def mentor_list(request: HttpRequest) -> HttpResponse:
    user = _register_user(request)
    day = today()
    mentors = selectors.mentor_register(policy.mentors_visible_to(user), day)
    counts = selectors.mentoring_counts(policy.mentors_visible_to(user), policy.matches_counted_for(user), day)
    return render(
        request,
        "supporters/mentor_list.html",
        {"mentors": mentors, "counts": counts, "day": day, "can_manage": policy.can_manage_registers(user)},
    )


MENTOR_INITIAL = (*services.MENTOR_FIELDS, "version")


@access.require_perm(Perm.MANAGE_SUPPORTERS, council_staff=True)
def mentor_edit(request: HttpRequest, mentor_pk: int | None = None) -> HttpResponse:
    user = _manager(request)
    mentor = policy.access_mentor(user, mentor_pk, for_change=True) if mentor_pk is not None else None
    initial: dict[str, Any] = {"active": True}
    if mentor is not None:
        initial = {name: getattr(mentor, name) for name in MENTOR_INITIAL}
    form = forms.MentorForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            saved = services.mentor_save(
                acting_user=user, council=access.own_council(user), mentor=mentor, version=version, **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{saved.name} saved")
            return redirect("supporters:mentor-detail", mentor_pk=saved.pk)
    return render(request, "supporters/mentor_form.html", {"form": form, "mentor": mentor})


@require_safe
@access.require_perm(any_of=policy.REGISTER_PERMS, council_staff=True)
def mentor_detail(request: HttpRequest, mentor_pk: int) -> HttpResponse:
    user = _register_user(request)
    mentor = policy.access_mentor(user, mentor_pk)
    day = today()
    matches = policy.matches_visible_to(user).filter(mentor=mentor)
    audit_view(actor=user, council=mentor.council, obj=mentor)
    return render(
        request,
        "supporters/mentor_detail.html",
        {
            "mentor": mentor,
            "matches": matches,
            "hidden_matches": mentor.matches.count() - len(matches),
            "missing": mentor.missing_checks(day),
            "can_manage": policy.can_manage_registers(user),
        },
    )


# A young person's supporters ---------------------------------------------------------------------


@require_safe
@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def person_supporters(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Everyone around one young person: their mentors (and, as they are added, carers)."""
    user = _people_user(request)
    person = people_access.access_person(user, person_pk)
    audit_view(actor=user, council=person.council, obj=person, summary="Viewed the people around the young person")
    return render(request, "supporters/person.html", _person_context(user, person))


def _person_context(user: User, person: YoungPerson) -> dict[str, Any]:
    day = today()
    review = services.latest_review(person)
    carers = list(policy.carers_visible_to(user).filter(person=person))
    invited = {i.carer_id: i for i in policy.invitations_visible_to(user).filter(after_review=review)} if review else {}
    for carer in carers:
        carer.current = carer.start <= day and (carer.end is None or carer.end >= day)  # type: ignore[attr-defined]
        carer.invitation = invited.get(carer.pk)  # type: ignore[attr-defined]
    return {
        "person": person,
        "matches": policy.matches_visible_to(user).filter(person=person),
        "carers": carers,
        "review": review,
        "closure": policy.latest_closure(user, person),
        "can_change": policy.can_change_for_people(user),
    }


@require_POST
@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def review_invite(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Invite the young person's carers to their next pathway plan review."""
    user = _people_user(request)
    if not policy.can_change_for_people(user):
        raise PermissionDenied
    person = people_access.access_person(user, person_pk)
    try:
        made = services.reviews_invite(acting_user=user, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        names = ", ".join(i.carer.name for i in made)
        messages.success(request, f"Invited to the pathway plan review: {names}")
    return redirect("supporters:person", person_pk=person.pk)


# Carers ---------------------------------------------------------------------------------------------

CARER_INITIAL = (*services.CARER_FIELDS, "version")


@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def carer_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    user = _people_user(request)
    if not policy.can_change_for_people(user):
        raise PermissionDenied
    person = people_access.access_person(user, person_pk)
    form = forms.CarerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version")
        try:
            carer = services.carer_add(acting_user=user, person=person, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{carer.name} added")
            return redirect("supporters:person", person_pk=person.pk)
    return render(request, "supporters/carer_form.html", {"form": form, "person": person, "carer": None})


@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def carer_edit(request: HttpRequest, carer_pk: int) -> HttpResponse:
    user = _people_user(request)
    if not policy.can_change_for_people(user):
        raise PermissionDenied
    carer = policy.access_carer(user, carer_pk, for_change=True)
    form = forms.CarerForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(carer, name) for name in CARER_INITIAL},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.carer_update(acting_user=user, carer=carer, version=version, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{carer.name} saved")
            return redirect("supporters:person", person_pk=carer.person_id)
    return render(request, "supporters/carer_form.html", {"form": form, "person": carer.person, "carer": carer})


@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def match_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    user = _people_user(request)
    if not policy.can_change_for_people(user):
        raise PermissionDenied
    person = people_access.access_person(user, person_pk)
    form = forms.MatchForm(
        request.POST if request.method == "POST" else None, mentors=policy.mentors_matchable_by(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            match = services.match_create(acting_user=user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Matched with {match.mentor.name}")
            return redirect("supporters:match-detail", match_pk=match.pk)
    return render(request, "supporters/match_form.html", {"form": form, "person": person})


@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def match_detail(request: HttpRequest, match_pk: int) -> HttpResponse:
    """A match, its meetings and, for those who may change it, logging a meeting and ending the match."""
    user = _people_user(request)
    match = policy.access_match(user, match_pk)
    can_change = policy.can_change_for_people(user)
    posted = request.POST if request.method == "POST" else None
    meeting_form = forms.MeetingForm(posted if posted is not None and "meeting" in posted else None)
    end_form = forms.MatchEndForm(
        posted if posted is not None and "end_match" in posted else None,
        initial={"end": today(), "version": match.version},
    )
    if posted is not None:
        if not can_change:
            raise PermissionDenied
        if "meeting" in posted and meeting_form.is_valid():
            try:
                services.meeting_record(acting_user=user, match=match, **meeting_form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(meeting_form, error)
            else:
                messages.success(request, "Meeting recorded")
                return redirect("supporters:match-detail", match_pk=match.pk)
        if "end_match" in posted and end_form.is_valid():
            try:
                services.match_end(acting_user=user, match=match, **end_form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(end_form, error)
            else:
                messages.success(request, "Match ended")
                return redirect("supporters:match-detail", match_pk=match.pk)
    else:
        audit_view(actor=user, council=match.person.council, obj=match)
    return render(
        request,
        "supporters/match_detail.html",
        {
            "match": match,
            "person": match.person,
            "meetings": match.meetings.all(),
            "meeting_form": meeting_form,
            "end_form": end_form,
            "can_change": can_change,
        },
    )


# Training -------------------------------------------------------------------------------------------


def _training_user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if policy.training_council(user) is None:
        raise PermissionDenied
    return user


@access.require_perm(any_of=policy.TRAINING_READERS, council_staff=True)
def training(request: HttpRequest) -> HttpResponse:
    """Training records of any course and any attendee, with counts for a period; keepers record more."""
    user = _training_user(request)
    council = access.own_council(user)
    can_record = policy.can_record_training(user)
    day = today()
    default_start = datetime.date(day.year - 1 if day.month < 4 else day.year, 4, 1)
    period = forms.PeriodForm(request.GET or None, initial={"start": default_start, "end": day})
    start, end = default_start, day
    if period.is_bound and period.is_valid():
        start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    form = forms.TrainingForm(
        request.POST if request.method == "POST" else None,
        courses=policy.courses_visible_to(user),
        staff=policy.trainable_staff(user),
    )
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.training_record(acting_user=user, council=council, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Training recorded")
                return redirect("supporters:training")
    records = policy.training_visible_to(user)
    return render(
        request,
        "supporters/training.html",
        {
            "form": form,
            "period": period,
            "start": start,
            "end": end,
            "counts": selectors.training_counts(records, start, end),
            "records": records[:200],
            "can_record": can_record,
        },
    )


# Accommodation providers and move-on -----------------------------------------------------------------


@require_safe
@access.require_perm(any_of=policy.REGISTER_PERMS, council_staff=True)
def provider_list(request: HttpRequest) -> HttpResponse:
    user = _register_user(request)
    providers = selectors.provider_register(
        policy.providers_visible_to(user), policy.ratings_counted_for(user), today()
    )
    return render(
        request,
        "supporters/provider_list.html",
        {"providers": providers, "can_manage": policy.can_manage_registers(user)},
    )


PROVIDER_INITIAL = (*services.PROVIDER_FIELDS, "version")


@access.require_perm(Perm.MANAGE_SUPPORTERS, council_staff=True)
def provider_edit(request: HttpRequest, provider_pk: int | None = None) -> HttpResponse:
    user = _manager(request)
    provider = policy.access_provider(user, provider_pk, for_change=True) if provider_pk is not None else None
    initial: dict[str, Any] = {"active": True, "units": 0}
    if provider is not None:
        initial = {name: getattr(provider, name) for name in PROVIDER_INITIAL}
    form = forms.ProviderForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            saved = services.provider_save(
                acting_user=user, council=access.own_council(user), provider=provider, version=version, **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{saved.name} saved")
            return redirect("supporters:provider-detail", provider_pk=saved.pk)
    return render(request, "supporters/provider_form.html", {"form": form, "provider": provider})


@require_safe
@access.require_perm(any_of=policy.REGISTER_PERMS, council_staff=True)
def provider_detail(request: HttpRequest, provider_pk: int) -> HttpResponse:
    """A provider, its figures, and the ratings (with comments) of the young people the user may see."""
    user = _register_user(request)
    provider = policy.access_provider(user, provider_pk)
    found = selectors.provider_register(
        policy.providers_visible_to(user).filter(pk=provider.pk), policy.ratings_counted_for(user), today()
    )[0]
    audit_view(actor=user, council=provider.council, obj=provider)
    return render(
        request,
        "supporters/provider_detail.html",
        {
            "provider": found,
            "ratings": policy.ratings_visible_to(user).filter(provider=provider)[:100],
            "can_manage": policy.can_manage_registers(user),
        },
    )


@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def person_accommodation(request: HttpRequest, person_pk: int) -> HttpResponse:
    """A young person's accommodation: the provider of each record, their ratings, and move-on planning."""
    user = _people_user(request)
    person = people_access.access_person(user, person_pk)
    can_change = policy.can_change_for_people(user)
    providers = policy.providers_visible_to(user).filter(active=True)
    spells = policy.spells_visible_to(user).filter(person=person).order_by("-start", "-id")
    rated = policy.providers_visible_to(user).filter(
        pk__in=policy.spells_visible_to(user).filter(person=person).values("provider_id")
    )
    posted = request.POST if request.method == "POST" else None
    spell_form = forms.SpellProviderForm(
        posted if posted is not None and "name_provider" in posted else None, spells=spells, providers=providers
    )
    rating_form = forms.RatingForm(posted if posted is not None and "rating" in posted else None, providers=rated)
    plan_form = forms.MoveOnForm(posted if posted is not None and "move_on" in posted else None, providers=providers)
    if posted is not None:
        if not can_change:
            raise PermissionDenied
        done = None
        try:
            if "name_provider" in posted and spell_form.is_valid():
                services.spell_provider_set(acting_user=user, **spell_form.cleaned_data)
                done = "Provider saved"
            elif "rating" in posted and rating_form.is_valid():
                data = dict(rating_form.cleaned_data)
                data["provider"] = data.pop("rating_provider")
                services.rating_record(acting_user=user, person=person, **data)
                done = "Rating recorded"
            elif "move_on" in posted and plan_form.is_valid():
                data = dict(plan_form.cleaned_data)
                data.pop("version")
                services.move_on_plan_add(acting_user=user, person=person, **data)
                done = "Move planned"
        except ValidationError as error:
            form = spell_form if "name_provider" in posted else rating_form if "rating" in posted else plan_form
            apply_validation_error(form, error)
        if done:
            messages.success(request, done)
            return redirect("supporters:accommodation", person_pk=person.pk)
    else:
        audit_view(actor=user, council=person.council, obj=person, summary="Viewed accommodation providers and move-on")
    return render(
        request,
        "supporters/accommodation.html",
        {
            "person": person,
            "spells": spells,
            "plans": policy.move_on_plans_visible_to(user).filter(person=person),
            "ratings": policy.ratings_visible_to(user).filter(person=person),
            "spell_form": spell_form,
            "rating_form": rating_form,
            "plan_form": plan_form,
            "error_form": next((f for f in (spell_form, rating_form, plan_form) if f.errors), None),
            "can_change": can_change,
        },
    )


MOVE_ON_INITIAL = (*services.MOVE_ON_FIELDS, "status", "version")


@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def move_on_edit(request: HttpRequest, plan_pk: int) -> HttpResponse:
    user = _people_user(request)
    if not policy.can_change_for_people(user):
        raise PermissionDenied
    plan = policy.access_move_on_plan(user, plan_pk, for_change=True)
    initial = {name: getattr(plan, name) for name in MOVE_ON_INITIAL}
    initial["planned_provider"] = plan.planned_provider_id
    form = forms.MoveOnUpdateForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        providers=policy.providers_visible_to(user),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.move_on_plan_update(acting_user=user, plan=plan, version=version, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Move-on plan saved")
            return redirect("supporters:accommodation", person_pk=plan.person_id)
    return render(request, "supporters/move_on_form.html", {"form": form, "plan": plan, "person": plan.person})


@require_safe
@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def move_on_due(request: HttpRequest) -> HttpResponse:
    """Young people due to move in the coming weeks (and planned moves now overdue), soonest first."""
    user = _people_user(request)
    form = forms.WeeksForm(request.GET or None, initial={"weeks": 8})
    weeks = form.cleaned_data["weeks"] if form.is_bound and form.is_valid() else 8
    day = today()
    plans = selectors.due_to_move(policy.move_on_plans_visible_to(user), day, weeks)
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="supporters.MoveOnPlan",
        summary=f"Young people due to move within {weeks} weeks of {day:%d/%m/%Y}",
    )
    return render(request, "supporters/move_on_due.html", {"form": form, "plans": plans, "weeks": weeks, "day": day})


# Transitions ----------------------------------------------------------------------------------------


@require_safe
@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def transitions(request: HttpRequest) -> HttpResponse:
    """Care leavers' EHC plans about to cease, young people of 15 to 17 whose needs to consider, and referrals
    to adult transitions awaiting a decision, for the young people the user may see."""
    user = _people_user(request)
    day = today()
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="supporters.TransitionReferral",
        summary=f"Transitions to adult services on {day:%d/%m/%Y}",
    )
    referrals = policy.transition_referrals_visible_to(user)
    return render(
        request,
        "supporters/transitions.html",
        {
            "ceasing": selectors.ehcp_ceasing(policy.ehc_plans_visible_to(user), day),
            "to_identify": selectors.needs_to_identify(people_access.people_visible_to(user), referrals, day),
            "awaiting": selectors.referrals_awaiting(referrals),
            "warning_days": selectors.EHCP_WARNING_DAYS,
        },
    )


@require_safe
@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def ehc_plans_in_force(request: HttpRequest) -> HttpResponse:
    """The young people behind the indicator ``ehc_plan_in_care_or_care_leavers``: the children in care and
    care leavers the user may see with an EHC plan in force on the date chosen (today by default), of all
    those the user may see, read by the indicator's own selector. A date that is not a date, or is in the
    future, is refused with a message and nothing is listed."""
    user = _people_user(request)
    form = forms.InForceOnForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    day = (form.cleaned_data.get("on") if form.is_bound and valid else None) or today()
    found: list[tuple[YoungPerson, str, Any]] = []
    counted = 0
    if valid:
        cohort, with_plan = selectors.in_care_with_ehc_plan(people_access.people_visible_to(user), day)
        counted = cohort.count()
        people = list(with_plan.order_by("legal_family_name", "legal_given_name", "pk"))
        plans: dict[int, Any] = {}
        in_force = policy.ehc_plans_visible_to(user).filter(selectors.ehc_plan_in_force(day), person__in=people)
        for plan in in_force.order_by("issued_on", "pk"):
            plans.setdefault(plan.person_id, plan)
        labels = {str(key): label for key, label in CATEGORY_LABELS.items()}
        found = [(person, labels.get(getattr(person, "category", ""), ""), plans.get(person.pk)) for person in people]
        audit_list(
            actor=user,
            council=access.council_of(user),
            object_type="supporters.EHCPlan",
            summary=f"Children in care and care leavers with an EHC plan in force on {day:%d/%m/%Y}",
        )
    return render(
        request,
        "supporters/ehc_plans_in_force.html",
        {"form": form, "day": day, "found": found, "counted": counted, "valid": valid},
    )


@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def person_transitions(request: HttpRequest, person_pk: int) -> HttpResponse:
    """A young person's EHC plans and additional needs for adult transitions, with forms to add either."""
    user = _people_user(request)
    person = people_access.access_person(user, person_pk)
    can_change = policy.can_change_for_people(user)
    posted = request.POST if request.method == "POST" else None
    plan_form = forms.EHCPlanForm(posted if posted is not None and "ehcp" in posted else None)
    referral_form = forms.TransitionForm(posted if posted is not None and "transition" in posted else None)
    if posted is not None:
        if not can_change:
            raise PermissionDenied
        form: GovukForm = plan_form if "ehcp" in posted else referral_form
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("version")
            try:
                if form is plan_form:
                    services.ehc_plan_add(acting_user=user, person=person, **data)
                else:
                    services.transition_referral_add(acting_user=user, person=person, **data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "EHC plan saved" if form is plan_form else "Additional needs recorded")
                return redirect("supporters:transitions-person", person_pk=person.pk)
    else:
        audit_view(actor=user, council=person.council, obj=person, summary="Viewed EHC plans and transitions")
    day = today()
    plans = list(policy.ehc_plans_visible_to(user).filter(person=person))
    ceasing = {p.pk for p in selectors.ehcp_ceasing(policy.ehc_plans_visible_to(user).filter(person=person), day)}
    for plan in plans:
        plan.warn = plan.pk in ceasing  # type: ignore[attr-defined]
        plan.current = plan.in_force_on(day)  # type: ignore[attr-defined]
    return render(
        request,
        "supporters/person_transitions.html",
        {
            "person": person,
            "plans": plans,
            "referrals": policy.transition_referrals_visible_to(user).filter(person=person),
            "plan_form": plan_form,
            "referral_form": referral_form,
            "error_form": plan_form if plan_form.errors else referral_form if referral_form.errors else None,
            "can_change": can_change,
        },
    )


@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def ehc_plan_edit(request: HttpRequest, ehcplan_pk: int) -> HttpResponse:
    user = _people_user(request)
    if not policy.can_change_for_people(user):
        raise PermissionDenied
    plan = policy.access_ehc_plan(user, ehcplan_pk, for_change=True)
    form = forms.EHCPlanForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(plan, name) for name in (*services.EHCP_FIELDS, "version")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.ehc_plan_update(acting_user=user, plan=plan, version=version, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "EHC plan saved")
            return redirect("supporters:transitions-person", person_pk=plan.person_id)
    return render(
        request,
        "supporters/simple_form.html",
        {"form": form, "person": plan.person, "heading": "Change the EHC plan", "button": "Save EHC plan"},
    )


@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def transition_edit(request: HttpRequest, referral_pk: int) -> HttpResponse:
    user = _people_user(request)
    if not policy.can_change_for_people(user):
        raise PermissionDenied
    referral = policy.access_transition_referral(user, referral_pk, for_change=True)
    form = forms.TransitionForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(referral, name) for name in (*services.TRANSITION_FIELDS, "version")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.transition_referral_update(acting_user=user, referral=referral, version=version, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Adult transitions referral saved")
            return redirect("supporters:transitions-person", person_pk=referral.person_id)
    return render(
        request,
        "supporters/simple_form.html",
        {
            "form": form,
            "person": referral.person,
            "heading": "Additional needs and the adult transitions referral",
            "button": "Save",
        },
    )


# Case closure letter --------------------------------------------------------------------------------


@require_safe
@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def closure_letter(request: HttpRequest, person_pk: int) -> HttpResponse:
    """The letter for the young person's latest case closure, as a PDF (audited as an export of their data)."""
    user = _people_user(request)
    person = people_access.access_person(user, person_pk)
    closure = policy.latest_closure(user, person)
    if closure is None or closure.reason in letters.NO_LETTER:
        raise Http404
    day = today()
    letter = letters.closure_letter(
        person=person,
        closure=closure,
        category=category_of(person, closure.date),
        matches=list(policy.matches_visible_to(user).filter(person=person)),
        carers=list(policy.carers_visible_to(user).filter(person=person)),
        ehc_plans=list(policy.ehc_plans_visible_to(user).filter(person=person)),
        move_on=list(policy.move_on_plans_visible_to(user).filter(person=person)),
        day=day,
    )
    services.closure_letter_audit(acting_user=user, person=person, closure=closure)
    response = HttpResponse(letters.build_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.file_name}"'
    return response
