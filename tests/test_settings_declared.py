"""Every Onward setting the code reads is declared in the settings, and every environment variable the
settings read is documented: a setting read only through ``getattr(settings, name, default)`` could be
changed by no one, and one read from an undocumented variable is known to no one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "config" / "settings"
READ = re.compile(r"""settings\.(ONWARD_[A-Z0-9_]+)|getattr\(\s*settings\s*,\s*["'](ONWARD_[A-Z0-9_]+)""")
ENV_READ = re.compile(r"""\benv(?:\.[a-z]+)?\(\s*["']([A-Z0-9_]+)["']""")


def declared(path: Path) -> set[str]:
    """Names assigned at the top level of a settings module."""
    names = set()
    for node in ast.parse(path.read_text()).body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names |= {target.id for target in targets if isinstance(target, ast.Name)}
    return names


def read_by_code() -> dict[str, str]:
    """Each ``ONWARD_*`` setting the application reads, with a file that reads it."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "onward").rglob("*.py")):
        for match in READ.finditer(path.read_text()):
            found.setdefault(match.group(1) or match.group(2), str(path.relative_to(ROOT)))
    return found


def test_every_setting_the_code_reads_is_declared_in_the_base_settings() -> None:
    base = declared(SETTINGS / "base.py")
    read = read_by_code()
    assert len(read) > 20
    missing = {name: where for name, where in read.items() if name not in base}
    assert not missing, f"read but not declared in config/settings/base.py: {missing}"


def test_every_environment_variable_the_settings_read_is_documented() -> None:
    documents = "\n".join(path.read_text() for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))])
    variables = {name for path in SETTINGS.glob("*.py") for name in ENV_READ.findall(path.read_text())}
    assert len(variables) > 20
    undocumented = sorted(name for name in variables if f"`{name}`" not in documents and f"`{name}=" not in documents)
    assert not undocumented, f"read from the environment but not in the README or docs/: {undocumented}"
