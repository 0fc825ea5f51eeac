"""The audit writer's snapshots: what goes into the trail of a change, and what never does."""

from __future__ import annotations

import datetime
import decimal

from onward.audit.services import _jsonable, diff, snapshot
from tests.factories import UserFactory


def test_a_users_password_never_enters_the_audit_trail(db: None) -> None:
    """A snapshot of a user holds their name and email, never their password hash."""
    state = snapshot(UserFactory(email="snapshot@example.org"))
    assert state["email"] == "snapshot@example.org"
    assert "password" not in state
    assert "created_at" not in state


def test_values_are_stored_as_plain_text_the_trail_can_compare() -> None:
    """Dates, decimals and records are kept as text: an ISO date, the decimal's digits, the record's id."""
    user = UserFactory.build(pk=41)
    assert _jsonable(datetime.date(2026, 12, 5)) == "2026-12-05"
    assert _jsonable(decimal.Decimal("12.5")) == "12.5"
    assert _jsonable(user) == "41"
    assert _jsonable([user, decimal.Decimal("2")]) == ["2", "41"]


def test_a_field_set_for_the_first_time_is_in_the_difference() -> None:
    """A field missing before and present after, or the other way round, counts as changed."""
    assert diff({}, {"status": "open"}) == {"status": [None, "open"]}
    assert diff({"status": "open"}, {}) == {"status": ["open", None]}
    assert diff({"status": "open"}, {"status": "open"}) == {}
