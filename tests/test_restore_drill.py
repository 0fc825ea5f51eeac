"""scripts/restore_drill.py (`make restore-drill`) and the backups compose.yaml configures.

The drill itself starts PostgreSQL clusters and takes about a minute, so `make restore-drill` and
`make bench` run it; these tests pin how it judges a restore and what the deployment backs up.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import yaml

ROOT = Path(__file__).resolve().parent.parent


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("restore_drill", ROOT / "scripts" / "restore_drill.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["restore_drill"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


AT_TARGET = {
    "people_contact": {"rows": 10, "checksum": "a" * 32},
    "returns_importrun": {"rows": 2, "checksum": "b" * 32},
}


def test_a_restore_that_matches_every_table_has_no_differences() -> None:
    """Equal counts and checksums in every table: the restore is accepted."""
    drill = load_script()
    assert drill.differences(AT_TARGET, {k: dict(v) for k, v in AT_TARGET.items()}) == []


def test_a_table_with_the_same_count_but_other_rows_is_a_difference() -> None:
    """A row changed (same count, other checksum) fails the drill, named by its table."""
    drill = load_script()
    found = {**AT_TARGET, "people_contact": {"rows": 10, "checksum": "c" * 32}}
    problems = drill.differences(AT_TARGET, found)
    assert len(problems) == 1
    assert problems[0].startswith("people_contact: 10 rows")


def test_missing_and_extra_tables_and_rows_are_differences() -> None:
    """A table lost, a table that was not there at the target, and a row too many all fail it."""
    drill = load_script()
    found = {
        "returns_importrun": {"rows": 3, "checksum": "b" * 32},
        "people_newthing": {"rows": 0, "checksum": "d" * 32},
    }
    problems = drill.differences(AT_TARGET, found)
    assert problems == [
        "people_contact: missing after the restore",
        "people_newthing: not there at the target time",
        "returns_importrun: 3 rows (checksum bbbbbbbb), expected 2 (checksum bbbbbbbb)",
    ]


def test_compose_archives_wal_and_takes_base_backups() -> None:
    """The deployment archives WAL to its own volume, and a backup service takes base backups
    with pg_basebackup into another, as the drill does on its private cluster."""
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    db, backup = compose["services"]["db"], compose["services"]["backup"]
    settings = " ".join(db["command"])
    assert "wal_level=replica" in settings
    assert "archive_mode=on" in settings
    assert (
        "archive_command=test ! -f /archive/wal/%f && cp %p /archive/wal/%f.part && mv /archive/wal/%f.part /archive/wal/%f"
        in settings
    )
    assert "walarchive:/archive" in db["volumes"]
    assert "pg_basebackup" in backup["command"][-1]
    assert {"walarchive:/archive", "backups:/backups"} <= set(backup["volumes"])
    assert {"pgdata", "walarchive", "backups"} <= set(compose["volumes"])
