"""The network's indicators, registered for plan measures: settings recorded, and NEET care leavers
claiming a benefit, each a pure function of (council, date)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from onward.core.indicators import read_indicator
from onward.network import services
from onward.network.registry import BENEFITS_CLAIMED, SETTING_RECORDED
from onward.people.models import EETSpell
from tests.conftest import Tenant
from tests.network.helpers import care_leaver, child_in_care

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_settings_recorded_counts_pupils_of_the_council_only(world: dict[str, Tenant]) -> None:
    tenant = world["A"]
    officer = tenant.users["virtual_school_officer"]
    school = services.setting_create(
        acting_user=tenant.users["performance_officer"],
        council=tenant.council,
        name="Northgate Academy",
        kind="school",
        urn="139201",
    )
    recorded, _unrecorded = child_in_care(tenant.council, school_year=9), child_in_care(tenant.council, school_year=10)
    child_in_care(world["B"].council, school_year=9)
    services.setting_history_record(
        acting_user=officer, person=recorded, setting=school, start=TODAY - datetime.timedelta(days=30)
    )
    found = read_indicator(SETTING_RECORDED, council=tenant.council, as_at=TODAY)
    assert found is not None and (found.numerator, found.denominator, found.value) == (1, 2, Decimal("50.0"))
    before = read_indicator(SETTING_RECORDED, council=tenant.council, as_at=TODAY - datetime.timedelta(days=60))
    assert before is not None and before.numerator == 0  # as at a past date: the record had not started


def test_neet_care_leavers_claiming_a_benefit(world: dict[str, Tenant]) -> None:
    tenant = world["A"]
    adviser = tenant.users["personal_adviser"]
    claiming, not_claiming = care_leaver(tenant.council, age=19), care_leaver(tenant.council, age=20)
    for person in (claiming, not_claiming):
        EETSpell.objects.create(person=person, activity="neet_seeking", start=TODAY - datetime.timedelta(days=90))
    services.benefit_record(
        acting_user=adviser,
        person=claiming,
        benefit="universal_credit",
        status="receiving",
        start=TODAY - datetime.timedelta(days=10),
    )
    services.benefit_record(
        acting_user=adviser,
        person=not_claiming,
        benefit="none",
        status="not_applicable",
        start=TODAY - datetime.timedelta(days=10),
    )
    found = read_indicator(BENEFITS_CLAIMED, council=tenant.council, as_at=TODAY)
    assert found is not None and (found.numerator, found.denominator) == (1, 2)
