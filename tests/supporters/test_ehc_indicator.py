"""The EHC plan indicator (Cambridgeshire 3.1, "the percentage of young people in care and care leavers with a
current EHCP"): of the council's children in care and care leavers on a date, the share with an EHC plan in
force on it. Compared with a plain count over generated records on many dates, plan start and end days among
them, with plans replaced by later ones, plans moved from the yes/no field (no date) and plans corrected."""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from onward.accounts.permissions import Perm
from onward.audit.models import AuditEvent
from onward.core.indicators import read_indicator
from onward.people.categories import Category
from onward.people.models import YoungPerson
from onward.people.selectors import category_of
from onward.supporters import services
from onward.supporters.models import EHCPlan
from onward.supporters.registry import EHC_PLANS
from tests.conftest import Tenant
from tests.factories import CouncilFactory
from tests.network.helpers import care_leaver, child_in_care, not_in_care

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
COUNTED = {
    Category.LOOKED_AFTER,
    Category.ELIGIBLE,
    Category.RELEVANT,
    Category.FORMER_RELEVANT,
    Category.FORMER_RELEVANT_21_25,
    Category.QUALIFYING,
}


def _day(rng: random.Random, low: int, high: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=rng.randint(low, high))


def _people(tenant: Tenant, rng: random.Random, count: int) -> list[YoungPerson]:
    found = []
    for i in range(count):
        kind = i % 4
        if kind == 0:
            found.append(child_in_care(tenant.council, school_year=rng.randint(7, 11)))
        elif kind == 1:
            found.append(care_leaver(tenant.council, age=rng.randint(19, 24)))
        elif kind == 2:
            found.append(care_leaver(tenant.council, age=rng.randint(26, 28)))  # past 25: no longer counted
        else:
            found.append(not_in_care(tenant.council))
    return found


def _plans(person: YoungPerson, rng: random.Random) -> None:
    """Nothing, one plan (dated or moved from the yes/no field), or a plan replaced by a later one."""
    shape = rng.randint(0, 4)
    if shape == 1:
        issued = _day(rng, 0, 500)
        ceases = rng.choice([None, issued + datetime.timedelta(days=rng.randint(1, 600))])
        EHCPlan.objects.create(person=person, issued_on=issued, ceases_on=ceases)
    elif shape == 2:
        EHCPlan.objects.create(person=person, issued_on=None, ceases_on=rng.choice([None, _day(rng, -100, 300)]))
    elif shape >= 3:
        first = _day(rng, 300, 700)
        replaced = first + datetime.timedelta(days=rng.randint(30, 250))
        EHCPlan.objects.create(person=person, issued_on=first, ceases_on=replaced)
        # The new plan starts the day the old one ceases, or overlaps it (each young person counts once).
        overlap = rng.choice([0, 0, 20])
        EHCPlan.objects.create(person=person, issued_on=replaced - datetime.timedelta(days=overlap), ceases_on=None)


def expected(tenant: Tenant, day: datetime.date) -> tuple[int, int]:
    """The plain count: every young person of the council, their category from the care history, every plan."""
    numerator = denominator = 0
    for person in YoungPerson.objects.filter(council=tenant.council):
        if category_of(person, day) not in COUNTED:
            continue
        denominator += 1
        in_force = False
        for plan in EHCPlan.objects.filter(person_id=person.pk):
            started = plan.issued_on is None or plan.issued_on <= day
            going = plan.ceases_on is None or day < plan.ceases_on
            if started and going:
                in_force = True
        numerator += in_force
    return numerator, denominator


def test_the_indicator_agrees_with_a_plain_count_on_many_dates(world: dict[str, Tenant]) -> None:
    rng = random.Random(3101)
    tenant = world["A"]
    for person in _people(tenant, rng, 32):
        _plans(person, rng)
    for person in _people(world["B"], rng, 8):  # another council's young people and plans are never counted
        EHCPlan.objects.create(person=person, issued_on=_day(rng, 10, 400))
    # Corrections: some plans' dates put right through the service (audited, versioned).
    adviser = tenant.users["personal_adviser"]
    for plan in rng.sample(list(EHCPlan.objects.filter(person__council=tenant.council, issued_on__isnull=False)), 4):
        issued = plan.issued_on - datetime.timedelta(days=rng.randint(1, 40))
        services.ehc_plan_update(
            acting_user=adviser,
            plan=plan,
            version=plan.version,
            issued_on=issued,
            reviewed_on=None,
            ceases_on=rng.choice([None, issued + datetime.timedelta(days=rng.randint(5, 200))]),
            notes="Dates corrected",
        )
    boundaries: set[datetime.date] = {TODAY, TODAY - datetime.timedelta(days=200)}
    for issued, ceases in EHCPlan.objects.filter(person__council=tenant.council).values_list("issued_on", "ceases_on"):
        for edge in (issued, ceases):
            if edge is not None:
                boundaries |= {edge - datetime.timedelta(days=1), edge}
    days = sorted(day for day in boundaries if TODAY - datetime.timedelta(days=365) <= day <= TODAY)
    assert len(days) > 10
    seen_plans = False
    for day in days:
        numerator, denominator = expected(tenant, day)
        found = read_indicator(EHC_PLANS, council=tenant.council, as_at=day)
        assert found is not None, day
        assert (found.numerator, found.denominator) == (numerator, denominator), day
        assert found.value == (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        seen_plans = seen_plans or 0 < numerator < denominator
    assert seen_plans


def test_a_plan_counts_from_the_day_issued_until_the_day_before_it_ceases() -> None:
    council = CouncilFactory()
    issued, ceases = TODAY - datetime.timedelta(days=100), TODAY - datetime.timedelta(days=10)
    people = [child_in_care(council, school_year=9) for _ in range(6)]
    care_leaver(council, age=20)
    plan = EHCPlan.objects.create(person=people[0], issued_on=issued, ceases_on=ceases)
    for day, counted in (
        (issued - datetime.timedelta(days=1), 0),
        (issued, 1),
        (ceases - datetime.timedelta(days=1), 1),
        (ceases, 0),
    ):
        found = read_indicator(EHC_PLANS, council=council, as_at=day)
        assert found is not None and (found.numerator, found.denominator) == (counted, 7), day
        assert found.shown == "c" if counted else found.shown == "0%"
    # A second plan issued the day the first ceases carries on the count; the young person counts once.
    EHCPlan.objects.create(person=people[0], issued_on=ceases - datetime.timedelta(days=5))
    found = read_indicator(EHC_PLANS, council=council, as_at=ceases)
    assert found is not None and found.numerator == 1
    # A young person who is neither in care nor a care leaver is not counted, plan or not.
    EHCPlan.objects.create(person=not_in_care(council), issued_on=issued)
    found = read_indicator(EHC_PLANS, council=council, as_at=TODAY)
    assert found is not None and (found.numerator, found.denominator) == (1, 7)
    assert plan.in_force_on(issued) and not plan.in_force_on(ceases)


def test_nobody_to_count_reads_as_none() -> None:
    council = CouncilFactory()
    EHCPlan.objects.create(person=not_in_care(council), issued_on=TODAY)
    assert read_indicator(EHC_PLANS, council=council, as_at=TODAY) is None


def _page(client, day: datetime.date | None = None):  # type: ignore[no-untyped-def]
    query = {} if day is None else {"on_0": str(day.day), "on_1": str(day.month), "on_2": str(day.year)}
    return client.get(reverse("supporters:ehc-plans-in-force"), query)


def test_the_young_people_behind_the_figure_are_listed_for_those_who_may_see_them(world, signed_in) -> None:  # type: ignore[no-untyped-def]
    tenant, other = world["A"], world["B"]
    issued = TODAY - datetime.timedelta(days=60)
    with_plan = child_in_care(tenant.council, school_year=9)
    EHCPlan.objects.create(person=with_plan, issued_on=issued)
    child_in_care(tenant.council, school_year=10)
    hidden_elsewhere = child_in_care(other.council, school_year=9)
    EHCPlan.objects.create(person=hidden_elsewhere, issued_on=issued)
    council_wide = next(u for u in tenant.users.values() if u.can(Perm.VIEW_COUNCIL_PEOPLE))
    client = signed_in(council_wide)
    page = _page(client)
    assert page.status_code == 200
    text = page.content.decode()
    reading = read_indicator(EHC_PLANS, council=tenant.council, as_at=TODAY)
    assert reading is not None
    assert f"{reading.numerator} of {reading.denominator} children in care and care leavers" in text
    assert with_plan.display_name in text and hidden_elsewhere.display_name not in text
    assert AuditEvent.objects.filter(actor=council_wide, object_type="supporters.EHCPlan", action="list").exists()
    # On a date before the plan was issued, it is not listed.
    before = _page(client, issued - datetime.timedelta(days=1)).content.decode()
    assert with_plan.display_name not in before
    # A caseload holder sees only their own young people; a councillor or a partner not at all.
    caseload = next(
        u
        for u in tenant.users.values()
        if u.can(Perm.VIEW_CASELOAD) and not u.can(Perm.VIEW_COUNCIL_PEOPLE) and not u.can(Perm.VIEW_TEAM_PEOPLE)
    )
    assert with_plan.display_name not in _page(signed_in(caseload)).content.decode()
    for role in ("councillor", "partner_provider"):
        assert _page(signed_in(tenant.users[role])).status_code == 403, role


@pytest.mark.parametrize("day", ["future", "nonsense"])
def test_a_bad_date_is_refused_with_a_message_and_nothing_listed(world, signed_in, day) -> None:  # type: ignore[no-untyped-def]
    tenant = world["A"]
    person = child_in_care(tenant.council, school_year=9)
    EHCPlan.objects.create(person=person, issued_on=TODAY - datetime.timedelta(days=60))
    council_wide = next(u for u in tenant.users.values() if u.can(Perm.VIEW_COUNCIL_PEOPLE))
    before = AuditEvent.objects.count()
    if day == "future":
        page = _page(signed_in(council_wide), TODAY + datetime.timedelta(days=3))
    else:
        page = signed_in(council_wide).get(
            reverse("supporters:ehc-plans-in-force"), {"on_0": "31", "on_1": "2", "on_2": "2025"}
        )
    text = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in text
    assert person.display_name not in text and AuditEvent.objects.count() == before
