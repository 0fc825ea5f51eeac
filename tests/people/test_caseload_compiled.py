"""The unfiltered caseload runs SQL compiled once a process (``selectors.caseload_page``): for every
order and every scope of every kind of user, it lists the same young people, in the same order, with
the same values, and counts them the same, as the query built for the call."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from onward.people import selectors
from onward.people.generator import generate_council
from onward.people.models import YoungPerson
from onward.privacy.models import Restriction
from tests.factories import CouncilFactory, UserFactory

PAGE = 7


def shown(person: YoungPerson) -> tuple[object, ...]:
    return (
        person.pk,
        *(getattr(person, name) for name in ("category", "eet_activity", "eet_since", "last_contact_on")),
        *(getattr(person, name) for name in ("last_in_touch", "plan_next_due", "legal_family_name")),
        person.personal_adviser.full_name if person.personal_adviser else None,
        person.team.name if person.team else None,
    )


@pytest.fixture
def users(db):  # type: ignore[no-untyped-def]
    council = CouncilFactory()
    generate_council(council=council, size=60, seed=5)
    people = YoungPerson.objects.filter(council=council).select_related("personal_adviser", "team")
    adviser = next(p.personal_adviser for p in people if p.personal_adviser)
    team = next(p.team for p in people if p.team)
    Restriction.objects.create(
        council=council,
        person=people.filter(personal_adviser=adviser).order_by("pk").first(),
        reason="Accuracy contested",
        allowed_roles=Restriction.encode_roles(["team_manager"]),
        restricted_by=UserFactory(organisation=council, roles=["team_manager"]),
    )
    return {
        "council-wide": UserFactory(organisation=council, roles=["virtual_school_officer"]),
        "team manager": UserFactory(organisation=council, roles=["team_manager"], teams=[team]),
        "adviser": adviser,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("sort", sorted(selectors.SORTS))
def test_the_compiled_caseload_lists_what_the_built_query_lists(users, sort) -> None:
    assert selectors._caseload_sql(connection.vendor, sort) is not None
    assert selectors._category_counts_sql(connection.vendor) is not None
    today = timezone.localdate()
    listed_by: dict[tuple[str, str], int] = {}
    for day in (today, today - datetime.timedelta(days=400)):
        for who, user in users.items():
            for scope in selectors.SCOPES:
                people = selectors.people_in_scope(user, scope)
                listed, set_apart = selectors.listed_and_set_apart(people, day)
                built = selectors.caseload(people=people, day=day, filters={}, sort=sort)
                listed_by[who, scope] = listed
                for offset in range(0, listed + PAGE, PAGE):
                    page, total, apart = selectors.caseload_page(people, day, sort=sort, offset=offset, limit=PAGE)
                    expected, _ = selectors.page_and_total(built, offset=offset, limit=PAGE, total=listed)
                    assert (total, apart) == (listed, set_apart), (who, scope, day)
                    assert [shown(p) for p in page] == [shown(p) for p in expected], (who, scope, day, offset)
    # Each kind of user had young people to list, and the scopes narrowed them.
    assert 0 < listed_by["adviser", "mine"] < listed_by["team manager", "team"] < listed_by["council-wide", "all"]


@pytest.mark.django_db
def test_a_caseload_scope_with_nobody_in_it_lists_nobody(users) -> None:
    partner = UserFactory(roles=["partner_provider"])
    people = selectors.people_in_scope(partner, "all")
    assert selectors.caseload_page(people, timezone.localdate(), sort="name", offset=0, limit=PAGE) == ([], 0, 0)
