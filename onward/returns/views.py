"""Pages for the performance officer: import SSDA903 files, export the return, check it, fix gaps."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.core import exports, import_views, imports, uploads
from onward.core.forms_errors import apply_validation_error
from onward.people import access as people_access
from onward.returns import access as return_access
from onward.returns import forms, selectors, services, ssda903, validator
from onward.returns.models import ImportRun

RETURNS_PERMS = (Perm.IMPORT_DATA, Perm.EXPORT_RETURNS)


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.can_any(RETURNS_PERMS) or access.council_of(user) is None:
        raise PermissionDenied
    return user


def _year(request: HttpRequest) -> int:
    form = forms.YearForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return int(form.cleaned_data["year"])
    return int(forms.year_choices()[0][0])


@require_safe
@access.require_perm(any_of=RETURNS_PERMS, council_staff=True)
def overview(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    council = access.own_council(user)
    year = _year(request)
    context: dict[str, object] = {
        "year_form": forms.YearForm(initial={"year": year}),
        "year": year,
        "year_label": f"{year - 1} to {year}",
        "can_export": user.can(Perm.EXPORT_RETURNS),
        "can_import": user.can(Perm.IMPORT_DATA),
        "runs": return_access.import_runs_visible_to(user)[:10],
    }
    if user.can(Perm.EXPORT_RETURNS):
        result = selectors.build_return(council=council, year=year)
        context.update(
            {
                "oc3_count": len(result.oc3),
                "header_count": len(result.header),
                "episode_count": len(result.episodes),
                "issues": result.issues,
            }
        )
    return render(request, "returns/overview.html", context)


@require_safe
@access.require_perm(Perm.EXPORT_RETURNS)
def export(request: HttpRequest, year: int) -> HttpResponse:
    """The return's CSV files for the year, in one ZIP file. Audited."""
    user = _user(request)
    try:
        result = services.return_export(acting_user=user, council=access.own_council(user), year=year)
    except ssda903.CollectionYearError:
        raise Http404 from None
    return exports.zip_response(f"ssda903-care-leavers-{year}.zip", result.files())


@access.require_perm(Perm.EXPORT_RETURNS)
def check(request: HttpRequest, year: int) -> HttpResponse:
    """The Department's rules over the return as it would be exported now: run in the background
    (POST starts a check), with its progress, then what it found (ADR 0018)."""
    user = _user(request)
    council = access.own_council(user)
    try:
        ssda903.collection_window(year)
    except ssda903.CollectionYearError:
        raise Http404 from None
    if request.method == "POST":
        if validator.available():
            services.return_check_start(acting_user=user, council=council, year=year)
        return redirect("returns:check", year=year)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    latest = selectors.latest_return_check(council, year)
    state = services.check_state(latest) if latest is not None else None
    context: dict[str, object] = {
        "year": year,
        "year_label": f"{year - 1} to {year}",
        "available": validator.available(),
        "check": latest,
        "state": state,
        "waiting": latest is not None and latest.busy and not (state is not None and state.stuck),
    }
    if latest is not None and latest.status == latest.Status.DONE:
        flagged = latest.errors + latest.departures
        people = {
            p.child_id: p
            for p in people_access.people_visible_to(user).filter(child_id__in={str(e.get("child")) for e in flagged})
        }
        context["errors"] = [{**e, "person": people.get(str(e.get("child")))} for e in latest.errors]
        context["departures"] = [{**e, "person": people.get(str(e.get("child")))} for e in latest.departures]
    return render(request, "returns/check.html", context)


@access.require_perm(Perm.IMPORT_DATA)
def import_upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = forms.SSDA903UploadForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        run = services.ssda903_preview(
            acting_user=user,
            council=access.own_council(user),
            year=form.cleaned_data["year"],
            files=form.cleaned_data["uploads"],
        )
        return redirect("returns:import-detail", pk=run.pk)
    return render(request, "returns/import_upload.html", {"form": form})


@require_safe
@access.require_perm(Perm.IMPORT_DATA)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    run = return_access.access_import_run(user, pk)
    shown = selectors.problems_to_show(run.problems)
    state = services.run_state(run)
    return render(
        request,
        "returns/import_detail.html",
        {
            "run": run,
            "state": state,
            "steps": services.next_steps(run, state),
            "problems": shown.rows,
            "problem_counts": shown.counts,
            "problems_truncated": shown.truncated,
            "per_file": selectors.PROBLEMS_SHOWN_PER_FILE,
            "changes": run.changes,
        },
    )


@require_safe
@access.require_perm(Perm.IMPORT_DATA)
def import_problems_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every problem of the run as CSV, however many the page leaves out. Audited as an export."""
    user = _user(request)
    run = return_access.access_import_run(user, pk)
    problems = services.import_problems_export(acting_user=user, run=run)
    return exports.csv_response(
        f"import-{run.pk}-problems.csv", selectors.problem_rows(problems), header=selectors.PROBLEM_CSV_COLUMNS
    )


@require_POST
@access.require_perm(Perm.IMPORT_DATA)
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    run = return_access.access_import_run(user, pk)
    try:
        if run.kind == ImportRun.Kind.CASE_SYSTEM:
            run = services.case_save(acting_user=user, run=run)
        else:
            run = services.ssda903_save(acting_user=user, run=run)
    except services.ImportNotReady as error:
        messages.error(request, str(error))
    else:
        if run.status == ImportRun.Status.COMMITTED:
            messages.success(request, "Import saved")
    return redirect("returns:import-detail", pk=run.pk)


@require_POST
@access.require_perm(Perm.IMPORT_DATA)
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    run = return_access.access_import_run(user, pk)
    return import_views.discard(request, run, page="returns:import-detail", done="returns:overview")


@require_POST
@access.require_perm(Perm.IMPORT_DATA)
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Check a failed or stuck import's files again, from the start."""
    user = _user(request)
    run = return_access.access_import_run(user, pk)
    return import_views.retry(request, run, page="returns:import-detail", again="The files are being checked again")


@require_safe
@access.require_perm(Perm.VIEW_BACKGROUND_WORK)
def background_work(request: HttpRequest) -> HttpResponse:
    """The operators' page: the council's imports in the background, stuck ones first."""
    user: User = request.user  # type: ignore[assignment]
    council = access.own_council(user)
    rows = selectors.background_work(council)
    checks = selectors.background_checks(council)
    others = imports.background_runs(council, leave_out=(ImportRun.Kind.SSDA903, ImportRun.Kind.CASE_SYSTEM))
    return render(
        request,
        "returns/background_work.html",
        {
            "rows": rows,
            "checks": checks,
            "others": others,
            "stuck_count": sum(1 for row in [*rows, *checks] if row.state is not None and row.state.stuck)
            + sum(1 for other in others if other.state is not None and other.state.stuck),
            "can_import": user.can(Perm.IMPORT_DATA),
            "max_attempts": settings.ONWARD_TASK_MAX_ATTEMPTS,
            "stuck_seconds": settings.ONWARD_TASK_STUCK_SECONDS,
        },
    )


# Case-system exports -----------------------------------------------------------------------------


@require_safe
@access.require_perm(Perm.IMPORT_DATA)
def mapping_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(request, "returns/mapping_list.html", {"mappings": return_access.mappings_visible_to(user)})


@access.require_perm(Perm.IMPORT_DATA)
def mapping_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    mapping = return_access.access_mapping(user, pk) if pk is not None else None
    initial = forms.MappingForm.initial_for(mapping) if mapping else {"date_format": "%d/%m/%Y"}
    form = forms.MappingForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.mapping_save(
                acting_user=user,
                council=access.own_council(user),
                mapping=mapping,
                name=data["name"],
                record_type=data["record_type"],
                columns=data["columns"],
                values=data["values"],
                date_format=data["date_format"],
                version=data["version"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Mapping {saved.name} saved")
            return redirect("returns:mapping-list")
    return render(request, "returns/mapping_form.html", {"form": form, "mapping": mapping})


@access.require_perm(Perm.IMPORT_DATA)
def case_upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    mappings = return_access.mappings_visible_to(user)
    form = forms.CaseUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        mappings=mappings,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        try:
            run = services.case_preview(
                acting_user=user,
                council=access.own_council(user),
                mapping=form.cleaned_data["mapping"],
                name=upload.name,
                content=form.content,
                rows=form.rows,
            )
        except uploads.Refused as error:
            form.add_error("upload", str(error))
        else:
            return redirect("returns:import-detail", pk=run.pk)
    return render(request, "returns/case_upload.html", {"form": form, "has_mappings": mappings.exists()})
