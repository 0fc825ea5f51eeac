"""Pages of the network: settings, setting histories, school-year lists, data sharing agreements, list
exchange with settings and Jobcentre Plus, benefits and work coaches. Reads go through
``onward.network.access``; writes through ``services``; files through ``core.exports``."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from onward.accounts import access as accounts_access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.audit.services import audit_list, audit_view
from onward.core import exports, import_views, imports
from onward.core.forms_errors import apply_validation_error
from onward.network import access, forms, rules, selectors, services
from onward.network.models import BenefitSpell, RollList, SettingSpell
from onward.people import access as people_access
from onward.people import selectors as people_selectors
from onward.people.models import YoungPerson

PEOPLE_PERMS = people_access.PEOPLE_PERMS


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _staff(request: HttpRequest) -> User:
    """Council staff only (partners' users and others get 403)."""
    user = _user(request)
    accounts_access.own_council(user)
    return user


def _post(request: HttpRequest) -> tuple[object, object]:
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _today() -> datetime.date:
    return people_selectors.today()


# Settings ---------------------------------------------------------------------------------------------


@accounts_access.require_perm(council_staff=True)
def setting_list(request: HttpRequest) -> HttpResponse:
    """The council's register of schools, colleges, universities and training providers."""
    user = _staff(request)
    return render(
        request,
        "network/setting_list.html",
        {"settings": access.settings_visible_to(user), "can_manage": user.can(Perm.MANAGE_SETTINGS)},
    )


@accounts_access.require_perm(Perm.MANAGE_SETTINGS)
def setting_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    council = accounts_access.own_council(user)
    form = forms.SettingForm(
        request.POST if request.method == "POST" else None, organisations=access.setting_organisations_for(user)
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            setting = services.setting_create(acting_user=user, council=council, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{setting.name} was added")
            return redirect("network:setting-detail", pk=setting.pk)
    return render(request, "network/setting_form.html", {"form": form, "setting": None})


@accounts_access.require_perm(Perm.MANAGE_SETTINGS)
def setting_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    setting = access.access_setting(user, pk, for_change=True)
    initial = {
        "name": setting.name,
        "kind": setting.kind,
        "urn": setting.urn,
        "ukprn": setting.ukprn,
        "postcode": setting.postcode,
        "contact_email": setting.contact_email,
        "organisation": setting.organisation_id,
        "version": setting.version,
    }
    form = forms.SettingForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisations=access.setting_organisations_for(user),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.setting_update(acting_user=user, setting=setting, version=version, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The setting was changed")
            return redirect("network:setting-detail", pk=setting.pk)
    return render(request, "network/setting_form.html", {"form": form, "setting": setting})


@accounts_access.require_perm(Perm.MANAGE_SETTINGS)
def setting_load(request: HttpRequest) -> HttpResponse:
    """Load settings from a CSV file: all or nothing, every rejected row reported."""
    user = _user(request)
    council = accounts_access.own_council(user)
    data, files = _post(request)
    form = forms.SettingsFileForm(data, files)
    problems: list[dict[str, object]] = []
    if request.method == "POST" and form.is_valid():
        name, content = form.cleaned_data["upload"]
        try:
            result = services.settings_load(acting_user=user, council=council, name=name, content=content)
        except services.SettingsRefused as refused:
            problems = refused.problems
            form.add_error("upload", refused.messages[0])
        else:
            messages.success(
                request,
                f"Settings loaded: {result['added']} added, {result['changed']} changed, from {result['rows']} rows",
            )
            return redirect("network:setting-list")
    return render(
        request, "network/setting_load.html", {"form": form, "problems": problems, "columns": rules.SETTING_COLUMNS}
    )


@accounts_access.require_perm(council_staff=True)
def setting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A setting, and the children in care and care leavers the user can see on roll there today."""
    user = _staff(request)
    setting = access.access_setting(user, pk)
    day = _today()
    on_roll = (
        selectors.on_roll_at(people_access.people_visible_to(user), setting, day) if user.can_any(PEOPLE_PERMS) else []
    )
    if on_roll:
        audit_list(
            actor=user, council=setting.council, object_type="people.YoungPerson", summary=f"On roll at {setting.name}"
        )
    exchange = user.can(Perm.EXCHANGE_LISTS)
    return render(
        request,
        "network/setting_detail.html",
        {
            "setting": setting,
            "on_roll": on_roll,
            "day": day,
            "can_manage": user.can(Perm.MANAGE_SETTINGS),
            "can_exchange": exchange,
            "agreement": selectors.agreement_in_force(setting.council, day, setting=setting) if exchange else None,
            "lists": access.roll_lists_visible_to(user).filter(setting=setting)[:10] if exchange else [],
        },
    )


@accounts_access.require_perm(any_of=PEOPLE_PERMS)
def school_years(request: HttpRequest) -> HttpResponse:
    """Children in care and care leavers in the chosen school years, by setting (Year 9 and 10 by default)."""
    user = _user(request)
    if not user.can_any(PEOPLE_PERMS):
        raise PermissionDenied
    form = forms.SchoolYearsForm(request.GET if "years" in request.GET else {"years": ["9", "10"]})
    day = _today()
    groups = []
    years: list[int] = []
    if form.is_valid():
        years = sorted(int(y) for y in form.cleaned_data["years"])
        groups = selectors.school_years(people_access.people_visible_to(user), day, years)
        audit_list(
            actor=user,
            council=accounts_access.council_of(user),
            object_type="people.YoungPerson",
            summary=f"School years {', '.join(map(str, years))} by setting",
        )
    return render(request, "network/school_years.html", {"form": form, "groups": groups, "years": years, "day": day})


# A young person's setting history ---------------------------------------------------------------------


@accounts_access.require_perm()
def person_settings(request: HttpRequest, person_pk: int) -> HttpResponse:
    user = _user(request)
    person = people_access.access_person(user, person_pk)
    can_change = access.can_change_setting_history(user)
    form = forms.SettingSpellForm(
        request.POST if request.method == "POST" else None, settings=access.settings_visible_to(user)
    )
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.setting_history_record(acting_user=user, person=person, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "The setting was recorded")
                return redirect("network:person-settings", person_pk=person.pk)
    audit_view(actor=user, council=person.council, obj=person, summary="Setting history")
    spells = access.setting_spells_visible_to(user).filter(person=person).order_by("-start", "-id")
    return render(
        request,
        "network/person_settings.html",
        {"person": person, "spells": spells, "form": form, "can_change": can_change},
    )


def _correct(
    request: HttpRequest, person: YoungPerson, record: SettingSpell | BenefitSpell, *, kind: str
) -> HttpResponse:
    """Correct a setting or benefit record: the old one is kept, superseded, with the reason (ADR 7)."""
    user = _user(request)
    if kind == "setting":
        allowed = access.can_change_setting_history(user)
        fields: tuple[str, ...] = ("setting", "start", "end")
        form_class: type = forms.SettingCorrectionForm
        extra: dict[str, object] = {"settings": access.settings_visible_to(user)}
    else:
        allowed = access.can_change_benefits(user)
        fields = ("benefit", "status", "start", "end", "work_coach")
        form_class = forms.BenefitCorrectionForm
        extra = {"coaches": access.work_coaches_visible_to(user)}
    if record.person_id != person.pk or record.superseded_at is not None:
        raise Http404
    if not allowed:
        raise PermissionDenied
    initial = {name: getattr(record, f"{name}_id" if name in ("setting", "work_coach") else name) for name in fields}
    form = form_class(request.POST if request.method == "POST" else None, initial=initial, **extra)
    back = "network:person-settings" if kind == "setting" else "network:person-benefits"
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("correction_reason")
        try:
            if kind == "setting":
                services.setting_history_correct(acting_user=user, spell=record, reason=reason, **data)  # type: ignore[arg-type]
            else:
                services.benefit_correct(acting_user=user, spell=record, reason=reason, **data)  # type: ignore[arg-type]
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Correction saved; the earlier record is kept in the history")
            return redirect(back, person_pk=person.pk)
    return render(
        request, "network/correct_form.html", {"form": form, "person": person, "record": record, "back": back}
    )


@accounts_access.require_perm()
def setting_spell_correct(request: HttpRequest, person_pk: int, pk: int) -> HttpResponse:
    user = _user(request)
    person = people_access.access_person(user, person_pk)
    return _correct(request, person, access.access_setting_spell(user, pk), kind="setting")


@accounts_access.require_perm()
def benefit_correct(request: HttpRequest, person_pk: int, pk: int) -> HttpResponse:
    user = _user(request)
    person = people_access.access_person(user, person_pk)
    return _correct(request, person, access.access_benefit_spell(user, pk), kind="benefit")


# Data sharing agreements ------------------------------------------------------------------------------


def _agreement_user(request: HttpRequest) -> User:
    user = _staff(request)
    if not user.can_any(access.AGREEMENT_PERMS):
        raise PermissionDenied
    return user


@accounts_access.require_perm(any_of=access.AGREEMENT_PERMS, council_staff=True)
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = _agreement_user(request)
    day = _today()
    agreements = list(access.agreements_visible_to(user))
    return render(
        request,
        "network/agreement_list.html",
        {"agreements": [(a, a.in_force_on(day)) for a in agreements], "can_manage": user.can(Perm.MANAGE_AGREEMENTS)},
    )


def _agreement_form(request: HttpRequest, user: User, **kwargs: object) -> forms.AgreementForm:
    return forms.AgreementForm(
        request.POST if request.method == "POST" else None,
        partners=access.setting_organisations_for(user),
        settings=access.settings_visible_to(user),
        **kwargs,  # type: ignore[arg-type]
    )


@accounts_access.require_perm(Perm.MANAGE_AGREEMENTS)
def agreement_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    council = accounts_access.own_council(user)
    initial: dict[str, object] = {}
    if request.GET.get("setting"):
        initial["setting"] = access.settings_visible_to(user).filter(pk=request.GET["setting"][:9]).first()
    form = _agreement_form(request, user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        data["fields"] = data.pop("shared_fields")
        try:
            agreement = services.agreement_create(acting_user=user, council=council, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The agreement was recorded")
            return redirect("network:agreement-detail", pk=agreement.pk)
    return render(request, "network/agreement_form.html", {"form": form, "agreement": None})


@accounts_access.require_perm(any_of=access.AGREEMENT_PERMS, council_staff=True)
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _agreement_user(request)
    agreement = access.access_agreement(user, pk)
    return render(
        request,
        "network/agreement_detail.html",
        {
            "agreement": agreement,
            "in_force": agreement.in_force_on(_today()),
            "can_manage": user.can(Perm.MANAGE_AGREEMENTS),
        },
    )


@accounts_access.require_perm(Perm.MANAGE_AGREEMENTS)
def agreement_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    agreement = access.access_agreement(user, pk, for_change=True)
    initial = {
        "title": agreement.title,
        "partner": agreement.partner_id,
        "setting": agreement.setting_id,
        "purpose": agreement.purpose,
        "shared_fields": agreement.fields,
        "start": agreement.start,
        "end": agreement.end,
        "ended_on": agreement.ended_on,
        "version": agreement.version,
    }
    form = _agreement_form(request, user, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        data["fields"] = data.pop("shared_fields")
        try:
            services.agreement_update(acting_user=user, agreement=agreement, version=version, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The agreement was changed")
            return redirect("network:agreement-detail", pk=agreement.pk)
    return render(request, "network/agreement_form.html", {"form": form, "agreement": agreement})


# Lists exchanged with a setting ------------------------------------------------------------------------


@accounts_access.require_perm(Perm.EXCHANGE_LISTS)
def setting_send(request: HttpRequest, pk: int) -> HttpResponse:
    """The list of the setting's young people its agreement allows: a download only under an agreement
    in force (``services.setting_list_release`` refuses otherwise)."""
    user = _user(request)
    council = accounts_access.own_council(user)
    setting = access.access_setting(user, pk)
    day = _today()
    refusal = ""
    if request.GET.get("download") == "csv":
        try:
            _agreement, header, rows = services.setting_list_release(
                acting_user=user, council=council, people=access.list_people(user), setting=setting, day=day
            )
        except services.NoAgreement as error:
            refusal = error.messages[0]
        else:
            return exports.csv_response(f"young-people-{setting.pk}-{day:%Y-%m-%d}.csv", rows, header=header)
    agreement = selectors.agreement_in_force(council, day, setting=setting)
    return render(
        request,
        "network/setting_send.html",
        {
            "setting": setting,
            "agreement": agreement,
            "columns": selectors.list_columns(agreement) if agreement else [],
            "refusal": refusal,
            "day": day,
        },
        status=200,
    )


@accounts_access.require_perm(Perm.EXCHANGE_LISTS)
def roll_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a setting's on-roll list: it is checked and matched, then previewed."""
    user = _user(request)
    council = accounts_access.own_council(user)
    setting = access.access_setting(user, pk)
    data, files = _post(request)
    form = forms.RollListForm(data, files, initial={"on_date": _today()})
    if request.method == "POST" and form.is_valid():
        name, content = form.cleaned_data["upload"]
        try:
            roll = services.roll_list_preview(
                acting_user=user,
                council=council,
                setting=setting,
                on_date=form.cleaned_data["on_date"],
                name=name,
                content=content,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("network:roll-detail", pk=roll.pk)
    return render(
        request, "network/roll_upload.html", {"form": form, "setting": setting, "columns": rules.ROLL_COLUMNS}
    )


@accounts_access.require_perm(Perm.EXCHANGE_LISTS)
def roll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview (or record) of a matched list: every difference, with the young people behind it."""
    user = _user(request)
    roll = access.access_roll_list(user, pk)
    people = {
        p.pk: p
        for p in access.list_people(user).filter(
            pk__in=[r["person"] for r in roll.matched] + [r["person"] for r in roll.not_on_roll]
        )
    }
    audit_view(actor=user, council=roll.council, obj=roll)

    def named(rows: list[dict[str, object]]) -> list[tuple[dict[str, object], object]]:
        return [(row, people.get(row["person"])) for row in rows if row["person"] in people]  # type: ignore[call-overload]

    return render(
        request,
        "network/roll_detail.html",
        {
            "roll": roll,
            "elsewhere": named([r for r in roll.matched if r["recorded"] == "elsewhere"]),
            "nowhere": named([r for r in roll.matched if r["recorded"] == "none"]),
            "here": len([r for r in roll.matched if r["recorded"] == "here"]),
            "not_on_roll": named(roll.not_on_roll),
            "can_commit": roll.status == RollList.Status.PREVIEWED,
            "can_discard": roll.status in (RollList.Status.PREVIEWED, RollList.Status.REJECTED),
            "page": imports.run_page(
                roll,
                retry_url=reverse("network:roll-retry", kwargs={"pk": roll.pk}),
                discard_url=reverse("network:roll-discard", kwargs={"pk": roll.pk}),
            ),
        },
    )


@require_POST
@accounts_access.require_perm(Perm.EXCHANGE_LISTS)
def roll_commit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    roll = access.access_roll_list(user, pk)
    try:
        roll = services.roll_list_save(acting_user=user, roll=roll)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if roll.status == RollList.Status.COMMITTED:
            messages.success(request, "The list was saved: the young people on roll are recorded at the setting")
    return redirect("network:roll-detail", pk=roll.pk)


@require_POST
@accounts_access.require_perm(Perm.EXCHANGE_LISTS)
def roll_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Check a list whose check or save failed or is stuck again, from the start."""
    user = _user(request)
    roll = access.access_roll_list(user, pk)
    return import_views.retry(request, roll, page="network:roll-detail", again="The list is being checked again")


@require_POST
@accounts_access.require_perm(Perm.EXCHANGE_LISTS)
def roll_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    roll = access.access_roll_list(user, pk)
    return import_views.discard(
        request,
        roll,
        page="network:roll-detail",
        done=reverse("network:roll-detail", kwargs={"pk": roll.pk}),
        discarded="The list was discarded",
        extra=(RollList.Status.REJECTED,),
    )


# Benefits, work coaches and Jobcentre Plus ---------------------------------------------------------------


@accounts_access.require_perm()
def person_benefits(request: HttpRequest, person_pk: int) -> HttpResponse:
    user = _user(request)
    person = people_access.access_person(user, person_pk)
    can_change = access.can_change_benefits(user)
    form = forms.BenefitForm(
        request.POST if request.method == "POST" else None, coaches=access.work_coaches_visible_to(user)
    )
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.benefit_record(acting_user=user, person=person, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "The benefit status was recorded")
                return redirect("network:person-benefits", person_pk=person.pk)
    audit_view(actor=user, council=person.council, obj=person, summary="Benefit history")
    spells = access.benefit_spells_visible_to(user).filter(person=person).order_by("-start", "-id")
    return render(
        request,
        "network/person_benefits.html",
        {"person": person, "spells": spells, "form": form, "can_change": can_change},
    )


@accounts_access.require_perm(council_staff=True)
def work_coach_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    return render(
        request,
        "network/work_coach_list.html",
        {"coaches": access.work_coaches_visible_to(user), "can_manage": user.can(Perm.MANAGE_SETTINGS)},
    )


@accounts_access.require_perm(Perm.MANAGE_SETTINGS)
def work_coach_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    council = accounts_access.own_council(user)
    form = forms.WorkCoachForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.work_coach_create(acting_user=user, council=council, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The work coach was added")
            return redirect("network:work-coach-list")
    return render(request, "network/work_coach_form.html", {"form": form, "coach": None})


@accounts_access.require_perm(Perm.MANAGE_SETTINGS)
def work_coach_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    coach = access.access_work_coach(user, pk, for_change=True)
    initial = {k: getattr(coach, k) for k in ("name", "jobcentre", "phone", "email", "version")}
    form = forms.WorkCoachForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.work_coach_update(acting_user=user, coach=coach, version=version, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The work coach was changed")
            return redirect("network:work-coach-list")
    return render(request, "network/work_coach_form.html", {"form": form, "coach": coach})


@accounts_access.require_perm(Perm.EXCHANGE_LISTS)
def jobcentre_send(request: HttpRequest) -> HttpResponse:
    """The list for Jobcentre Plus under an agreement in force with DWP; refused without one."""
    user = _user(request)
    council = accounts_access.own_council(user)
    day = _today()
    refusal = ""
    if request.GET.get("download") == "csv":
        try:
            _agreement, header, rows = services.jobcentre_list_release(
                acting_user=user, council=council, people=access.list_people(user), day=day
            )
        except services.NoAgreement as error:
            refusal = error.messages[0]
        else:
            return exports.csv_response(f"jobcentre-plus-{day:%Y-%m-%d}.csv", rows, header=header)
    agreement = selectors.agreement_in_force(council, day, partner_kind="dwp")
    return render(
        request,
        "network/jobcentre_send.html",
        {
            "agreement": agreement,
            "columns": selectors.list_columns(agreement) if agreement else [],
            "refusal": refusal,
            "day": day,
        },
    )
