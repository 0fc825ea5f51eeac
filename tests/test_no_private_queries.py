"""No page or selector reads young people's records around the access module.

Every read of young people's records, aggregate counts included, starts in the app's access
policy (``onward/<app>/access.py``, built on ``onward/accounts/access.py``). This test reads the
source of every ``views.py`` (and ``*_views.py``), ``selectors.py`` and ``home.py`` and finds each ``<Model>.objects`` of a model that holds
personal data (a young person, or anything that points to one). Such a query is allowed when it
narrows records already authorised: its first filter names the young person, referral, send,
application or opportunity it is about (fetched through ``access`` by the caller). Anything else
must be on the short ``ALLOWED`` list below, with the reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from onward.people.models import YoungPerson

ROOT = Path(settings.BASE_DIR)

# Keywords of a first filter that narrow a query to records the caller already holds.
SCOPED_KEYWORDS = {
    "person",
    "person_id",
    "person__in",
    "person_id__in",
    "referral",
    "referral__in",
    "send__in",
    "application",
    "application__in",
    "opportunity",
    "pk",
}

# (file, function): why it may query personal data of a whole council without the access module.
ALLOWED: dict[tuple[str, str], str] = {
    (
        "onward/returns/selectors.py",
        "_people",
    ): "builds the statutory SSDA903 return of a whole council; the council comes from access.own_council "
    "in the returns pages and export (EXPORT_RETURNS), and the national benchmark",
    (
        "onward/performance/selectors.py",
        "council_people",
    ): "the cohort behind a council's indicators; callers pass the council from access.own_council "
    "(VIEW_AGGREGATES), and drill-down lists go through access.people_visible_to",
    (
        "onward/performance/return_method.py",
        "return_rows",
    ): "matches the children of a council's own return to their records, for the return method's drill-down",
    (
        "onward/referrals/selectors.py",
        "open_referrals",
    ): "the referrals in progress, as a subquery the at-risk rules (people.open_work) and the NEET without a "
    "referral list filter to the young people already in the user's scope",
    (
        "onward/referrals/selectors.py",
        "people_with_referrals_changed_since",
    ): "the ids of young people whose referrals changed, which people.stored narrows to one council to bring "
    "its stored figures up to date (ADR 36); never shown",
    (
        "onward/performance/live.py",
        "facts_rules",
    ): "builds, without running it, the facts statement for no young person (council 0), only to fingerprint "
    "the rules the stored facts were made by (ADR 36)",
    (
        "onward/opportunities/selectors.py",
        "counts",
    ): "employer-engagement counts of one council for dashboards and plan measures (VIEW_AGGREGATES)",
    (
        "onward/opportunities/selectors.py",
        "council_applications",
    ): "the applications behind one council's counts (the counts page and the indicators plan measures bind to)",
}


def personal_models() -> dict[str, type[models.Model]]:
    """Onward's models that hold personal data: YoungPerson and every model pointing to one, directly
    or through other such models (referrals, sends, applications, events...)."""
    found: dict[str, type[models.Model]] = {"YoungPerson": YoungPerson}
    onward_models = [m for m in apps.get_models() if m.__module__.startswith("onward.")]
    grew = True
    while grew:
        grew = False
        for model in onward_models:
            if model.__name__ in found:
                continue
            for model_field in model._meta.get_fields():
                target = getattr(model_field, "related_model", None)
                if (
                    (model_field.many_to_one or model_field.one_to_one)
                    and model_field.concrete
                    and target is not None
                    and target in found.values()
                ):
                    found[model.__name__] = model
                    grew = True
                    break
    return found


def scanned_files() -> list[Path]:
    files = [
        *ROOT.glob("onward/*/views.py"),
        *ROOT.glob("onward/*/*_views.py"),
        *ROOT.glob("onward/*/selectors.py"),
        # other reads: what apps add to shared pages, and the indicators' two counting methods
        *ROOT.glob("onward/*/home.py"),
        *ROOT.glob("onward/performance/live.py"),
        *ROOT.glob("onward/performance/return_method.py"),
    ]
    return sorted(f for f in files if f.name != "access.py")


def first_call_keywords(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> set[str]:
    """The keyword names of the first call made on ``Model.objects`` (``.filter(...)``, ``.get(...)``)."""
    parent = parents.get(node)
    while isinstance(parent, ast.Attribute):
        call = parents.get(parent)
        if isinstance(call, ast.Call) and call.func is parent:
            if parent.attr in {"select_for_update", "select_related", "prefetch_related", "only", "defer"}:
                parent = parents.get(call)
                continue
            return {k.arg for k in call.keywords if k.arg}
        parent = parents.get(parent)
    return set()


def enclosing_function(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    current: ast.AST | None = node
    while current is not None:
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
            return current.name
        current = parents.get(current)
    return "<module>"


def private_queries() -> list[tuple[str, str, str, int]]:
    """(file, function, model, line) of every query of personal data outside access and the allowed list."""
    names = set(personal_models())
    found = []
    for path in scanned_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        relative = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and isinstance(node.value, ast.Name)
                and node.value.id in names
            ):
                continue
            if first_call_keywords(node, parents) & SCOPED_KEYWORDS:
                continue
            function = enclosing_function(node, parents)
            if (relative, function) in ALLOWED:
                continue
            found.append((relative, function, node.value.id, node.lineno))
    return found


def test_the_scan_knows_the_personal_data_models() -> None:
    """The models the scan looks for include the young person and what points to them."""
    names = set(personal_models())
    assert {"YoungPerson", "Referral", "Send", "Consent", "Allocation", "EETSpell", "Application", "Feedback"} <= names
    assert "Organisation" not in names and "Service" not in names


def test_no_page_or_selector_queries_young_peoples_records_around_the_access_module() -> None:
    """Pages and selectors read young people's records (counts included) only through the access policies."""
    assert private_queries() == []


def test_the_scan_finds_a_private_count(tmp_path: Path) -> None:
    """A council-wide count written in a view, the way referral monitoring once counted NEET young people,
    is found (the scan parses source, so a sample file is enough)."""
    sample = "def monitoring(request, council):\n    return YoungPerson.objects.filter(council=council).count()\n"
    tree = ast.parse(sample)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "objects")
    assert first_call_keywords(node, parents) == {"council"}
    assert enclosing_function(node, parents) == "monitoring"


def test_every_allowed_entry_is_still_needed() -> None:
    """An entry of the allowed list names a function that still queries personal data (no stale excuses)."""
    names = set(personal_models())
    used: set[tuple[str, str]] = set()
    for path in scanned_files():
        tree = ast.parse(path.read_text())
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and isinstance(node.value, ast.Name)
                and node.value.id in names
                and not first_call_keywords(node, parents) & SCOPED_KEYWORDS
            ):
                used.add((str(path.relative_to(ROOT)), enclosing_function(node, parents)))
    assert set(ALLOWED) <= used, set(ALLOWED) - used


def protected_models() -> set[str]:
    """Every model an access policy scopes (``QuerySet[<Model>]`` in an ``onward/<app>/access.py``)."""
    found: set[str] = set()
    for policy in ROOT.glob("onward/*/access.py"):
        found |= set(re.findall(r"QuerySet\[(\w+)(?:, \w+)?\]", policy.read_text()))
    return found & {model.__name__ for model in apps.get_models()}


def direct_view_queries() -> list[tuple[str, int, str]]:
    """(file, line, model) of each ``<Model>.objects`` of a protected model in a view, other than ``.none()``."""
    protected = protected_models()
    found = []
    for path in sorted([*ROOT.glob("onward/*/views.py"), *ROOT.glob("onward/*/*_views.py")]):
        tree = ast.parse(path.read_text(), filename=str(path))
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and isinstance(node.value, ast.Name)
                and node.value.id in protected
            ):
                continue
            after = parents.get(node)
            if isinstance(after, ast.Attribute) and after.attr == "none":
                continue
            found.append((str(path.relative_to(ROOT)), node.lineno, node.value.id))
    return found


def test_the_protected_models_are_those_the_policies_scope() -> None:
    """The scan knows the models behind the policies: people, plans, the directory, users, the audit trail."""
    assert {"YoungPerson", "Plan", "Service", "User", "Team", "AuditEvent", "Organisation"} <= protected_models()


def test_no_view_queries_a_protected_model_directly() -> None:
    """Views read every protected model (not only young people's records: plans, users, organisations...)
    through the access policies, never with ``<Model>.objects``."""
    assert direct_view_queries() == []
