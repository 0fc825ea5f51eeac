"""Optimistic locking (`core.concurrency`): the one way a stale, missing or vanished version is refused."""

from __future__ import annotations

import pytest
from django import forms

from onward.accounts.models import Team
from onward.core.concurrency import NextStatusField, StaleRecordError, VersionField, lock_for_change
from tests.factories import CouncilFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> Team:
    return TeamFactory(council=CouncilFactory())


@pytest.mark.parametrize("version", [None, True, False, "1", 1.0])
def test_a_missing_or_malformed_version_is_refused_naming_the_record(team: Team, version: object) -> None:
    """Only a whole number is a version: not None, not a boolean (True would pass for 1), not text."""
    with pytest.raises(StaleRecordError) as refused:
        lock_for_change(Team, team.pk, version, "team")  # type: ignore[arg-type]
    assert refused.value.code == "missing_version"
    assert refused.value.messages == ["Your changes have not been saved: open the team again and make your changes"]


def test_a_stale_version_is_refused_with_the_standard_or_given_message(team: Team) -> None:
    with pytest.raises(StaleRecordError) as refused:
        lock_for_change(Team, team.pk, team.version + 1, "team")
    assert refused.value.code == "stale"
    assert refused.value.messages == [
        "Someone else changed this team while you were working on it: check it and make your changes again"
    ]
    with pytest.raises(StaleRecordError) as explained:
        lock_for_change(Team, team.pk, team.version + 1, "team", stale_message=lambda row: f"{row.name} changed")
    assert explained.value.messages == [f"{team.name} changed"]


def test_a_removed_record_is_refused_as_gone(team: Team) -> None:
    with pytest.raises(StaleRecordError) as refused:
        lock_for_change(Team, team.pk + 1000, 1, "team")
    assert refused.value.code == "gone"
    assert refused.value.messages == ["Your changes have not been saved: this team no longer exists"]


def test_the_current_version_locks_and_returns_the_row(team: Team) -> None:
    assert lock_for_change(Team, team.pk, team.version, "team") == team


def test_the_version_field_cleans_anything_unreadable_to_none() -> None:
    class Form(forms.Form):
        version = VersionField()

    for data, cleaned in (({"version": "3"}, 3), ({"version": "x"}, None), ({}, None)):
        form = Form(data)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["version"] == cleaned


def test_the_next_status_field_accepts_any_of_the_records_statuses() -> None:
    """A move offered from an older page passes the form; the service judges it against the record."""
    field = NextStatusField(statuses=["sent", "accepted"], choices=[("accepted", "Accept")])
    assert field.valid_value("sent")
    assert field.valid_value("accepted")
    assert not field.valid_value("withdrawn")
