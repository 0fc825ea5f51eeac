"""Pages for committee documents (DOCX, PDF) and the spreadsheet template, export and import of a plan."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.core import exports
from onward.core.forms_errors import apply_validation_error
from onward.plans import access as plan_access
from onward.plans import document_forms, documents, interchange, selectors, services
from onward.plans.models import Plan, ReviewRound

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": exports.XLSX_CONTENT_TYPE,
    "csv": exports.CSV_CONTENT_TYPE,
}


def _attachment(content: bytes, file_format: str, filename: str) -> HttpResponse:
    return exports.attachment(content, content_type=CONTENT_TYPES[file_format], filename=filename)


def _document(request: HttpRequest, plan: Plan, review_round: ReviewRound | None, file_format: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if file_format not in ("docx", "pdf"):
        raise Http404
    services.plan_export_record(
        acting_user=user, plan=plan, what="committee document", file_format=file_format, review_round=review_round
    )
    document = selectors.plan_document(plan, review_round)
    content = documents.build_docx(document) if file_format == "docx" else documents.build_pdf(document)
    return _attachment(content, file_format, document.filename(file_format))


@require_safe
@access.require_perm(Perm.VIEW_PLANS)
def plan_document(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The plan's committee document as it stands today, as DOCX or PDF. Audited as an export."""
    plan = plan_access.access_plan(request.user, pk)  # type: ignore[arg-type]
    return _document(request, plan, None, file_format)


@require_safe
@access.require_perm(Perm.VIEW_PLANS)
def round_document(request: HttpRequest, pk: int, round_pk: int, file_format: str) -> HttpResponse:
    """The committee document for a review round (open or closed), as DOCX or PDF. Audited as an export."""
    plan = plan_access.access_plan(request.user, pk)  # type: ignore[arg-type]
    review_round = plan_access.access_review_round(request.user, round_pk)  # type: ignore[arg-type]
    if review_round.plan_id != plan.pk:
        raise Http404
    return _document(request, plan, review_round, file_format)


@require_safe
@access.require_perm(Perm.VIEW_PLANS)
def plan_spreadsheet(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The plan in the import template's columns, one row per item, as XLSX or CSV. Audited as an export."""
    user: User = request.user  # type: ignore[assignment]
    plan = plan_access.access_plan(user, pk)
    if file_format not in ("xlsx", "csv"):
        raise Http404
    services.plan_export_record(acting_user=user, plan=plan, what="spreadsheet", file_format=file_format)
    rows = selectors.plan_export_rows(plan)
    content = interchange.to_xlsx(rows, scheme=plan.scheme()) if file_format == "xlsx" else interchange.to_csv(rows)
    stamp = timezone.localdate().isoformat()
    return _attachment(content, file_format, f"plan-{plan.pk}-{stamp}.{file_format}")


@require_safe
@access.require_perm(Perm.VIEW_PLANS)
def template(request: HttpRequest, file_format: str) -> HttpResponse:
    """The empty import template: the header row, and (XLSX) a Notes sheet explaining each column."""
    if file_format not in ("xlsx", "csv"):
        raise Http404
    content = interchange.to_xlsx([], scheme=None) if file_format == "xlsx" else interchange.to_csv([])
    return _attachment(content, file_format, f"plan-import-template.{file_format}")


def _problem_context(problems: list[interchange.Problem]) -> dict[str, object]:
    return {"problems": problems, "problem_count": len(problems)}


@access.require_perm(Perm.MANAGE_PLANS)
def import_new(request: HttpRequest) -> HttpResponse:
    """Make a new plan from a spreadsheet. Every row is checked first; if any is wrong nothing is saved."""
    user: User = request.user  # type: ignore[assignment]
    council = access.council_of(user)
    if council is None:
        raise Http404
    custom = plan_access.rating_schemes_visible_to(user)
    form = document_forms.NewPlanUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        custom_schemes=custom,
    )
    context: dict[str, object] = {"form": form, "plan": None}
    if request.method == "POST" and form.is_valid():
        parsed = interchange.parse_rows(form.rows, scheme=form.scheme(), today=timezone.localdate())
        if parsed.problems:
            context.update(_problem_context(parsed.problems))
        else:
            try:
                plan = services.plan_import(
                    acting_user=user,
                    council=council,
                    plan=None,
                    parsed=parsed,
                    file_name=form.cleaned_data["upload"].name,
                    plan_fields=form.plan_fields(),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Plan created with {len(parsed.items)} items from the spreadsheet")
                return redirect(_plan_url(plan))
    return render(request, "plans/import.html", context)


@access.require_perm(Perm.MANAGE_PLANS)
def import_into(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the items of a spreadsheet to an existing plan: all of them, or none if any row is wrong."""
    user: User = request.user  # type: ignore[assignment]
    plan = plan_access.access_plan(user, pk, for_change=True)
    form = document_forms.PlanUploadForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    context: dict[str, object] = {"form": form, "plan": plan}
    if request.method == "POST" and form.is_valid():
        taken = set(plan.items.values_list("reference", flat=True))
        parsed = interchange.parse_rows(form.rows, scheme=plan.scheme(), today=timezone.localdate(), taken=taken)
        if parsed.problems:
            context.update(_problem_context(parsed.problems))
        else:
            try:
                services.plan_import(
                    acting_user=user,
                    council=plan.council,
                    plan=plan,
                    parsed=parsed,
                    file_name=form.cleaned_data["upload"].name,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"{len(parsed.items)} items added from the spreadsheet")
                return redirect(_plan_url(plan))
    return render(request, "plans/import.html", context)


def _plan_url(plan: Plan) -> str:
    return reverse("plans:plan-detail", kwargs={"pk": plan.pk})
