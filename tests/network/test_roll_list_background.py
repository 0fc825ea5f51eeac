"""Settings' on-roll lists in the core import flow: checked and saved at once when small, by the
background worker above the threshold (progress, then the preview, then the save); a bad file changes
nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tasks_db.management.commands import db_worker

from onward.network.models import RollList, SettingSpell
from tests.conftest import Tenant
from tests.network.helpers import care_leaver
from tests.network.test_agreements_and_lists import TODAY, _college, _line, _upload
from tests.returns.test_background_recovery import killed_while_running, live_worker

HEADER = "UPN,Given name,Family name,Date of birth\n"


@pytest.fixture
def queue(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """Tasks go to the database queue, as in production, and every file is large enough for the background."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ONWARD_BACKGROUND_IMPORT_ROWS = 1
    return settings


def test_a_small_list_is_checked_and_saved_at_once(world: dict[str, Tenant], signed_in) -> None:  # type: ignore[no-untyped-def]
    tenant = world["A"]
    college = _college(tenant)
    person = care_leaver(tenant.council, age=17)
    client = signed_in(tenant.users["performance_officer"])
    _upload(client, college, HEADER + _line(person))
    roll = RollList.objects.get()
    assert (roll.status, roll.task_id, roll.created_by) == (
        RollList.Status.PREVIEWED,
        None,
        tenant.users["performance_officer"],
    )
    client.post(reverse("network:roll-commit", args=[roll.pk]))
    roll.refresh_from_db()
    assert (roll.status, roll.content) == (RollList.Status.COMMITTED, "")
    assert SettingSpell.objects.get(person=person).setting == college


def test_a_large_list_is_checked_and_saved_by_the_worker(  # type: ignore[no-untyped-def]
    world: dict[str, Tenant], signed_in, queue, django_capture_on_commit_callbacks
) -> None:
    tenant = world["A"]
    college = _college(tenant)
    first, second = care_leaver(tenant.council, age=17), care_leaver(tenant.council, age=18)
    client = signed_in(tenant.users["performance_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, college, HEADER + _line(first) + _line(second) + ",Pupil,Other,02/02/2008\n")
    roll = RollList.objects.get()
    assert roll.status == RollList.Status.QUEUED and roll.task_id
    page = client.get(reverse("network:roll-detail", args=[roll.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "Waiting to be checked" in page and "Save the list" not in page
    killed_while_running(roll)  # type: ignore[arg-type]
    live_worker()  # taken back and checked again from the start
    roll.refresh_from_db()
    assert roll.status == RollList.Status.PREVIEWED
    assert {r["person"] for r in roll.matched} == {first.pk, second.pk} and roll.unmatched == 1
    assert not SettingSpell.objects.filter(setting=college).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("network:roll-commit", args=[roll.pk]))
    roll.refresh_from_db()
    assert roll.status == RollList.Status.SAVING
    live_worker()
    roll.refresh_from_db()
    assert roll.status == RollList.Status.COMMITTED and roll.progress == 100
    assert {s.person_id for s in SettingSpell.objects.filter(setting=college, start=TODAY)} == {first.pk, second.pk}


def test_a_bad_list_changes_nothing_in_the_background(  # type: ignore[no-untyped-def]
    world: dict[str, Tenant], signed_in, queue, django_capture_on_commit_callbacks
) -> None:
    tenant = world["A"]
    college = _college(tenant)
    person = care_leaver(tenant.council, age=17)
    client = signed_in(tenant.users["performance_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, college, HEADER + _line(person) + _line(person))
    live_worker()
    roll = RollList.objects.get()
    assert roll.status == RollList.Status.REJECTED
    assert [p["message"] for p in roll.problems] == ["This young person is on the list twice"]
    response = client.post(reverse("network:roll-commit", args=[roll.pk]), follow=True)
    assert "Only an import that is ready to commit can be saved" in response.content.decode()
    assert not SettingSpell.objects.filter(setting=college).exists()
