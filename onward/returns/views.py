"""Pages for the performance officer: import SSDA903 files, export the return, check it, fix gaps."""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
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
def overview(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    council = access.council_of(user)
    year = _year(request)
    context: dict[str, object] = {
        "year_form": forms.YearForm(initial={"year": year}),
        "year": year,
        "year_label": f"{year - 1} to {year}",
        "can_export": user.can(Perm.EXPORT_RETURNS),
        "can_import": user.can(Perm.IMPORT_DATA),
        "runs": access.import_runs_visible_to(user)[:10],
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
        result = services.return_export(acting_user=user, council=access.council_of(user), year=year)  # type: ignore[arg-type]
    except ssda903.CollectionYearError:
        raise Http404 from None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in result.files().items():
            archive.writestr(name, text)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="ssda903-care-leavers-{year}.zip"'
    return response


@require_safe
@access.require_perm(Perm.EXPORT_RETURNS)
def check(request: HttpRequest, year: int) -> HttpResponse:
    """Run the Department's rules over the return as it would be exported now."""
    user = _user(request)
    try:
        result = selectors.build_return(council=access.council_of(user), year=year)
    except ssda903.CollectionYearError:
        raise Http404 from None
    context: dict[str, object] = {
        "year": year,
        "year_label": f"{year - 1} to {year}",
        "available": validator.available(),
        "oc3_count": len(result.oc3),
    }
    if validator.available():
        checked = validator.validate_files(result.files(), year=year)
        people = {
            p.child_id: p
            for p in access.people_visible_to(user).filter(child_id__in={e["child"] for e in checked.errors})
        }
        context.update(
            {
                "errors": [{**e, "person": people.get(str(e["child"]))} for e in checked.errors[:500]],
                "error_count": len(checked.errors),
                "rules_run": checked.rules_run,
                "failed_rules": checked.failed_rules,
            }
        )
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
            council=access.council_of(user),  # type: ignore[arg-type]
            year=form.cleaned_data["year"],
            files=form.cleaned_data["uploads"],
        )
        return redirect("returns:import-detail", pk=run.pk)
    return render(request, "returns/import_upload.html", {"form": form})


@require_safe
@access.require_perm(Perm.IMPORT_DATA)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    run = access.access_import_run(user, pk)
    return render(
        request, "returns/import_detail.html", {"run": run, "problems": run.problems[:1000], "changes": run.changes}
    )


@require_POST
@access.require_perm(Perm.IMPORT_DATA)
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    run = access.access_import_run(user, pk)
    try:
        services.ssda903_commit(acting_user=user, run=run)
    except services.ImportNotReady as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Import saved")
    return redirect("returns:import-detail", pk=run.pk)


@require_POST
@access.require_perm(Perm.IMPORT_DATA)
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    run = access.access_import_run(user, pk)
    if run.status == ImportRun.Status.PREVIEWED:
        services.import_discard(acting_user=user, run=run)
        messages.success(request, "Import discarded: nothing was saved")
    return redirect("returns:overview")
