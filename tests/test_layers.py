"""The layers between the apps hold by themselves: `make lint` runs the import contracts in
pyproject.toml ([tool.importlinter]), and an upward import fails them.

The upward import is added to a copy of the package in a temporary directory, so the tree the
other tests import is never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own tool on our own tree
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the ``onward`` package's Python files."""
    shutil.copytree(ROOT / "onward", tmp_path / "onward", ignore=shutil.ignore_patterns("static", "templates", "*.pyc"))
    return tmp_path


def test_the_tree_keeps_its_layers(package_copy: Path) -> None:
    """The code as it stands keeps every contract."""
    result = _lint_imports(package_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("onward/core/upward_probe.py", "import onward.people.models"),
        ("onward/accounts/upward_probe.py", "from onward.referrals import access"),
        ("onward/people/upward_probe.py", "from onward.referrals.models import Referral"),
        ("onward/returns/upward_probe.py", "import onward.performance.selectors"),
    ],
)
def test_an_upward_import_breaks_the_layers(package_copy: Path, module: str, upward: str) -> None:
    """A foundation app importing a capability app, or a capability app importing one above it, fails."""
    (package_copy / module).write_text(f'"""An import against the layers."""\n\n{upward}  # noqa\n')
    result = _lint_imports(package_copy)
    assert result.returncode != 0
    assert "Apps import only the apps below them BROKEN" in result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout


def test_a_new_app_must_take_its_place_in_the_layers(package_copy: Path) -> None:
    """An app the contract does not name fails it (the contract is exhaustive)."""
    (package_copy / "onward" / "newapp").mkdir()
    (package_copy / "onward" / "newapp" / "__init__.py").write_text("")
    result = _lint_imports(package_copy)
    assert result.returncode != 0
    assert "onward.newapp" in result.stdout
