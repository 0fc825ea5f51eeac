"""Where reporting reads go: a read replica, when one is configured.

With ``ONWARD_REPORTING_DATABASE_URL`` set, the settings add a second database alias,
``reporting``: a read-only copy of the main database (a PostgreSQL streaming replica). The
indicator queries (``onward.performance.selectors``: the live figures of the dashboard, reports and
snapshots, and the stored month ends) read from it through ``reporting_alias()``, so a council's
reports never compete with its staff's daily work for the primary. Everything else, and every
write, uses the primary. Without the setting (the default) the alias is ``default``.

A replica lags the primary by a moment: figures are as of then, which reporting accepts; a
page that must show what was just saved reads from the primary, as every other page does.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPORTING = "reporting"


def reporting_alias() -> str:
    """The database the reporting selectors read: the replica if configured, else the primary."""
    return REPORTING if REPORTING in settings.DATABASES else DEFAULT_DB_ALIAS


class ReportingRouter:
    """Nothing is ever written to, or migrated on, the reporting replica: it copies the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        return None  # the primary, unless a reporting selector names the replica itself

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return False if db == REPORTING else None
