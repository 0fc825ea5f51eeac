"""Background work for large imports, run by `python manage.py db_worker` (django-tasks)."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from onward.accounts.models import User
from onward.core.logging import error_class, error_outline
from onward.returns import services
from onward.returns.models import ImportRun


class ImportFailed(Exception):
    """A background import failed. It names the files and the cause's class and place, never its message:
    the worker logs and keeps a failed task's error, and a database error's message quotes the files."""


def _failed(run_id: int, doing: str, error: Exception) -> ImportFailed:
    files = ImportRun.objects.filter(pk=run_id).values_list("files", flat=True).first() or {}
    sizes = ", ".join(f"{name} ({len(text):,} characters)" for name, text in files.items()) or "no files"
    return ImportFailed(
        f"Import run {run_id} ({sizes}) failed while {doing}: {error_class(error)}\n{error_outline(error)}"
    )


@task()
def preview_import(run_id: int) -> None:
    run = ImportRun.objects.select_related("council", "created_by").get(pk=run_id)
    try:
        services.ssda903_check(run=run)
    except Exception as error:
        ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.FAILED)
        raise _failed(run_id, "checking", error) from None


@task()
def commit_import(run_id: int, user_id: int | None) -> None:
    run = ImportRun.objects.select_related("council").get(pk=run_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        services.ssda903_commit(acting_user=user, run=run)
    except services.ImportNotReady:
        with transaction.atomic():
            ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.REJECTED)
    except Exception as error:
        ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.FAILED)
        raise _failed(run_id, "saving", error) from None


@task()
def preview_case_import(run_id: int) -> None:
    """Check a large case-system export (``services.case_check``) away from the request."""
    run = ImportRun.objects.select_related("council", "created_by", "mapping").get(pk=run_id)
    try:
        services.case_check(run=run)
    except Exception as error:
        ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.FAILED)
        raise _failed(run_id, "checking", error) from None


@task()
def commit_case_import(run_id: int, user_id: int | None) -> None:
    """Save a large previewed case-system export (``services.case_commit``) away from the request."""
    run = ImportRun.objects.select_related("council", "mapping").get(pk=run_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        services.case_commit(acting_user=user, run=run)
    except services.ImportNotReady:
        ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.REJECTED)
    except Exception as error:
        ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.FAILED)
        raise _failed(run_id, "saving", error) from None
