"""The data protection officer's pages. Reads through ``onward.privacy.access``; writes through services.

None of these pages shows a young person's caseload record: a request shows the young person's child
identifier and name, the bundle's marked values for review, and (once approved) the downloads.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from onward.accounts import access as accounts_access
from onward.accounts.models import User
from onward.accounts.permissions import ROLES_BY_KEY, Perm
from onward.core.forms import GovukForm
from onward.core.forms_errors import apply_validation_error
from onward.people import forms as people_forms
from onward.people.services import PERSON_FIELDS
from onward.privacy import access, forms, processing, retention, services
from onward.privacy.models import RectificationRequest, SubjectAccessRequest

REQUEST_PERMS = (Perm.HANDLE_SUBJECT_ACCESS, Perm.APPROVE_SUBJECT_ACCESS)


def _user(request: HttpRequest, *perms: Perm) -> User:
    user: User = request.user  # type: ignore[assignment]
    if accounts_access.council_of(user) is None or not user.can_any(perms):
        raise PermissionDenied
    return user


def _person_or_error(user: User, form: GovukForm) -> object:
    person = access.find_person_for_privacy_office(user, form.cleaned_data["child_id"])
    if person is None:
        form.add_error("child_id", "There is no young person with this child identifier in your council")
    return person


# Subject access ----------------------------------------------------------------------------------


@require_safe
@accounts_access.require_perm(any_of=REQUEST_PERMS, council_staff=True)
def request_list(request: HttpRequest) -> HttpResponse:
    user = _user(request, *REQUEST_PERMS)
    today = timezone.localdate()
    requests = list(access.requests_visible_to(user).order_by("due_on", "pk"))
    open_requests = [(r, (r.due_on - today).days) for r in requests if r.is_open]
    closed = [r for r in requests if not r.is_open][:50]
    return render(
        request,
        "privacy/request_list.html",
        {"open_requests": open_requests, "closed": closed, "can_log": user.can(Perm.HANDLE_SUBJECT_ACCESS)},
    )


@accounts_access.require_perm(Perm.HANDLE_SUBJECT_ACCESS)
def request_create(request: HttpRequest) -> HttpResponse:
    user = _user(request, Perm.HANDLE_SUBJECT_ACCESS)
    form = forms.RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = _person_or_error(user, form)
        if person is not None:
            try:
                sar = services.subject_access_request_create(
                    young_person=person,  # type: ignore[arg-type]
                    via=form.cleaned_data["via"],
                    received_on=form.cleaned_data["received_on"],
                    requester_name=form.cleaned_data["requester_name"],
                    logged_by=user,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Request logged: due {sar.due_on:%-d %B %Y}")
                return redirect("privacy:request-detail", pk=sar.pk)
    return render(request, "privacy/request_form.html", {"form": form}, status=400 if form.errors else 200)


@require_safe
@accounts_access.require_perm(any_of=REQUEST_PERMS, council_staff=True)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, *REQUEST_PERMS)
    sar = access.access_request(user, pk)
    review = forms.ReviewForm(initial={"redact": sar.redactions}, flags=sar.flags)
    return _detail(request, user, sar, review)


def _detail(
    request: HttpRequest, user: User, sar: SubjectAccessRequest, review: forms.ReviewForm, status: int = 200
) -> HttpResponse:
    sections = [(s["title"], len(s["rows"])) for s in sar.bundle.get("sections", []) if s["rows"]]
    return render(
        request,
        "privacy/request_detail.html",
        {
            "sar": sar,
            "review": review,
            "sections": sections,
            "audit_entries": len(sar.bundle.get("audit_trail", [])),
            "mentions": len(sar.bundle.get("plan_mentions", [])),
            "days_left": (sar.due_on - timezone.localdate()).days,
            "can_handle": user.can(Perm.HANDLE_SUBJECT_ACCESS),
            "can_approve": user.can(Perm.APPROVE_SUBJECT_ACCESS),
        },
        status=status,
    )


@require_POST
@accounts_access.require_perm(Perm.HANDLE_SUBJECT_ACCESS)
def request_gather(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, Perm.HANDLE_SUBJECT_ACCESS)
    sar = access.access_request(user, pk)
    try:
        services.subject_access_gather(request=sar, acting_user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Bundle gathered: review the marked values")
    return redirect("privacy:request-detail", pk=sar.pk)


@require_POST
@accounts_access.require_perm(Perm.HANDLE_SUBJECT_ACCESS)
def request_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, Perm.HANDLE_SUBJECT_ACCESS)
    sar = access.access_request(user, pk)
    form = forms.ReviewForm(request.POST, flags=sar.flags)
    if form.is_valid():
        try:
            services.subject_access_review(request=sar, acting_user=user, redactions=form.cleaned_data["redact"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Redaction review saved")
            return redirect("privacy:request-detail", pk=sar.pk)
    return _detail(request, user, sar, form, status=400)


@require_POST
@accounts_access.require_perm(Perm.APPROVE_SUBJECT_ACCESS)
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, Perm.APPROVE_SUBJECT_ACCESS)
    sar = access.access_request(user, pk)
    try:
        services.subject_access_approve(request=sar, acting_user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Approved for release")
    return redirect("privacy:request-detail", pk=sar.pk)


@require_safe
@accounts_access.require_perm(Perm.APPROVE_SUBJECT_ACCESS)
def request_bundle(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The approved bundle, redactions applied: JSON (machine-readable) or PDF. Nothing before approval (404)."""
    user = _user(request, Perm.APPROVE_SUBJECT_ACCESS)
    sar = access.access_request(user, pk)
    if file_format not in ("json", "pdf") or sar.status not in (
        SubjectAccessRequest.Status.APPROVED,
        SubjectAccessRequest.Status.RELEASED,
    ):
        raise Http404
    released = services.subject_access_release(request=sar, acting_user=user, file_format=file_format)
    name = f"subject-access-{sar.person.child_id}-{sar.received_on:%Y-%m-%d}"
    if file_format == "json":
        response = HttpResponse(
            json.dumps(released, indent=2, ensure_ascii=False, default=str), content_type="application/json"
        )
    else:
        from weasyprint import HTML

        html = render_to_string("privacy/bundle_pdf.html", {"bundle": released, "sar": sar})
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


# Restriction ---------------------------------------------------------------------------------------


@accounts_access.require_perm(Perm.RESTRICT_RECORDS)
def restriction_list(request: HttpRequest) -> HttpResponse:
    user = _user(request, Perm.RESTRICT_RECORDS)
    form = forms.RestrictionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = _person_or_error(user, form)
        if person is not None:
            try:
                services.restriction_place(
                    acting_user=user,
                    person=person,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
                    allowed_roles=form.cleaned_data["allowed_roles"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Record restricted")
                return redirect("privacy:restriction-list")
    restrictions = access.restrictions_visible_to(user).filter(lifted_at__isnull=True)
    rows = [(r, [ROLES_BY_KEY[k].name for k in r.role_keys if k in ROLES_BY_KEY]) for r in restrictions]
    return render(
        request,
        "privacy/restriction_list.html",
        {"form": form, "rows": rows, "lift_form": forms.ReasonForm()},
        status=400 if form.errors else 200,
    )


@require_POST
@accounts_access.require_perm(Perm.RESTRICT_RECORDS)
def restriction_lift(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, Perm.RESTRICT_RECORDS)
    restriction = access.access_restriction(user, pk)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the reason for lifting the restriction")
        return redirect("privacy:restriction-list")
    try:
        services.restriction_lift(acting_user=user, restriction=restriction, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Restriction lifted")
    return redirect("privacy:restriction-list")


# Retention ------------------------------------------------------------------------------------------


@accounts_access.require_perm(Perm.MANAGE_RETENTION)
def retention_list(request: HttpRequest) -> HttpResponse:
    user = _user(request, Perm.MANAGE_RETENTION)
    council = accounts_access.own_council(user)
    form = forms.HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = _person_or_error(user, form)
        if person is not None:
            try:
                services.legal_hold_place(acting_user=user, person=person, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Legal hold placed")
                return redirect("privacy:retention")
    due = retention.past_retention(council, timezone.localdate())
    return render(
        request,
        "privacy/retention.html",
        {
            "form": form,
            "due": due,
            "deletable": sum(1 for item in due if not item.held),
            "holds": access.holds_visible_to(user).filter(lifted_at__isnull=True),
            "tombstones": access.tombstones_visible_to(user)[:50],
            "rules": retention.rules(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@accounts_access.require_perm(Perm.MANAGE_RETENTION)
def retention_delete(request: HttpRequest, person_pk: int, rule: str) -> HttpResponse:
    user = _user(request, Perm.MANAGE_RETENTION)
    person = access.access_privacy_person(user, person_pk)
    if rule not in ("care_record", "partner_referral"):
        raise Http404
    try:
        retention.deletion_approve(acting_user=user, person=person, rule=rule)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Deleted: a tombstone with the counts is kept")
    return redirect("privacy:retention")


@require_POST
@accounts_access.require_perm(Perm.MANAGE_RETENTION)
def retention_run(request: HttpRequest) -> HttpResponse:
    """Approve the deletion of many records at once: those ticked, or every one listed ("all"). One
    transaction; the page then says what was deleted and what was skipped."""
    user = _user(request, Perm.MANAGE_RETENTION)
    council = accounts_access.own_council(user)
    selected: list[tuple[int, str]] | None = None
    if request.POST.get("scope") != "all":
        selected = []
        for value in request.POST.getlist("items"):
            rule, _, pk = value.partition(":")
            if rule in ("care_record", "partner_referral") and pk.isdigit():
                selected.append((int(pk), rule))
        if not selected:
            messages.error(request, "Select the records to delete")
            return redirect("privacy:retention")
    report = retention.deletion_run(acting_user=user, council=council, selected=selected)
    if selected is None and not (report.deleted or report.held):
        messages.error(request, "No record is past its retention date")
    else:
        messages.success(request, f"Deletion run: {report.text}")
    return redirect("privacy:retention")


@require_POST
@accounts_access.require_perm(Perm.MANAGE_RETENTION)
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, Perm.MANAGE_RETENTION)
    hold = access.access_hold(user, pk)
    try:
        services.legal_hold_lift(acting_user=user, hold=hold)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Legal hold lifted")
    return redirect("privacy:retention")


# Rectification ---------------------------------------------------------------------------------------


@accounts_access.require_perm(any_of=access.CORRECTION_PERMS, council_staff=True)
def correction_list(request: HttpRequest) -> HttpResponse:
    """Requests to correct a record, oldest time limit first; logging one received by letter, email or in person."""
    user = _user(request, *access.CORRECTION_PERMS)
    form = forms.CorrectionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = access.person_named_for_correction(user, form.cleaned_data["child_id"])
        if person is None:
            form.add_error("child_id", "There is no young person with this child identifier whose record you see")
        else:
            try:
                logged = services.rectification_request_create(
                    person=person,
                    via=form.cleaned_data["via"],
                    text=form.cleaned_data["text"],
                    received_on=form.cleaned_data["received_on"],
                    logged_by=user,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Request logged: answer due by {logged.due_on:%-d %B %Y}")
                return redirect("privacy:correction-detail", pk=logged.pk)
    today = timezone.localdate()
    found = list(access.rectification_requests_visible_to(user).order_by("due_on", "pk"))
    return render(
        request,
        "privacy/correction_list.html",
        {
            "form": form,
            "open_requests": [(r, (r.due_on - today).days) for r in found if r.is_open],
            "answered": sorted((r for r in found if not r.is_open), key=lambda r: r.decided_at or r.created_at)[::-1][
                :50
            ],
        },
        status=400 if form.errors else 200,
    )


@accounts_access.require_perm(any_of=access.CORRECTION_PERMS, council_staff=True)
def correction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, *access.CORRECTION_PERMS)
    found = access.access_rectification_request(user, pk)
    can_correct = access.can_correct(user, found.person)
    return render(
        request,
        "privacy/correction_detail.html",
        {
            "req": found,
            "decline_form": forms.DeclineForm(),
            "can_correct": can_correct,
            "history": access.history_to_correct(found.person) if can_correct else {},
            "corrections": found.corrections.select_related("recorded_by"),
            "days_left": (found.due_on - timezone.localdate()).days,
        },
    )


@require_POST
@accounts_access.require_perm(any_of=access.CORRECTION_PERMS, council_staff=True)
def correction_decline(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, *access.CORRECTION_PERMS)
    found = access.access_rectification_request(user, pk)
    form = forms.DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter why the record is not being corrected")
        return redirect("privacy:correction-detail", pk=found.pk)
    try:
        services.rectification_decline(acting_user=user, request=found, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Request declined: the young person is told why")
    return redirect("privacy:correction-detail", pk=found.pk)


def _request_for(request: HttpRequest, user: User, person: object) -> RectificationRequest | None:
    """The correction request named in ``?request=`` (it must be about ``person``), if any."""
    raw = request.GET.get("request", "")
    if not raw:
        return None
    found = access.access_rectification_request(user, raw)
    if found.person_id != getattr(person, "pk", None):
        raise Http404
    return found


def _after_correction(found: RectificationRequest | None, person_pk: int) -> HttpResponse:
    if found is not None:
        return redirect("privacy:correction-detail", pk=found.pk)
    return redirect("people:person-detail", pk=person_pk)


@accounts_access.require_perm(Perm.CHANGE_PEOPLE, council_staff=True)
def correct_person(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Correct the young person's own details at their request; who, why, and the old values are kept."""
    user = _user(request, Perm.CHANGE_PEOPLE)
    person = access.access_person_to_correct(user, person_pk)
    found = _request_for(request, user, person)
    initial: dict[str, Any] = {name: getattr(person, name) for name in PERSON_FIELDS}
    for flag in ("uasc", "send", "ehcp", "is_parent", "is_pregnant", "lives_out_of_area"):
        initial[flag] = "yes" if initial[flag] else "no"
    initial["version"] = person.version
    form = forms.PersonCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version, reason = data.pop("version"), data.pop("reason")
        try:
            services.rectification_record(
                acting_user=user, person=person, version=version, reason=reason, request=found, **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Correction saved: the old values are kept with your reason")
            return _after_correction(found, person.pk)
    return render(
        request,
        "privacy/correct_form.html",
        {"form": form, "person": person, "req": found, "title": "Correct their details"},
        status=400 if form.errors else 200,
    )


HISTORY_FORMS: dict[str, type[GovukForm]] = {
    "eet": people_forms.EETCorrectionForm,
    "accommodation": people_forms.AccommodationCorrectionForm,
    "contact": forms.ContactCorrectionForm,
}


@accounts_access.require_perm(Perm.CHANGE_PEOPLE, council_staff=True)
def correct_record(request: HttpRequest, person_pk: int, kind: str, record_pk: int) -> HttpResponse:
    """Correct one of their history records (EET, accommodation, contact) at their request: the record as it
    was stays in the history, superseded, with the reason and who corrected it."""
    user = _user(request, Perm.CHANGE_PEOPLE)
    if kind not in HISTORY_FORMS:
        raise Http404
    person = access.access_person_to_correct(user, person_pk)
    record = access.history_record(person, kind, record_pk)
    found = _request_for(request, user, person)
    form_class = HISTORY_FORMS[kind]
    initial = {name: getattr(record, name) for name in form_class.base_fields if hasattr(record, name)}
    if "part_time" in initial:
        initial["part_time"] = "yes" if initial["part_time"] else "no"
    if "setting" in initial:
        initial["setting"] = record.setting_id
    extra = {"settings": access.settings_for(user)} if kind == "eet" else {}
    form = form_class(request.POST or None, initial=initial, **extra)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("correction_reason")
        try:
            services.rectification_correct_history(
                acting_user=user, kind=kind, record=record, reason=reason, request=found, **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Correction saved: the record as it was is kept in the history, with your reason")
            return _after_correction(found, person.pk)
    return render(
        request,
        "privacy/correct_form.html",
        {"form": form, "person": person, "req": found, "record": record, "title": "Correct a record"},
        status=400 if form.errors else 200,
    )


# The record of processing -------------------------------------------------------------------------------


@require_safe
@accounts_access.require_perm(Perm.VIEW_RECORD_OF_PROCESSING)
def record_of_processing(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/record_of_processing.html", {"entries": processing.entries()})
