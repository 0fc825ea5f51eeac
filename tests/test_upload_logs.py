"""An upload that fails is logged by its file name, size and error class: never by what it holds.

PostgreSQL's error for a value it cannot store quotes the statement, and so the start of the
uploaded file (``LINE 1: ... E'{"header.csv": "CHILD,...``); logged with its traceback, that put
young people's details in the service's logs. Each upload page is made to fail that way here (by
a stand-in for the database's error, so the test runs on SQLite too) and every log record is
searched for a marker that only the file holds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError
from django.test import Client
from django.urls import reverse

from onward.returns.models import ImportRun
from tests.conftest import Tenant, sign_in

MARKER = "ZQX-Pupil-Marker-7731"
CONTENT = f"CHILD,SEX,DOB\n{MARKER},1,01/01/2005\n".encode()


def _database_error(*args: object, **kwargs: object) -> None:
    """What PostgreSQL raises for a value it cannot store: the statement, with the file's start, quoted."""
    raise DataError(f'unsupported Unicode escape sequence\nLINE 1: ... E\'{{"upload.csv": "{CONTENT[:60].decode()}')


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    """Everything the log records say, as a handler would write it (message, traceback, extra fields)."""
    formatter = logging.Formatter("%(message)s")
    return "\n".join(f"{formatter.format(record)} {record.__dict__}" for record in caplog.records)


UPLOADS: dict[str, tuple[str, str, Callable[[Tenant], dict[str, object]]]] = {
    # page: (role, what to make fail, form data besides the file)
    "returns:import-upload": (
        "performance_officer",
        "onward.returns.services.ssda903_preview",
        lambda t: {"year": 2025},
    ),
    "returns:case-upload": (
        "performance_officer",
        "onward.returns.services.case_preview",
        lambda t: {"mapping": t.mapping.pk},  # type: ignore[union-attr]
    ),
    "performance:benchmark-upload": (
        "performance_officer",
        "onward.performance.services.benchmark_preview",
        lambda t: {},
    ),
    "plans:import-into": ("performance_officer", "onward.plans.interchange.read_table", lambda t: {}),
    "referrals:partner-list": ("partner_provider", "onward.referrals.services.partner_list_match", lambda t: {}),
}


@pytest.mark.parametrize("page", sorted(UPLOADS))
def test_a_failed_upload_is_logged_without_its_content(
    page: str, world: dict[str, Tenant], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The error page is shown; the log names the file, its size and the error class, not the content."""
    tenant = world["A"]
    role, target, data = UPLOADS[page]
    monkeypatch.setattr(target, _database_error)
    kwargs = {"pk": tenant.plan.pk} if page == "plans:import-into" else {}  # type: ignore[union-attr]
    client = sign_in(Client(raise_request_exception=False), tenant.users[role])
    field = "uploads" if page == "returns:import-upload" else "upload"
    caplog.set_level(logging.DEBUG)
    response = client.post(
        reverse(page, kwargs=kwargs), {**data(tenant), field: SimpleUploadedFile("upload.csv", CONTENT)}
    )
    assert response.status_code == 500
    logged = _logged(caplog)
    assert MARKER not in logged
    assert "upload.csv" in logged
    assert str(len(CONTENT)) in logged
    assert "DataError" in logged


def test_a_failed_background_import_is_logged_without_the_files(
    world: dict[str, Tenant], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large import checked in the background that fails is logged by run and error class only."""
    from onward.returns import services
    from onward.returns.tasks import preview_import

    tenant = world["A"]
    run = ImportRun.objects.create(
        council=tenant.council,
        kind=ImportRun.Kind.SSDA903,
        year=2025,
        status=ImportRun.Status.QUEUED,
        file_names=["header.csv"],
        files={"header.csv": CONTENT.decode()},
    )
    monkeypatch.setattr(services, "ssda903_check", _database_error)
    caplog.set_level(logging.DEBUG)
    preview_import.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    logged = _logged(caplog)
    assert "DataError" in logged
    assert MARKER not in logged


def test_a_file_the_database_cannot_store_is_not_quoted_in_the_log(
    world: dict[str, Tenant], caplog: pytest.LogCaptureFixture
) -> None:
    """A NUL character in an uploaded CSV (PostgreSQL refuses it in JSON) leaves nothing of the file in the log."""
    tenant = world["A"]
    client = sign_in(Client(raise_request_exception=False), tenant.users["performance_officer"])
    caplog.set_level(logging.DEBUG)
    content = f"CHILD,SEX,DOB\n{MARKER}\x00,1,01/01/2005\n".encode()
    client.post(reverse("returns:import-upload"), {"year": 2025, "uploads": SimpleUploadedFile("header.csv", content)})
    assert MARKER not in _logged(caplog)
