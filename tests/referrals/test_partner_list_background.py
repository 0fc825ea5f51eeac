"""Partners' lists in the core import flow: matched at once when small, by the background worker above
the threshold (the page shows progress, then what matched); a bad file keeps nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.management.commands import db_worker

from onward.core import imports
from onward.referrals import selectors
from onward.referrals.models import PartnerListReturn
from tests.returns.test_background_recovery import killed_while_running, live_worker


@pytest.fixture
def queue(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """Tasks go to the database queue, as in production, and every file is large enough for the background."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ONWARD_BACKGROUND_IMPORT_ROWS = 1
    return settings


def _list(tenant) -> bytes:  # type: ignore[no-untyped-def]
    person = tenant.person
    return (
        f"name,date of birth,status\n{person.legal_name},{person.date_of_birth:%d/%m/%Y},on roll\n"
        "Sam Nobody,01/01/2004,left\n"
    ).encode()


def _send(client, content: bytes):  # type: ignore[no-untyped-def]
    return client.post(reverse("referrals:partner-list"), {"upload": SimpleUploadedFile("roll.csv", content)})


def test_a_small_list_is_matched_at_once(world, signed_in) -> None:  # type: ignore[no-untyped-def]
    a = world["A"]
    response = _send(signed_in(a.users["partner_provider"]), _list(a))
    assert response.status_code == 200 and "Your list, matched" in response.content.decode()
    listed = PartnerListReturn.objects.get()
    assert (listed.status, listed.content, listed.created_by) == (
        imports.Status.COMMITTED,
        "",
        a.users["partner_provider"],
    )
    assert [row["name"] for row in listed.matched] == [a.person.legal_name]
    assert selectors.latest_partner_lists(a.council) == [listed]


def test_a_large_list_is_matched_by_the_worker(  # type: ignore[no-untyped-def]
    world, signed_in, queue, django_capture_on_commit_callbacks
) -> None:
    a = world["A"]
    client = signed_in(a.users["partner_provider"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, _list(a))
    listed = PartnerListReturn.objects.get()
    assert response["Location"] == reverse("referrals:partner-list-run", kwargs={"pk": listed.pk})
    assert listed.status == imports.Status.QUEUED and listed.task_id
    assert selectors.latest_partner_lists(a.council) == []  # nothing counts until it is matched
    page = client.get(response["Location"]).content.decode()
    assert "Matching your list" in page and 'http-equiv="refresh"' in page
    killed_while_running(listed)  # type: ignore[arg-type]
    live_worker()  # taken back and run again from the start
    listed.refresh_from_db()
    assert listed.status == imports.Status.COMMITTED and listed.progress == 100
    assert [row["name"] for row in listed.matched] == [a.person.legal_name]
    assert [row["name"] for row in listed.unmatched] == ["Sam Nobody"]
    assert selectors.latest_partner_lists(a.council) == [listed]
    page = client.get(response["Location"]).content.decode()
    assert "Your list, matched" in page and "Sam Nobody" in page
    other = signed_in(world["B"].users["partner_provider"])
    assert other.get(response["Location"]).status_code == 404


def test_a_bad_file_keeps_nothing(world, signed_in, queue) -> None:  # type: ignore[no-untyped-def]
    a = world["A"]
    client = signed_in(a.users["partner_provider"])
    response = _send(client, b"name,born\nSam Nobody,01/01/2004\n")
    assert "missing: date of birth, status" in response.content.decode()
    response = _send(client, "name,date of birth,status\nZoë,01/01/2004,left\n".encode("utf-16"))
    assert "The file must be saved as UTF-8" in response.content.decode()
    assert not PartnerListReturn.objects.exists()
