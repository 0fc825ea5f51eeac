"""The service navigation: one list, filtered by what the signed-in user may do.

Each app registers its pages' items in its ``AppConfig.ready()``; an item shows only to users holding
one of its permissions (or to every signed-in user, if it names none).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.urls import get_script_prefix, get_urlconf, reverse

from onward.accounts.models import User
from onward.accounts.permissions import Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    any_of: tuple[Perm, ...] = ()
    council_staff_only: bool = False
    employers_only: bool = False

    def visible_to(self, user: User) -> bool:
        if self.council_staff_only and not user.is_council_staff:
            return False
        if self.employers_only and user.organisation.kind != "employer":
            return False
        return not self.any_of or user.can_any(self.any_of)


# The menu: every app registers its items in its AppConfig.ready() (``register``), so this module names
# no app's pages. ``order`` places an item (the numbers leave room between).
_ITEMS: dict[str, tuple[int, NavItem]] = {}


def register(item: NavItem, *, order: int) -> None:
    """Add (or replace, by URL name) a menu item."""
    _ITEMS[item.url_name] = (order, item)


def navigation() -> list[NavItem]:
    """Every registered item, in order."""
    return [item for _, item in sorted(_ITEMS.values(), key=lambda entry: (entry[0], entry[1].url_name))]


def menu_item(url_name: str) -> NavItem | None:
    """The menu item for a page, if the page is in the menu."""
    found = _ITEMS.get(url_name)
    return found[1] if found else None


def navigation_for(user: User, current_path: str) -> list[dict[str, object]]:
    """The user's items; the one whose address is the longest start of the current path is active."""
    items = []
    for item in navigation():
        if not item.visible_to(user):
            continue
        href = _href(item.url_name, get_script_prefix(), get_urlconf())
        active = current_path == href if href == "/" else current_path.startswith(href)
        items.append({"text": item.label, "href": href, "active": active, "url_name": item.url_name})
    matches = [entry for entry in items if entry["active"]]
    if len(matches) > 1:
        longest = max(matches, key=lambda entry: len(str(entry["href"])))
        for entry in matches:
            entry["active"] = entry is longest
    return items


@functools.lru_cache(maxsize=512)
def _href(url_name: str, prefix: str, urlconf: str | None) -> str:
    """A menu item's address, worked out once for each script prefix and URL configuration (every
    page has the menu, and ``reverse`` walks the URL patterns each time)."""
    return reverse(url_name, urlconf=urlconf)
