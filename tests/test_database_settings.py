"""PostgreSQL is sent values apart from the SQL and prepares what is run often (ADR 39)."""

from __future__ import annotations

import pytest
from django.db import connection

from config.settings.base import _prepared_statements

POSTGRES = "django.db.backends.postgresql"


def test_postgresql_binds_on_the_server_and_prepares_a_statement_run_five_times() -> None:
    assert _prepared_statements({"ENGINE": POSTGRES, "OPTIONS": {"sslmode": "prefer"}})["OPTIONS"] == {
        "sslmode": "prefer",
        "server_side_binding": True,
        "prepare_threshold": 5,
    }


def test_the_threshold_comes_from_the_environment_and_zero_never_prepares(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONWARD_DB_PREPARE_THRESHOLD", "12")
    assert _prepared_statements({"ENGINE": POSTGRES})["OPTIONS"]["prepare_threshold"] == 12
    monkeypatch.setenv("ONWARD_DB_PREPARE_THRESHOLD", "0")
    assert _prepared_statements({"ENGINE": POSTGRES})["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": None,
    }


def test_other_databases_are_left_as_they_are() -> None:
    assert _prepared_statements({"ENGINE": "django.db.backends.sqlite3"}) == {"ENGINE": "django.db.backends.sqlite3"}


@pytest.mark.django_db
def test_the_suite_connects_as_production_does() -> None:
    """The suite's connection is made from the same settings: on PostgreSQL (CI's second run) every
    query the tests make is sent with its values apart, and prepared once run five times."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        assert connection.connection.prepare_threshold == 5
        with connection.cursor() as cursor:
            assert type(cursor.cursor).__name__ == "ServerBindingCursor"
    else:
        assert "server_side_binding" not in connection.settings_dict.get("OPTIONS", {})
