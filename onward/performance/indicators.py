"""The indicator catalogue and how each figure is counted: pure functions of (cohort, as-at date).

Every indicator is a numerator and a denominator over the same young people, written once as
*conditions* on a handful of per-person facts (``FACTS``). The facts are worked out in two ways
(ADR 10):

- the **live snapshot** (``Method.SNAPSHOT``): everyone in scope on the date, their status on the
  date, computed in the database (``selectors.live_people``) so a council of 2,000 and a national
  instance of 250,000 are both quick;
- the **statutory return** (``Method.RETURN``): the birthday cohort of the SSDA903 care leavers
  return (OC3) for the collection year holding the date, as ``returns.selectors.build_return``
  decides it, with the birthdays up to the date (``selectors.return_facts``). Comparable with the
  national statistics.

The national exclusions apply to both: young people who died, who returned home for 6 months or
more (IN_TOUCH RHOM), whose care was taken over by another council (E3), or who were looked after
only under short breaks (V3, V4; the leaving-care rules never count those as care) are never in a
denominator. The conditions are plain dictionaries of field lookups (``field`` or ``field__in``),
so the same definition is a ``Q`` in SQL and a test in Python (``matches``).
"""

from __future__ import annotations

import datetime
import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q

from onward.core.indicators import COUNT, PERCENT
from onward.performance.models import Method

Condition = Mapping[str, Any]

FACTS = (
    "cl",  # a care leaver in scope on the date (or in the return's cohort), after the exclusions
    "band",  # "16", "17_18", "19_21", "22_25" (the age on the date, or the birthday's age in the return)
    "eet_group",  # "eet", "neet" or "not_known"
    "neet_reason",  # "illness", "parenting", "other" or ""
    "he",  # in higher education
    "suitable",  # in accommodation considered suitable
    "in_touch",  # in touch (latest contact within 3 months says so; YES around the birthday in the return)
    "plan_cohort",  # needs a pathway plan (eligible, relevant, former relevant), not excluded
    "plan_in_date",  # the latest pathway plan review's next due date is on or after the date
    "pep_cohort",  # looked after and in school Year 12 or 13 on the date, or a care leaver in Year 13
    "pep_recent",  # a PEP in the last school term (about 4 months)
    "pep_sw",  # the social worker attended the latest PEP this term
    "pep_good",  # the latest PEP this term was judged good or outstanding
)

CARE_LEAVER_BANDS = ("16", "17_18", "19_21", "22_25")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    age_band: str
    denominator: Condition
    numerator: Condition
    methods: tuple[str, ...] = (Method.SNAPSHOT, Method.RETURN)
    higher_is_better: bool = True
    description: str = ""
    headline: bool = True

    @property
    def is_rate(self) -> bool:
        return self.unit == PERCENT


def _cl(band: str, **more: Any) -> dict[str, Any]:
    return {"cl": True, "band": band, **more}


def _band_label(band: str) -> str:
    return {"17_18": "aged 17 to 18", "19_21": "aged 19 to 21"}[band]


def _care_leaver_indicators(band: str) -> list[Indicator]:
    label = _band_label(band)
    den = _cl(band)
    found = [
        Indicator(
            f"eet_{band}",
            f"Care leavers {label} in education, employment or training",
            PERCENT,
            band,
            den,
            {"eet_group": "eet"},
        ),
        Indicator(
            f"neet_{band}",
            f"Care leavers {label} not in education, employment or training",
            PERCENT,
            band,
            den,
            {"eet_group": "neet"},
            higher_is_better=False,
        ),
        Indicator(
            f"he_{band}", f"Care leavers {label} in higher education", PERCENT, band, den, {"he": True}, headline=False
        ),
        Indicator(
            f"not_known_{band}",
            f"Care leavers {label}: activity not known",
            PERCENT,
            band,
            den,
            {"eet_group": "not_known"},
            higher_is_better=False,
            headline=False,
        ),
        Indicator(
            f"suitable_accommodation_{band}",
            f"Care leavers {label} in suitable accommodation",
            PERCENT,
            band,
            den,
            {"suitable": True},
        ),
        Indicator(f"in_touch_{band}", f"Care leavers {label} in touch", PERCENT, band, den, {"in_touch": True}),
    ]
    if band == "19_21":
        for reason, words in (
            ("illness", "because of illness or disability"),
            ("other", "for other reasons"),
            ("parenting", "because of pregnancy or parenting"),
        ):
            found.append(
                Indicator(
                    f"neet_{reason}_{band}",
                    f"Care leavers {label} not in education, employment or training {words}",
                    PERCENT,
                    band,
                    den,
                    {"eet_group": "neet", "neet_reason": reason},
                    higher_is_better=False,
                    headline=False,
                )
            )
    return found


_SNAPSHOT_ONLY = (Method.SNAPSHOT,)
PEP_POPULATION = (
    "Young people looked after in school Years 12 and 13, and care leavers in Year 13 (whose PEPs the council "
    "extended to the end of Year 13), on the date"
)

INDICATORS: tuple[Indicator, ...] = (
    *_care_leaver_indicators("19_21"),
    *_care_leaver_indicators("17_18"),
    Indicator(
        "pathway_plan_in_date",
        "Pathway plans in date",
        PERCENT,
        "16_24",
        {"plan_cohort": True},
        {"plan_in_date": True},
        methods=_SNAPSHOT_ONLY,
        description="Eligible, relevant and former relevant young people whose next pathway plan review is not "
        "yet overdue",
    ),
    Indicator(
        "pep_completed",
        "PEPs completed this term, Years 12 and 13",
        PERCENT,
        "year_12_13",
        {"pep_cohort": True},
        {"pep_recent": True},
        methods=_SNAPSHOT_ONLY,
        description=f"{PEP_POPULATION}: those with a PEP meeting this term (about 4 months)",
    ),
    Indicator(
        "pep_sw_attendance",
        "PEPs with the social worker attending, Years 12 and 13",
        PERCENT,
        "year_12_13",
        {"pep_cohort": True, "pep_recent": True},
        {"pep_sw": True},
        methods=_SNAPSHOT_ONLY,
        headline=False,
        description=f"{PEP_POPULATION}, with a PEP this term: those whose social worker attended the latest",
    ),
    Indicator(
        "pep_quality",
        "PEPs judged good or outstanding, Years 12 and 13",
        PERCENT,
        "year_12_13",
        {"pep_cohort": True, "pep_recent": True},
        {"pep_good": True},
        methods=_SNAPSHOT_ONLY,
        headline=False,
        description=f"{PEP_POPULATION}, with a PEP this term: those whose latest was judged good or outstanding",
    ),
    Indicator(
        "neet_cohort_size",
        "Care leavers aged 16 to 25 not in education, employment or training",
        COUNT,
        "16_25",
        {"cl": True, "band__in": CARE_LEAVER_BANDS},
        {"eet_group": "neet"},
        methods=_SNAPSHOT_ONLY,
        higher_is_better=False,
    ),
)

BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}


def get(code: str) -> Indicator:
    """The indicator with ``code``; ``KeyError`` for an unknown one."""
    return BY_CODE[code]


def for_method(method: str) -> list[Indicator]:
    return [indicator for indicator in INDICATORS if method in indicator.methods]


# Conditions ---------------------------------------------------------------------------------------


def as_q(condition: Condition) -> Q:
    """The condition as a filter on a queryset annotated with the facts."""
    return Q(**dict(condition))


def matches(facts: Mapping[str, Any], condition: Condition) -> bool:
    """Whether one young person's facts meet the condition (the same test as ``as_q``, in Python)."""
    for key, wanted in condition.items():
        if key.endswith("__in"):
            if facts[key[:-4]] not in wanted:
                return False
        elif facts[key] != wanted:
            return False
    return True


def numerator_condition(indicator: Indicator) -> dict[str, Any]:
    return {**indicator.denominator, **indicator.numerator}


# Figures ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One indicator's value: numerator over denominator, as a percentage for a rate.

    ``people`` holds the ids of the young people in the numerator when the figure was counted person
    by person (``figures_from_facts``, the tests' reference); otherwise use ``selectors.people_behind``
    for the list.
    """

    code: str
    method: str
    day: datetime.date
    numerator: int
    denominator: int | None
    unit: str = PERCENT
    people: frozenset[int] | None = field(default=None, compare=False)

    @property
    def percentage(self) -> Decimal | None:
        if self.unit != PERCENT:
            return None
        return percentage(self.numerator, self.denominator)

    @property
    def value(self) -> Decimal | None:
        return self.percentage if self.unit == PERCENT else Decimal(self.numerator)


def percentage(numerator: int, denominator: int | None) -> Decimal | None:
    """Numerator as a percentage of the denominator to one decimal place; ``None`` for an empty one."""
    if not denominator:
        return None
    return (Decimal(100 * numerator) / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@functools.lru_cache(maxsize=65536)
def _meets(key: tuple[Any, ...], codes: tuple[str, ...]) -> tuple[tuple[bool, bool], ...]:
    """Whether a combination of facts (in ``FACTS`` order) is in each indicator's numerator and denominator.

    There are at most a few thousand combinations, so each is tested once for a whole process.
    """
    facts = dict(zip(FACTS, key, strict=True))
    found = []
    for code in codes:
        indicator = get(code)
        found.append((matches(facts, numerator_condition(indicator)), matches(facts, indicator.denominator)))
    return tuple(found)


@functools.lru_cache(maxsize=65536)
def _masks(key: tuple[Any, ...], codes: tuple[str, ...]) -> tuple[int, int]:
    """``_meets`` as two sets of bits: bit ``i`` of the first is set when the combination of facts is
    in indicator ``codes[i]``'s numerator, of the second when in its denominator."""
    numerators = denominators = 0
    for bit, (numerator, denominator) in enumerate(_meets(key, codes)):
        numerators |= numerator << bit
        denominators |= denominator << bit
    return numerators, denominators


def facts_key(facts: Mapping[str, Any]) -> tuple[Any, ...]:
    """One young person's facts as a key of ``figures_from_counts``."""
    return tuple(facts[name] for name in FACTS)


def figures_from_counts(
    counts: Mapping[tuple[Any, ...], int],
    *,
    method: str,
    day: datetime.date,
    codes: Iterable[str] | None = None,
) -> dict[str, Figure]:
    """Every indicator counted from how many young people share each combination of facts (``facts_key``).

    The same figures as ``figures_from_facts`` without the list of young people, with the conditions
    tested once a combination rather than once a young person: a monthly snapshot counts every
    breakdown of every council, about 500,000 young people a time at national scale.
    """
    chosen = [get(code) for code in codes] if codes is not None else for_method(method)
    names = tuple(indicator.code for indicator in chosen)
    # The young people are added up by which indicators' numerators (and denominators) their facts
    # are in: there are far fewer such sets than combinations of facts, and each indicator's total is
    # then the sum over the sets that hold it.
    by_numerators: Counter[int] = Counter()
    by_denominators: Counter[int] = Counter()
    for key, count in counts.items():
        numerators, denominators = _masks(key, names)
        by_numerators[numerators] += count
        by_denominators[denominators] += count
    totals = [
        (
            sum(count for bits, count in by_numerators.items() if bits >> bit & 1),
            sum(count for bits, count in by_denominators.items() if bits >> bit & 1),
        )
        for bit in range(len(chosen))
    ]
    return {
        indicator.code: Figure(
            code=indicator.code,
            method=method,
            day=day,
            numerator=numerator,
            denominator=denominator if indicator.is_rate else None,
            unit=indicator.unit,
        )
        for indicator, (numerator, denominator) in zip(chosen, totals, strict=True)
    }


def figures_from_facts(
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    method: str,
    day: datetime.date,
    codes: Iterable[str] | None = None,
) -> dict[str, Figure]:
    """Every indicator counted over per-person facts, young person by young person: the tests' reference.

    The product counts with ``figures_from_counts``, which gives the same numbers more quickly.
    """
    chosen = [get(code) for code in codes] if codes is not None else for_method(method)
    rows = list(rows)
    found: dict[str, Figure] = {}
    for indicator in chosen:
        behind = frozenset(pk for pk, facts in rows if matches(facts, numerator_condition(indicator)))
        denominator = sum(1 for _, facts in rows if matches(facts, indicator.denominator))
        found[indicator.code] = Figure(
            code=indicator.code,
            method=method,
            day=day,
            numerator=len(behind),
            denominator=denominator if indicator.is_rate else None,
            unit=indicator.unit,
            people=behind,
        )
    return found


# Dates --------------------------------------------------------------------------------------------


def month_end(day: datetime.date) -> datetime.date:
    """The last day of ``day``'s month."""
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def month_ends_before(day: datetime.date, count: int = 12) -> list[datetime.date]:
    """The last ``count`` month ends on or before ``day``, oldest first."""
    ends: list[datetime.date] = []
    current = month_end(day)
    if current > day:
        current = day.replace(day=1) - datetime.timedelta(days=1)
    while len(ends) < count:
        ends.append(current)
        current = current.replace(day=1) - datetime.timedelta(days=1)
    return list(reversed(ends))


def collection_year(day: datetime.date) -> int:
    """The SSDA903 collection year (1 April to 31 March, named by its ending year) holding ``day``."""
    return day.year + 1 if day.month >= 4 else day.year
