"""load_demo writes a published password: it refuses to run in production or beside real councils."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from onward.accounts.models import Organisation, User
from onward.audit.models import AuditEvent
from tests.factories import CouncilFactory, UserFactory


def _counts() -> tuple[int, int, int]:
    return Organisation.objects.count(), User.objects.count(), AuditEvent.objects.count()


@pytest.mark.django_db
@override_settings(ONWARD_ENVIRONMENT="production")
def test_load_demo_refuses_to_run_with_production_settings() -> None:
    """With production settings the demo is not loaded: a clear message, a non-zero exit, nothing written."""
    before = _counts()
    with pytest.raises(CommandError, match="production") as refused:
        call_command("load_demo", "--quiet")
    assert refused.value.returncode != 0
    assert _counts() == before
    assert not User.objects.filter(email__endswith="@wexbridge.example").exists()


@pytest.mark.django_db
def test_load_demo_refuses_a_database_that_holds_other_councils() -> None:
    """A council other than the demo's means real data: the demo, with its published password, is not added."""
    council = CouncilFactory(name="Alderley Borough Council")
    UserFactory(organisation=council, roles=["administrator"])
    before = _counts()
    with pytest.raises(CommandError, match="Alderley Borough Council") as refused:
        call_command("load_demo", "--quiet")
    assert refused.value.returncode != 0
    assert _counts() == before
    assert not Organisation.objects.filter(name="Wexbridge City Council").exists()


@pytest.mark.django_db
def test_load_demo_runs_again_on_a_database_of_the_demo_only() -> None:
    """The demo's own councils are no obstacle: loading it again is allowed (and changes nothing)."""
    call_command("load_demo", "--quiet")
    before = (Organisation.objects.count(), User.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Organisation.objects.count(), User.objects.count()) == before
