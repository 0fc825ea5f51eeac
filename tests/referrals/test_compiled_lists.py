"""The referral list and the triage queue run SQL compiled once a process (``selectors.listed``):
for every user of a world of two councils, partners, consent and restrictions, they hold the same
referrals, in the same order, page by page, and count them the same, as the query built for the call;
a list compiled once refuses a read other than a page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db import connection

from onward.core.compiled import CompiledList
from onward.referrals import access as referral_access
from onward.referrals import selectors
from tests.test_access_rules import build_world

PER_PAGE = 2


def pages(records: Any) -> tuple[int, list[list[tuple[Any, ...]]]]:
    paginator = Paginator(records, PER_PAGE)
    return paginator.count, [
        [(r.pk, r.status, r.priority, r.needs, r.person.pk, r.person.display_name) for r in paginator.page(n)]
        for n in paginator.page_range
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(selectors.LISTS))
def test_a_compiled_list_holds_what_the_built_query_holds_for_every_user(kind: str) -> None:
    world = build_world()
    assert selectors._list_sql(connection.vendor, kind) is not None
    seen = 0
    for name, user in world.users.items():
        visible = referral_access.referrals_visible_to(user)
        listed = selectors.listed(visible, kind)
        expected = pages(selectors._list_of(kind, visible))
        assert pages(listed) == expected, name
        seen += expected[0]
        if expected[0]:
            assert isinstance(listed, CompiledList), name
    assert seen, "the world's users had referrals to list"


@pytest.mark.django_db
def test_a_compiled_list_is_read_a_page_at_a_time() -> None:
    world = build_world()
    listed = selectors.listed(referral_access.referrals_visible_to(world.users["triage_A"]), "referrals")
    assert isinstance(listed, CompiledList)
    for part in (slice(0, None), slice(0, 4, 2), slice(3, 1)):
        with pytest.raises(ValueError, match="a page at a time"):
            listed[part]
