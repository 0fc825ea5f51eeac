"""The demo council's participation data: Guarantee offers for the round, a matched careers service return,
and the NEET reduction plan's 16-17 measures bound to the participation indicators."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from onward.accounts.models import User
from onward.core.indicators import read_indicator
from onward.participation import registry, rules, selectors
from onward.participation.models import CareersReturn
from onward.people.selectors import today
from onward.plans.models import Measure


@pytest.mark.django_db
def test_the_demo_tracks_the_guarantee_matches_a_return_and_binds_the_plan_measures() -> None:
    call_command("load_demo", "--quiet")
    call_command("load_demo", "--quiet")
    council = User.objects.get(email="performance@wexbridge.example").organisation
    found = selectors.guarantees(selectors.council_people(council), today())
    statuses = {g.status for g in found}
    assert rules.GuaranteeStatus.OFFER_MADE in statuses and rules.GuaranteeStatus.NOT_RECORDED in statuses
    result = CareersReturn.objects.get(council=council)
    assert result.matched > 10 and 2 <= len(result.discrepancies) <= 3
    bound = set(
        Measure.objects.filter(
            item__plan__council=council, indicator_code__in=[c for c, _, _ in registry.INDICATORS]
        ).values_list("indicator_code", flat=True)
    )
    assert bound == {registry.NEET_NOT_KNOWN, registry.PARTICIPATION, registry.GUARANTEE_OFFERS, registry.ASPIRATIONS}
    assert read_indicator(registry.ASPIRATIONS, council=council, as_at=today()) is not None
    assert read_indicator(registry.PARTICIPATION, council=council, as_at=today()) is not None
    assert read_indicator(registry.NEET_NOT_KNOWN, council=council, as_at=today()) is not None
