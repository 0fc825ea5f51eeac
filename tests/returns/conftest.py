"""The returns tests' shared fixture: the Department's rules run once for each set of files."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from onward.returns import validator


@pytest.fixture(autouse=True, scope="package")
def _the_departments_rules_run_once_for_each_set_of_files() -> Iterator[None]:
    """``validator.validate_files`` answers the same files the same way (the rules in .venv-903 read
    only the files, year, local authority and last year's files they are given), and one run over the
    validator project's own 8,000-row test data takes 10 to 20 seconds: six tests import those same
    files, by the command, the service and the upload page. So the first call with given arguments
    runs the rules and the others get a copy of its answer. Nothing else changes: every call still
    goes through the real rules the first time, a failure is never remembered, and a test that
    replaces ``validate_files`` (monkeypatch) still does so."""
    real = validator.validate_files
    answers: dict[str, validator.ValidationResult] = {}

    def validate_files(files: dict[str, str], **kwargs: Any) -> validator.ValidationResult:
        key = repr(
            (
                sorted(files.items()),
                sorted(
                    (name, sorted(value.items()) if isinstance(value, dict) else value)
                    for name, value in kwargs.items()
                ),
            )
        )
        if key not in answers:
            answers[key] = real(files, **kwargs)
        return copy.deepcopy(answers[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validator, "validate_files", validate_files)
        yield
