"""Demo targets and benchmarks for the demo council: called from the performance demo.

Invented comparator authorities (no real council's name or code) with figures near the national
ones, a stepped higher-education trajectory, and "national plus 5 points" targets.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from onward.accounts.models import Organisation
from onward.performance import benchmarks, services
from onward.performance.models import BenchmarkSet, Target

NEIGHBOURS = (
    "Northwick",
    "Southmere",
    "Eastbrook",
    "Westfold",
    "Upton Vale",
    "Kingsmarsh",
    "Ashcombe",
    "Hollinbury",
    "Redcastle",
    "Fenbridge",
)
REGION = ("Marlow Downs", "Cresthaven", "Lowdale", "Briarford", "Oakridge", "Saltmere", "Thornby")

# (indicator, tolerance, [(by date, kind, value)])
TARGETS: tuple[tuple[str, Decimal | None, list[tuple[datetime.date, str, Decimal]]], ...] = (
    (
        "eet_19_21",
        None,
        [(datetime.date(2022, 4, 1), "national", Decimal(5)), (datetime.date(2023, 4, 1), "national", Decimal(10))],
    ),
    (
        "he_19_21",
        Decimal(1),
        [
            (datetime.date(2024, 4, 1), "absolute", Decimal(6)),
            (datetime.date(2025, 4, 1), "absolute", Decimal(8)),
            (datetime.date(2026, 4, 1), "absolute", Decimal(10)),
            (datetime.date(2027, 4, 1), "absolute", Decimal(12)),
        ],
    ),
    (
        "neet_19_21",
        None,
        [(datetime.date(2025, 4, 1), "absolute", Decimal(36)), (datetime.date(2026, 4, 1), "absolute", Decimal(32))],
    ),
    ("eet_17_18", None, [(datetime.date(2025, 4, 1), "national", Decimal(5))]),
    ("suitable_accommodation_19_21", None, [(datetime.date(2025, 4, 1), "neighbours", Decimal(2))]),
    ("pathway_plan_in_date", Decimal(5), [(datetime.date(2025, 4, 1), "absolute", Decimal(95))]),
    ("in_touch_19_21", None, [(datetime.date(2025, 4, 1), "absolute", Decimal(92))]),
    # 16-17 participation (the participation app's indicators), bound to the demo NEET plan's measures
    ("neet_not_known_16_17", None, [(datetime.date(2027, 4, 1), "absolute", Decimal(8))]),
    ("participation_16_17", None, [(datetime.date(2027, 4, 1), "absolute", Decimal(85))]),
    ("september_guarantee_offers", None, [(datetime.date(2027, 4, 1), "absolute", Decimal(98))]),
    # The seeds' stepped targets of the demo plans' bound measures (plans.seed_measures): a bound measure
    # quotes the council's target, so the seed's steps live here.
    (
        "apprenticeships_started_inside_council",
        None,
        [(datetime.date(2026, 4, 1), "absolute", Decimal(3)), (datetime.date(2027, 4, 1), "absolute", Decimal(5))],
    ),
    ("council_service_areas_offering", None, [(datetime.date(2026, 4, 1), "absolute", Decimal(4))]),
    ("employers_engaged_last_year", None, [(datetime.date(2026, 4, 1), "absolute", Decimal(5))]),
    ("employer_champions", None, [(datetime.date(2026, 4, 1), "absolute", Decimal(2))]),
    ("pep_sw_attendance", None, [(datetime.date(2027, 4, 1), "absolute", Decimal(95))]),
    ("pep_quality", None, [(datetime.date(2027, 4, 1), "absolute", Decimal(85))]),
    ("aspiration_recorded_9_11", None, [(datetime.date(2027, 4, 1), "absolute", Decimal(90))]),
    ("pathway_plans_in_care_15_and_a_half", None, [(datetime.date(2027, 4, 1), "absolute", Decimal(100))]),
    ("careers_guidance_year_11", None, [(datetime.date(2027, 4, 1), "absolute", Decimal(100))]),
    ("pathway_plan_audits_good", None, [(datetime.date(2027, 4, 1), "absolute", Decimal(100))]),
    ("service_starters_eet_6_months", None, [(datetime.date(2027, 4, 1), "absolute", Decimal(45))]),
    ("opportunity_starters_eet_6_months", None, [(datetime.date(2027, 4, 1), "absolute", Decimal(50))]),
    ("service_starters_eet_6_months_re_engagement", None, [(datetime.date(2027, 4, 1), "absolute", Decimal(60))]),
    # Leeds asks 90% of needs referred to have a service with places, Cambridgeshire 85%: one council, one target.
    ("needs_referred_with_places", None, [(datetime.date(2027, 4, 1), "absolute", Decimal(90))]),
)


def demo_benchmark_csv(seed: int = 2026) -> bytes:
    """A benchmark file: every national indicator for 2021 to 2025, for 10 neighbours and 7 in the region."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demo figures
    lines = ["year,la_code,la_name,comparator,indicator,value"]
    groups = (("statistical neighbours", NEIGHBOURS, 0), ("region", REGION, 50))
    for code in benchmarks.national_codes():
        for year, national in sorted(benchmarks.national_series(code).items()):
            for comparator, names, offset in groups:
                for index, name in enumerate(names):
                    value = max(0, min(100, int(national) + rng.randint(-6, 6)))
                    lines.append(f"{year},E0690{offset + index:04d},{name},{comparator},{code},{value}")
    return ("\n".join(lines) + "\n").encode()


def load_targets_demo(council: Organisation) -> None:
    """The demo council's targets and benchmark file, once."""
    if not BenchmarkSet.objects.filter(council=council, status=BenchmarkSet.Status.SAVED).exists():
        previewed = services.benchmark_preview(
            acting_user=None, council=council, file_name="statistical-neighbours.csv", content=demo_benchmark_csv()
        )
        services.benchmark_save(acting_user=None, benchmark_set=previewed)
    for code, tolerance, steps in TARGETS:
        if Target.objects.filter(council=council, indicator=code).exists():
            continue
        target = services.target_save(
            acting_user=None, council=council, target=None, indicator=code, tolerance=tolerance
        )
        for by_date, kind, value in steps:
            step = services.target_step_add(
                acting_user=None, target=target, by_date=by_date, kind=kind, value=value, version=target.version
            )
            target = step.target  # its version moved on
