"""The dependency locks: every package Onward installs is pinned with its hashes, as named in the .in files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PIN = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s\\;]+)")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(text: str) -> dict[str, str]:
    return {_name(m.group(1)): m.group(2) for line in text.splitlines() if (m := PIN.match(line))}


def _entries(lock: str) -> list[str]:
    """Each package's block in a lock: its pin line and the --hash lines continuing it."""
    return [block for block in re.split(r"\n(?=[A-Za-z])", lock) if PIN.match(block)]


@pytest.mark.parametrize(
    ("source", "lock"), [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")]
)
def test_every_named_package_is_locked_at_its_version_with_hashes(source: str, lock: str) -> None:
    named = _pins((ROOT / source).read_text())
    if source == "requirements-dev.in":
        named |= _pins((ROOT / "requirements.in").read_text())
    text = (ROOT / lock).read_text()
    locked = _pins(text)
    assert {name: locked.get(name) for name in named} == named, f"run make lock: {lock} is behind {source}"
    unhashed = [entry.split()[0] for entry in _entries(text) if "--hash=sha256:" not in entry]
    assert unhashed == []


def test_the_development_lock_has_the_runtime_locks_versions() -> None:
    runtime = _pins((ROOT / "requirements.txt").read_text())
    development = _pins((ROOT / "requirements-dev.txt").read_text())
    assert {name: development.get(name) for name in runtime} == runtime


def test_no_requirements_file_names_a_package_index() -> None:
    for path in ROOT.glob("requirements*"):
        text = path.read_text()
        assert "://" not in text, path.name
        assert "--index-url" not in text and "--extra-index-url" not in text and "--find-links" not in text
