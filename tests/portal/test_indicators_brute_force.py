"""Each of the portal's indicators against a brute-force count: random things said by the young people of two
councils on random days over two years, read back at several dates and compared with a plain count in Python
of every record, one by one."""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from onward.core.indicators import indicator_source, read_indicator
from onward.portal import registry
from onward.portal.models import Statement, Survey, SurveyResponse, Theme
from tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db

KINDS = [choice for choice, _ in Statement.Kind.choices]


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _world(world, seed: int) -> tuple[list[dict], list[dict]]:  # type: ignore[no-untyped-def]
    """Random statements and survey answers in both councils; returns plain copies to count by hand."""
    rng = random.Random(seed)
    today = timezone.localdate()
    said, answers = [], []
    for tenant in (world["A"], world["B"]):
        people = [YoungPersonFactory(council=tenant.council) for _ in range(6)]
        manager = tenant.users["team_manager"]
        published = Theme.objects.create(
            council=tenant.council,
            title="Published",
            you_said="x",
            we_did="y",
            created_by=manager,
            published_at=_moment(today - datetime.timedelta(days=200)),
        )
        draft = Theme.objects.create(council=tenant.council, title="Draft", created_by=manager)
        for _ in range(70):
            kind = rng.choice(KINDS)
            day = today - datetime.timedelta(days=rng.randint(0, 730))
            rating = rng.randint(1, 5) if kind == Statement.Kind.SERVICE_FEEDBACK else None
            theme = rng.choice([None, None, published, draft])
            statement = Statement.objects.create(
                council=tenant.council,
                person=rng.choice(people),
                kind=kind,
                text=rng.choice(["", "Some words"]),
                mood=rng.choice(Statement.Mood.values) if kind == Statement.Kind.CHECK_IN else "",
                wants_help=kind == Statement.Kind.CHECK_IN and rng.random() < 0.4,
                rating=rating,
                send=tenant.send if kind == Statement.Kind.SERVICE_FEEDBACK else None,
                theme=theme,
            )
            Statement.objects.filter(pk=statement.pk).update(created_at=_moment(day))
            said.append(
                {
                    "council": tenant.council.pk,
                    "kind": kind,
                    "day": day,
                    "text": statement.text,
                    "help": statement.wants_help,
                    "rating": rating,
                    "published_on": today - datetime.timedelta(days=200) if theme is published else None,
                }
            )
        for n in range(4):
            survey = Survey.objects.create(
                council=tenant.council,
                title=f"Survey {n}",
                opens_on=today - datetime.timedelta(days=700),
                closes_on=today,
                created_by=manager,
            )
            for person in people:
                if rng.random() < 0.6:
                    day = today - datetime.timedelta(days=rng.randint(0, 730))
                    response = SurveyResponse.objects.create(survey=survey, person=person, answers={})
                    SurveyResponse.objects.filter(pk=response.pk).update(created_at=_moment(day))
                    answers.append({"council": tenant.council.pk, "day": day})
    return said, answers


def _in_year(day: datetime.date, as_at: datetime.date) -> bool:
    return as_at - datetime.timedelta(days=365) < day <= as_at


def _share(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _expected(code: str, said: list[dict], answers: list[dict], council: int, as_at: datetime.date) -> Decimal | None:
    year = [s for s in said if s["council"] == council and _in_year(s["day"], as_at)]
    feedback_kinds = {"check_in", "service_feedback", "offer_comment"}
    rated = [s for s in year if s["kind"] == "service_feedback" and s["rating"] is not None]
    if code == registry.FEEDBACK:
        return Decimal(sum(1 for s in year if s["kind"] in feedback_kinds))
    if code == registry.CHECK_INS_HELP:
        return Decimal(sum(1 for s in year if s["kind"] == "check_in" and s["help"]))
    if code == registry.FEEDBACK_ANSWERED:
        worded = [s for s in year if s["kind"] in feedback_kinds and s["text"]]
        answered = [s for s in worded if s["published_on"] is not None and s["published_on"] <= as_at]
        return _share(len(answered), len(worded))
    if code == registry.CHECK_INS:
        return Decimal(sum(1 for s in year if s["kind"] == "check_in"))
    if code == registry.SERVICE_FEEDBACK:
        return Decimal(len(rated))
    if code == registry.SERVICES_RATED_GOOD:
        return _share(sum(1 for s in rated if s["rating"] >= 4), len(rated))
    if code == registry.SURVEY_RESPONSES:
        return Decimal(sum(1 for a in answers if a["council"] == council and _in_year(a["day"], as_at)))
    raise AssertionError(code)


CODES = [code for code, *_ in registry.INDICATORS]


def test_every_indicator_is_registered_for_plan_measures() -> None:
    """Each can be bound to a plan measure (Leeds objective 10): registered in core's indicators."""
    assert len(CODES) == 7
    for code in CODES:
        assert indicator_source(code) is not None, code


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("code", CODES)
def test_each_indicator_matches_a_brute_force_count(world, code: str, seed: int) -> None:
    said, answers = _world(world, seed)
    today = timezone.localdate()
    for council in (world["A"].council, world["B"].council):
        for back in (0, 1, 90, 199, 200, 364, 365, 500):
            as_at = today - datetime.timedelta(days=back)
            reading = read_indicator(code, council=council, as_at=as_at)
            expected = _expected(code, said, answers, council.pk, as_at)
            if expected is None:
                assert reading is None, (code, back)
                continue
            assert reading is not None and reading.value == expected, (code, council, back, reading, expected)
            if reading.denominator is None:  # a count: shown rounded, 1 to 5 suppressed
                n = int(expected)
                assert reading.shown == ("c" if 1 <= n <= 5 else f"{round(n / 10 + 1e-9) * 10:,}" if n else "0")
            elif 1 <= reading.denominator <= 5 or 1 <= reading.numerator <= 5:
                assert reading.shown == "c"


def test_a_plan_measure_bound_to_young_peoples_ratings_fills_itself(world, signed_in) -> None:
    """Leeds objective 10: a success measure bound to the share of services rated good reads it live, and
    the councillor sees the figure as published (suppressed while small)."""
    from onward.plans import selectors as plan_selectors
    from onward.plans import services as plan_services

    a = world["A"]
    measure = plan_services.measure_save(
        acting_user=a.users["performance_officer"],
        item=a.plan_item,
        measure=None,
        name="Young people rating the services they used good or very good",
        indicator_code=registry.SERVICES_RATED_GOOD,
    )
    today = timezone.localdate()
    for rating in [5, 5, 4, 4, 4, 4, 2, 1, 3, 5]:
        Statement.objects.create(
            council=a.council, person=a.person, kind="service_feedback", send=a.send, rating=rating
        )
    status = plan_selectors.measure_status(measure, council=a.council, as_at=today)
    assert status.actual is not None and status.actual.value == Decimal("70.0")
    # Another council's ratings do not count.
    b = world["B"]
    Statement.objects.create(council=b.council, person=b.person, kind="service_feedback", send=b.send, rating=1)
    assert plan_selectors.measure_status(measure, council=a.council, as_at=today).actual.value == Decimal("70.0")  # type: ignore[union-attr]
