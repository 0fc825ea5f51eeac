"""Help with a page: which guide explains which page.

An app that writes guides registers, in its ``AppConfig.ready()``, the pages each guide explains
(by URL name, optionally narrowed by the URL's arguments); the page shell then shows "Help with
this page" linking to it. ``core`` knows no guide itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class HelpEntry:
    view_name: str
    when: tuple[tuple[str, str], ...]
    """URL arguments that must match (``kind=eet``); empty for every page of the view."""
    href: str | Promise
    """The guide's address, or a lazy one (``reverse_lazy``) worked out when first shown."""


_ENTRIES: dict[str, list[HelpEntry]] = {}


def register(*, view_name: str, href: str | Promise, when: Mapping[str, str] | None = None) -> None:
    """Say that the guide at ``href`` explains the page ``view_name`` (where its arguments match ``when``)."""
    entry = HelpEntry(view_name, tuple(sorted((when or {}).items())), href)
    entries = _ENTRIES.setdefault(view_name, [])
    if any(existing.when == entry.when for existing in entries):
        raise ValueError(f"Two guides explain {view_name} {dict(entry.when) or ''}".strip())
    entries.append(entry)
    entries.sort(key=lambda e: -len(e.when))  # the most specific first


def registered() -> list[HelpEntry]:
    return [replace(entry, href=str(entry.href)) for entries in _ENTRIES.values() for entry in entries]


def help_href(view_name: str | None, kwargs: Mapping[str, Any] | None = None) -> str | None:
    """The address of the guide that explains this page, if one does."""
    if not view_name:
        return None
    arguments = {key: str(value) for key, value in (kwargs or {}).items()}
    for entry in _ENTRIES.get(view_name, []):
        if all(arguments.get(key) == value for key, value in entry.when):
            return str(entry.href)
    return None
