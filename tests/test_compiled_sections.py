"""The sections other apps add to a young person's page read with SQL compiled once a process: a
young person's referrals (``referrals.home``) and latest payments (``finance.home``) are, for every
user, the records the query built for the call reads, in the same order, and none another user may
not see."""

from __future__ import annotations

import pytest

from onward.finance import access as finance_access
from onward.finance import home as finance_home
from onward.people.models import YoungPerson
from onward.referrals import access as referral_access
from onward.referrals import home as referral_home
from tests.finance.test_payments import _random_payments
from tests.test_access_rules import build_world


def values(records: list) -> list[dict]:  # type: ignore[type-arg]
    return [{f.attname: getattr(r, f.attname) for f in r._meta.concrete_fields} for r in records]


@pytest.mark.django_db
def test_a_young_persons_referrals_are_those_the_built_query_reads_for_every_user() -> None:
    world = build_world()
    assert referral_home.REFERRALS_OF.compiled() is not None
    shown = 0
    for person in world.people.values():
        for name, user in world.users.items():
            section = referral_home.person_referrals(user, person, person.date_of_birth)
            found = section.context["referrals"] if section else []
            expected = list(referral_home._referrals_of(referral_access.referrals_visible_to(user), person.pk))
            assert values(found) == values(expected), (name, person.pk)
            shown += len(found)
    assert shown, "the world's users saw referrals"


@pytest.mark.django_db
def test_a_young_persons_latest_payments_are_those_the_built_query_reads_for_every_role(world) -> None:
    tenant = world["A"]
    _random_payments(tenant, 3)
    _random_payments(world["B"], 4)
    assert finance_home.LATEST.compiled() is not None
    shown = 0
    for person in YoungPerson.objects.filter(council__in=[tenant.council, world["B"].council]):
        for role, user in (*tenant.users.items(), *world["B"].users.items()):
            section = finance_home.person_payments(user, person, person.date_of_birth)
            found = section.context["latest_payments"] if section else []
            expected = (
                list(finance_home._latest(finance_access.payments_visible_to(user), person.pk)) if section else []
            )
            assert values(found) == values(expected), (role, person.pk)
            assert all(p.person.council_id == user.organisation_id for p in found)
            shown += len(found)
    assert shown, "some roles saw payments"
