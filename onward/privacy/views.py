"""The data protection officer's pages. Reads through ``onward.privacy.access``; writes through services.

None of these pages shows a young person's caseload record: a request shows the young person's child
identifier and name, the bundle's marked values for review, and (once approved) the downloads.
"""

from __future__ import annotations

import json

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
from onward.privacy import access, forms, processing, retention, services
from onward.privacy.models import SubjectAccessRequest

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
    return render(
        request,
        "privacy/retention.html",
        {
            "form": form,
            "due": retention.past_retention(council, timezone.localdate()),
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


# The record of processing -------------------------------------------------------------------------------


@require_safe
@accounts_access.require_perm(Perm.VIEW_RECORD_OF_PROCESSING)
def record_of_processing(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/record_of_processing.html", {"entries": processing.entries()})
