"""Running the Department for Education's SSDA903 rules over exported files, in their own environment.

The rules (the ``csc-validator-be-903`` package) pin old pandas and numpy, so they are installed
in ``.venv-903`` (``make validator-env``) and run in a subprocess through
``scripts/validate_903.py``; they are never imported into Onward's process.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

EXPORTED_TABLES = frozenset({"Header", "Episodes", "OC3", "UASC"})


def python_path() -> Path:
    return Path(settings.ONWARD_VALIDATOR_PYTHON)


def available() -> bool:
    return python_path().exists()


@dataclass
class ValidationResult:
    errors: list[dict[str, Any]] = field(default_factory=list)
    failed_rules: list[str] = field(default_factory=list)
    rules_run: int = 0

    @property
    def exported_table_errors(self) -> list[dict[str, Any]]:
        """Errors from rules that concern only the tables Onward exports."""
        return [e for e in self.errors if set(e.get("rule_tables") or []) <= EXPORTED_TABLES]


class ValidatorUnavailable(Exception):
    message = "The Department's rules are not installed here: run make validator-env"


def validate_files(
    files: dict[str, str],
    *,
    year: int,
    local_authority: str = "E06000001",
    previous: dict[str, str] | None = None,
) -> ValidationResult:
    """The Department's rules over ``files``; with ``previous`` (last year's return) the cross-year rules run too."""
    if not available():
        raise ValidatorUnavailable(ValidatorUnavailable.message)
    # With no children there is nothing to check (and the package fails on an empty header).
    header = next((text for name, text in files.items() if name.startswith("header")), "")
    if len(header.strip().splitlines()) < 2:
        return ValidationResult()
    with tempfile.TemporaryDirectory(prefix="onward-903-") as root:
        folder, last = Path(root) / "this", Path(root) / "last"
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text)
        prev_args: list[str] = []
        last_header = next((text for name, text in (previous or {}).items() if name.startswith("header")), "")
        if previous and len(last_header.strip().splitlines()) >= 2:
            last.mkdir()
            for name, text in previous.items():
                (last / name).write_text(text)
            prev_args = ["--prev", str(last)]
        completed = subprocess.run(  # noqa: S603 - our own script with our own arguments
            [
                str(python_path()),
                str(Path(settings.BASE_DIR) / "scripts" / "validate_903.py"),
                "--year",
                str(year),
                "--la",
                local_authority,
                *prev_args,
                str(folder),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    if completed.returncode not in (0, 1):
        raise RuntimeError(
            f"The Department's rules could not run: {completed.stdout[-500:]} {completed.stderr[-1000:]}"
        )
    data = json.loads(completed.stdout)
    return ValidationResult(errors=data["errors"], failed_rules=data["failed_rules"], rules_run=data["rules_run"])
