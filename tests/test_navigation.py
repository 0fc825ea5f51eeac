"""The service navigation's addresses."""

from __future__ import annotations

import pytest
from django.urls import reverse, set_script_prefix

from onward.core.navigation import navigation_for


@pytest.mark.django_db
def test_the_menu_follows_the_script_prefix_it_is_served_under(world) -> None:  # type: ignore[no-untyped-def]
    """Served under a prefix (``SCRIPT_NAME``), every menu item's address carries it, though the same
    items were worked out without it first (the addresses are kept once worked out)."""
    user = world["A"].users["performance_officer"]
    plain = navigation_for(user, reverse("performance:dashboard"))
    set_script_prefix("/onward/")
    try:
        prefixed = navigation_for(user, reverse("performance:dashboard"))
    finally:
        set_script_prefix("/")
    assert len(plain) > 5
    assert [item["href"] for item in prefixed] == ["/onward" + str(item["href"]) for item in plain]
    assert [item["text"] for item in prefixed if item["active"]] == ["Performance"]
