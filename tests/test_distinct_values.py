"""``.values(...).distinct()`` clears the default ordering first (``.order_by()``): Django adds the
model's ``Meta.ordering`` columns to a ``SELECT DISTINCT``, so the distinct values are distinct rows
of those columns too (each stored figure's month end came back once for every indicator). Checked
over the source, as a linter would."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "onward"


def _chain(node: ast.AST) -> list[str]:
    """The method names called along a chain ending at ``node`` (``a.values(...).distinct()``)."""
    names = []
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        names.append(node.func.attr)
        node = node.func.value
    return names


def distinct_values_without_order_by(source: str) -> list[int]:
    """Lines of ``source`` calling ``.distinct()`` on values with the default ordering left in, unless
    only counted (a count leaves the ordering out)."""
    tree = ast.parse(source)
    counted = {
        id(node.func.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("count", "exists")
    }
    found = []
    for node in ast.walk(tree):
        names = _chain(node)
        if not names or names[0] != "distinct" or id(node) in counted:
            continue
        before = names[1:]
        if any(n in ("values", "values_list") for n in before) and "order_by" not in before:
            found.append(node.lineno)
    return found


def test_distinct_values_clear_the_default_ordering() -> None:
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for path in sorted(ROOT.rglob("*.py"))
        for line in distinct_values_without_order_by(path.read_text())
    ]
    assert offenders == []


def test_the_check_finds_what_it_should() -> None:
    assert distinct_values_without_order_by("x = M.objects.values('a').distinct()\n") == [1]
    assert distinct_values_without_order_by("x = M.objects.values_list('a', flat=True).order_by().distinct()\n") == []
    assert distinct_values_without_order_by("n = M.objects.values('a').distinct().count()\n") == []
    assert distinct_values_without_order_by("x = M.objects.filter(b=1).distinct()\n") == []
