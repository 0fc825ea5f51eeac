"""A reporting replica: with ONWARD_REPORTING_DATABASE_URL set, the indicator selectors read from it.

Run for real in subprocesses, each with its own settings: two database files, a "primary" and a
"replica", migrated separately; a council with young people exists only in the replica. With the
setting, the live figures and the stored month ends come from the replica (they count its young
people); without it, from the primary (which has none). Nothing is ever migrated on the replica.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from config.routers import REPORTING, ReportingRouter, reporting_alias

MANAGE = str(Path(settings.BASE_DIR, "manage.py"))

MAKE_COUNCIL = """
import datetime, json
from onward.accounts import services
from onward.people.generator import generate_council
from onward.people.selectors import today
from onward.performance import indicators, services as performance
council = services.council_create(name="Replica Borough Council")
generate_council(council=council, size=40, seed=3)
performance.snapshot_take(councils=[council], month_end=indicators.month_ends_before(today(), 2)[0])
print(json.dumps(council.pk))
"""

READ = """
import json
from django.db import connections
from config.routers import reporting_alias
from onward.accounts.models import Organisation
from onward.people.models import YoungPerson
from onward.people.selectors import today
from onward.performance import live
from onward.performance import indicators, selectors
from onward.performance.models import Method
council = Organisation(pk=COUNCIL)
figures = live.live_counts(YoungPerson.objects.filter(council_id=COUNCIL), today())
cohort = sum((f.denominator or 0) + f.numerator for fs in figures.values() for f in fs.values())
ends = indicators.month_ends_before(today(), 2)
stored = selectors.stored(council, Method.SNAPSHOT, ends)
print(json.dumps({"alias": reporting_alias(), "live": cohort, "stored": len(stored),
                  "primary_people": YoungPerson.objects.count()}))
"""


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, MANAGE, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def test_with_a_replica_set_the_reporting_selectors_read_from_it(tmp_path: Path, migrated_sqlite: Path) -> None:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "ONWARD_REPORTING_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    base["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    primary, replica = f"sqlite:///{tmp_path / 'primary.db'}", f"sqlite:///{tmp_path / 'replica.db'}"
    # Both start as copies of a freshly migrated, empty database (the run's one migration, not two).
    shutil.copyfile(migrated_sqlite, tmp_path / "replica.db")
    shutil.copyfile(migrated_sqlite, tmp_path / "primary.db")
    council = int(_manage({**base, "DATABASE_URL": replica}, "shell", "-c", MAKE_COUNCIL))
    # Migrating the reporting alias does nothing: the router allows no migration there.
    with_replica = {**base, "DATABASE_URL": primary, "ONWARD_REPORTING_DATABASE_URL": replica}
    _manage(with_replica, "migrate", "--database", REPORTING, "--no-input", "-v0")

    read = f"COUNCIL = {council}\n" + READ
    on_replica = json.loads(_manage(with_replica, "shell", "-c", read))
    assert on_replica["alias"] == REPORTING
    assert on_replica["primary_people"] == 0  # everything else still reads the primary
    assert on_replica["live"] > 0
    assert on_replica["stored"] == 1

    on_primary = json.loads(_manage({**base, "DATABASE_URL": primary}, "shell", "-c", read))
    assert on_primary == {"alias": "default", "live": 0, "stored": 0, "primary_people": 0}


def test_without_the_setting_reporting_reads_the_primary_and_never_migrates_a_replica() -> None:
    assert REPORTING not in settings.DATABASES
    assert reporting_alias() == "default"
    router = ReportingRouter()
    assert router.allow_migrate(REPORTING, "people") is False
    assert router.allow_migrate("default", "people") is None
    assert router.db_for_write(object) == "default"
    assert router.db_for_read(object) is None
