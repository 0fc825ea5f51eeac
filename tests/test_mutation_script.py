"""scripts/mutation.py: which trust code CI mutates, and which mutants docs/mutation.md excuses."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_script", ROOT / "scripts" / "mutation.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with a trust file of two functions and a class, committed once."""

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)  # noqa: S603, S607

    git("init", "-q")
    git("config", "user.email", "tests@example.org")
    git("config", "user.name", "Tests")
    (tmp_path / "pyproject.toml").write_text('[tool.mutmut]\nsource_paths = ["trust.py"]\n')
    (tmp_path / "trust.py").write_text(
        "def first(x):\n    return x + 1\n\n\ndef second(x):\n    return x * 2\n\n\n"
        "class Guard:\n    def check(self, x):\n        return x > 0\n"
    )
    git("add", ".")
    git("commit", "-qm", "first")
    return tmp_path


def commit(repo: Path, text: str) -> None:
    (repo / "trust.py").write_text(text)
    subprocess.run(["git", "commit", "-qam", "change"], cwd=repo, check=True, capture_output=True)  # noqa: S607


def test_ci_mutates_only_the_functions_a_change_touched(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change to one function of a trust file puts only that function's mutants in CI's run."""
    script = load_script()
    monkeypatch.setattr(script, "ROOT", repo)
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()  # noqa: S607
    text = (repo / "trust.py").read_text()
    commit(repo, text.replace("x * 2", "x * 3").replace("x > 0", "x >= 0"))
    assert script.touched_files(base) == ["trust.py"]
    assert script.changed_functions(base, "trust.py") == ["x_second", "xǁGuardǁcheck"]


def test_no_trust_file_touched_means_nothing_to_mutate(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change outside the trust files runs no mutants."""
    script = load_script()
    monkeypatch.setattr(script, "ROOT", repo)
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()  # noqa: S607
    (repo / "README.md").write_text("Notes\n")
    subprocess.run(["git", "add", "README.md"], cwd=repo, check=True)  # noqa: S607
    subprocess.run(["git", "commit", "-qm", "notes"], cwd=repo, check=True, capture_output=True)  # noqa: S607
    assert script.touched_files(base) == []


def test_equivalent_mutants_are_read_from_the_table_in_docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only mutant names in the first cell of a table row count as listed equivalents."""
    script = load_script()
    doc = tmp_path / "mutation.md"
    doc.write_text(
        "| mutant | line | why |\n|---|---|---|\n"
        "| `onward.accounts.access.x_council_of__mutmut_3` | 50 | same query |\n"
        "Mentioned in passing: `onward.accounts.access.x_council_of__mutmut_4`.\n"
    )
    monkeypatch.setattr(script, "EQUIVALENTS_DOC", doc)
    assert script.equivalents() == {"onward.accounts.access.x_council_of__mutmut_3"}


def test_the_trust_files_are_those_pyproject_names() -> None:
    """The file list CI and make mutate use is [tool.mutmut] source_paths, access policies first."""
    files = load_script().trust_files()
    assert files[0] == "onward/accounts/access.py"
    assert "onward/referrals/consent.py" in files and "onward/core/concurrency.py" in files
