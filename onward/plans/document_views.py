"""Pages for committee documents (DOCX, PDF) and the spreadsheet template, export and import of a plan."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.core import exports, import_views, imports
from onward.core.forms_errors import apply_validation_error
from onward.plans import access as plan_access
from onward.plans import document_forms, documents, interchange, selectors, services
from onward.plans import imports as plan_imports
from onward.plans.models import Plan, PlanImport, ReviewRound

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


def _after_upload(request: HttpRequest, run: PlanImport, context: dict[str, object], done: str) -> HttpResponse | None:
    """Where an upload goes next: the plan once saved, its problems on the upload page, or the run's
    page while it is checked and saved in the background."""
    if run.status == imports.Status.COMMITTED and run.plan is not None:
        messages.success(request, done.format(count=run.summary.get("items", 0)))
        return redirect(_plan_url(run.plan))
    if run.status == imports.Status.REJECTED:
        context.update(_problem_context(plan_imports.problems_of(run)))
        return None
    return redirect("plans:import-run", pk=run.pk)


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
        try:
            run = plan_imports.plan_import_start(
                acting_user=user,
                council=council,
                plan=None,
                file_name=form.cleaned_data["upload"].name,
                rows=form.rows,
                plan_fields=form.plan_fields(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            response = _after_upload(request, run, context, "Plan created with {count} items from the spreadsheet")
            if response is not None:
                return response
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
        try:
            run = plan_imports.plan_import_start(
                acting_user=user,
                council=plan.council,
                plan=plan,
                file_name=form.cleaned_data["upload"].name,
                rows=form.rows,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            response = _after_upload(request, run, context, "{count} items added from the spreadsheet")
            if response is not None:
                return response
    return render(request, "plans/import.html", context)


@require_safe
@access.require_perm(Perm.MANAGE_PLANS)
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    """A spreadsheet being checked and saved in the background: its progress, problems and next step."""
    run = plan_access.access_plan_import(request.user, pk)  # type: ignore[arg-type]
    page = imports.run_page(
        run,
        retry_url=reverse("plans:import-run-retry", kwargs={"pk": run.pk}),
        discard_url=reverse("plans:import-run-discard", kwargs={"pk": run.pk}),
    )
    return render(request, "plans/import_run.html", {"page": page, "run": run})


@require_POST
@access.require_perm(Perm.MANAGE_PLANS)
def import_run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    run = plan_access.access_plan_import(user, pk)
    return import_views.retry(request, run, page="plans:import-run", again="The spreadsheet is being checked again")


@require_POST
@access.require_perm(Perm.MANAGE_PLANS)
def import_run_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    run = plan_access.access_plan_import(user, pk)
    return import_views.discard(
        request, run, page="plans:import-run", done="plans:plan-list", extra=(imports.Status.REJECTED,)
    )


def _plan_url(plan: Plan) -> str:
    return reverse("plans:plan-detail", kwargs={"pk": plan.pk})
