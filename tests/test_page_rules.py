"""Every page says who may use it through one mechanism: ``access.require_perm`` (which marks the view
with its ``page_rule``), or ``login_not_required`` for a public page. A page checking permissions
some other way, or not at all, fails here."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from onward.accounts.access import PageRule


def _patterns(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def onward_pages() -> list[tuple[str, URLPattern]]:
    return [
        (route, pattern)
        for route, pattern in _patterns(get_resolver().url_patterns)
        if getattr(pattern.callback, "__module__", "").startswith("onward.")
        or getattr(getattr(pattern.callback, "view_class", None), "__module__", "").startswith("onward.")
    ]


def test_every_page_carries_its_rule_or_is_marked_public() -> None:
    """Each of Onward's pages has a page rule, or is public; none checks permissions only in its body."""
    pages = onward_pages()
    assert len(pages) > 100
    unmarked = [
        route
        for route, pattern in pages
        if not isinstance(getattr(pattern.callback, "page_rule", None), PageRule)
        and getattr(pattern.callback, "login_required", True) is not False
    ]
    assert unmarked == []
