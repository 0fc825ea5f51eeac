"""What a process loads when Django starts: the apps' ``ready()`` registers what they add, without loading
every app's URLs (the API's schemas), the demo's modules (Faker, the sign-in provider) or the charts (pygal),
which a command like ``import_ssda903`` never uses and which took about a second of its start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from onward.core import contributions
from onward.core import help as core_help
from onward.returns.management.commands import import_ssda903

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("config.urls", "ninja", "faker", "pygal", "joserfc", "onward.referrals.demo", "onward.plans.demo")


def test_django_starts_without_the_urls_the_demo_or_the_charts() -> None:
    script = (
        "import django, json, sys; django.setup(); "
        "from onward.returns.management.commands import import_ssda903; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_a_lazy_demo_loader_imports_its_loader_only_when_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Named by its path, the loader is imported when the demo is loaded; a wrong path fails then, not before."""
    seen: list[object] = []
    monkeypatch.setattr("tests.test_start.example_loader", lambda council: seen.append(council) or [("a", "b")])
    loader = contributions.lazy_demo_loader("tests.test_start.example_loader")
    assert loader.__name__ == "example_loader"
    assert seen == []
    assert loader("council") == [("a", "b")]  # type: ignore[arg-type]
    assert seen == ["council"]
    missing = contributions.lazy_demo_loader("onward.no_such_module.load")
    with pytest.raises(ImportError):
        missing("council")  # type: ignore[arg-type]


def example_loader(council: object) -> list[tuple[str, str]] | None:
    return None


def test_every_demo_loader_registered_by_path_can_be_imported() -> None:
    """The paths the apps name resolve to their loaders (a typo would show only when the demo is loaded)."""
    from django.utils.module_loading import import_string

    paths = [
        "onward.referrals.demo.load_referrals_demo",
        "onward.referrals.demo.load_impact_demo",
        "onward.plans.demo.load_plans_demo",
        "onward.plans.structure_demo.load_structure_demo",
        "onward.supporters.demo.load_supporters_demo",
        "onward.performance.demo.load_performance_demo",
    ]
    names = [name for name, _loader in contributions.demo_loaders()]
    for name in ("referrals", "referrals-impact", "plans", "plans-structure", "supporters", "performance"):
        assert name in names
    for path in paths:
        assert callable(import_string(path))


def test_the_guides_addresses_are_worked_out_when_shown() -> None:
    entries = core_help.registered()
    assert entries and all(isinstance(entry.href, str) and entry.href.startswith("/guides/") for entry in entries)


def test_the_import_command_leaves_djangos_checks_to_the_deployment() -> None:
    assert import_ssda903.Command.requires_system_checks == []
