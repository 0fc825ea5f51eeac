"""Aspirations and intended destinations (Cambridgeshire 1.1, Leeds 3h): the coverage list by school
year, the analysis by sector, intended destinations against aspirations, their CSV files, the indicator
of the Year 9 to 11 cohort with an aspiration (against a brute-force count and as at a past date), and
the sectors that free text was mapped to."""

from __future__ import annotations

import csv
import datetime
import importlib
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from onward.accounts.models import Organisation
from onward.audit.models import AuditEvent
from onward.core.indicators import indicator_source, read_indicator
from onward.participation import registry, rules
from onward.people import services as people_services
from onward.people.models import Aspiration, IntendedDestination, YoungPerson
from tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 15)  # the academic year starting 1 September 2026
# Dates of birth by school year on DAY: Year N is academic age N + 4 on 31 August 2026.
YEAR = {n: datetime.date(2026 - (n + 4) - 1, 12, 1) for n in range(8, 15)}


def person(tenant, year: int, name: str, **extra):  # type: ignore[no-untyped-def]
    return YoungPersonFactory(
        council=tenant.council,
        date_of_birth=YEAR[year],
        personal_adviser=tenant.users["personal_adviser"],
        team=tenant.team,
        legal_family_name=name,
        **extra,
    )


def aspire(who, sector: str, on: datetime.date = DAY - datetime.timedelta(days=30), **extra) -> Aspiration:  # type: ignore[no-untyped-def]
    extra.setdefault("aspiration", f"Hopes to work in {sector or 'something'}")
    return Aspiration.objects.create(person=who, date=on, school_year=9, sector=sector, **extra)


def intend(who, sector: str, on: datetime.date = DAY - datetime.timedelta(days=20)) -> IntendedDestination:  # type: ignore[no-untyped-def]
    return IntendedDestination.objects.create(
        person=who,
        date=on,
        school_year=11,
        destination="further_education",
        provider="Wexbridge College",
        september_guarantee="offered",
        sector=sector,
    )


@pytest.fixture
def pupils(world):  # type: ignore[no-untyped-def]
    """In council A on 15 November 2026, all on the adviser's caseload: Year 8 (outside), Year 9 with and
    without an aspiration, Year 10 whose only aspiration is recorded after the day, Year 11 matched,
    Year 12 differs, Year 13 with a destination but no sector, Year 14 (outside); and a Year 9 pupil of
    council B with an aspiration."""
    a = world["A"]
    found = {
        "year8": person(a, 8, "Abbot"),
        "year9": person(a, 9, "Barrow"),
        "year9_none": person(a, 9, "Cole"),
        "year10_later": person(a, 10, "Dent"),
        "year11": person(a, 11, "Ewart"),
        "year12": person(a, 12, "Frome"),
        "year13": person(a, 13, "Gale"),
        "year14": person(a, 14, "Hurst"),
        "other": person(world["B"], 9, "Irving"),
    }
    aspire(found["year8"], "digital")
    aspire(found["year9"], "construction")
    aspire(found["year10_later"], "retail", on=DAY + datetime.timedelta(days=3))
    aspire(found["year11"], "health and care")
    intend(found["year11"], "health and care")
    aspire(found["year12"], "digital")
    intend(found["year12"], "hospitality")
    aspire(found["year13"], "sport")
    intend(found["year13"], "")
    aspire(found["year14"], "digital")
    aspire(found["other"], "construction")
    return found


def rows_of(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_coverage_list_shows_years_9_to_13_with_and_without_an_aspiration(world, signed_in, pupils) -> None:
    adviser = world["A"].users["personal_adviser"]
    response = signed_in(adviser).get(reverse("participation:aspirations"), {"as_at": DAY.isoformat()})
    assert response.status_code == 200
    shown = {r.person.pk: r for r in response.context["rows"]}
    expected = {"year9", "year9_none", "year10_later", "year11", "year12", "year13"}
    assert set(shown) == {pupils[k].pk for k in expected}
    assert shown[pupils["year9"].pk].school_year == 9 and shown[pupils["year13"].pk].school_year == 13
    assert shown[pupils["year9"].pk].sector_label == "Construction and trades"
    assert shown[pupils["year9_none"].pk].aspiration is None
    assert shown[pupils["year10_later"].pk].aspiration is None  # recorded after the day asked about
    years = {y.school_year: (y.total, y.recorded) for y in response.context["years"]}
    assert years == {9: (2, 1), 10: (1, 0), 11: (1, 1), 12: (1, 1), 13: (1, 1)}
    assert AuditEvent.objects.filter(
        actor=adviser, action=AuditEvent.Action.LIST, summary__contains="Aspirations"
    ).exists()

    missing = signed_in(adviser).get(
        reverse("participation:aspirations"), {"as_at": DAY.isoformat(), "year": "9", "status": "missing"}
    )
    assert [r.person.pk for r in missing.context["rows"]] == [pupils["year9_none"].pk]
    later = signed_in(adviser).get(
        reverse("participation:aspirations"), {"as_at": (DAY + datetime.timedelta(days=5)).isoformat(), "year": "10"}
    )
    assert [r.sector for r in later.context["rows"]] == ["retail"]


def test_the_coverage_list_downloads_as_csv_and_the_export_is_audited(world, signed_in, pupils) -> None:
    adviser = world["A"].users["personal_adviser"]
    response = signed_in(adviser).get(
        reverse("participation:aspirations"), {"as_at": DAY.isoformat(), "status": "missing", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert sorted(r["Child identifier"] for r in rows) == sorted(
        [pupils["year9_none"].child_id, pupils["year10_later"].child_id]
    )
    assert {r["School year"] for r in rows} == {"9", "10"}
    assert AuditEvent.objects.filter(
        actor=adviser, action=AuditEvent.Action.EXPORT, summary__contains="2 young people"
    ).exists()


def test_other_councils_and_other_caseloads_stay_out_of_the_lists(world, signed_in, pupils) -> None:
    b_adviser = world["B"].users["personal_adviser"]
    response = signed_in(b_adviser).get(reverse("participation:aspirations"), {"as_at": DAY.isoformat()})
    found = {r.person.pk for r in response.context["rows"]}
    assert pupils["year9"].pk not in found
    destinations = signed_in(b_adviser).get(
        reverse("participation:aspiration-destinations"), {"as_at": DAY.isoformat()}
    )
    assert pupils["year11"].pk not in {r.person.pk for r in destinations.context["rows"]}
    sectors = signed_in(b_adviser).get(reverse("participation:aspiration-sectors"), {"as_at": DAY.isoformat()})
    assert sectors.context["recorded"] == len([r for r in response.context["rows"] if r.aspiration])


def test_aspirations_by_sector_count_the_latest_aspiration_of_each_by_school_year(world, signed_in, pupils) -> None:
    adviser = world["A"].users["personal_adviser"]
    aspire(pupils["year12"], "digital", on=DAY - datetime.timedelta(days=400))  # an older one: not counted
    aspire(pupils["year11"], "", on=DAY - datetime.timedelta(days=2))  # the latest has no sector
    response = signed_in(adviser).get(reverse("participation:aspiration-sectors"), {"as_at": DAY.isoformat()})
    table = {row[0]: row[1:] for row in response.context["table"]}
    assert table == {
        "Construction and trades": [1, 0, 0, 0, 0, 1, "25%"],
        "Digital and technology": [0, 0, 0, 1, 0, 1, "25%"],
        "Sport and leisure": [0, 0, 0, 0, 1, 1, "25%"],
        "Sector not recorded": [0, 0, 1, 0, 0, 1, "25%"],
    }
    assert list(table)[-1] == "Sector not recorded"
    csv_rows = rows_of(
        signed_in(adviser).get(reverse("participation:aspiration-sectors"), {"as_at": DAY.isoformat(), "format": "csv"})
    )
    assert {r["Sector"]: r["Total"] for r in csv_rows}["Digital and technology"] == "1"


def test_intended_destinations_are_matched_with_aspirations_by_sector(world, signed_in, pupils) -> None:
    adviser = world["A"].users["personal_adviser"]
    response = signed_in(adviser).get(reverse("participation:aspiration-destinations"), {"as_at": DAY.isoformat()})
    found = {r.person.pk: (r.match.value, r.reason) for r in response.context["rows"]}
    assert found == {
        pupils["year11"].pk: ("matched", ""),
        pupils["year12"].pk: ("differs", ""),
        pupils["year13"].pk: ("missing", "The intended destination has no sector"),
    }
    differs = signed_in(adviser).get(
        reverse("participation:aspiration-destinations"),
        {"as_at": DAY.isoformat(), "match": "differs", "format": "csv"},
    )
    rows = rows_of(differs)
    assert [(r["Child identifier"], r["Aspiration sector"], r["Destination sector"]) for r in rows] == [
        (pupils["year12"].child_id, "Digital and technology", "Hospitality and catering")
    ]
    # Before the destinations were recorded, there was nothing to compare.
    early = signed_in(adviser).get(
        reverse("participation:aspiration-destinations"), {"as_at": (DAY - datetime.timedelta(days=25)).isoformat()}
    )
    assert {r.reason for r in early.context["rows"]} == {"No intended destination recorded"}


def test_the_rule_that_compares_the_sectors() -> None:
    match = rules.destination_match
    assert match(None, "digital") == (rules.Match.MISSING, "No aspiration recorded")
    assert match("digital", None) == (rules.Match.MISSING, "No intended destination recorded")
    assert match("", "digital") == (rules.Match.MISSING, "The aspiration has no sector")
    assert match("digital", "") == (rules.Match.MISSING, "The intended destination has no sector")
    assert match("other", "other")[0] == rules.Match.MISSING
    assert match("digital", "digital") == (rules.Match.MATCHED, "")
    assert match("digital", "retail") == (rules.Match.DIFFERS, "")


def test_a_sector_outside_the_list_is_refused_and_changes_nothing(world, signed_in, pupils) -> None:
    adviser = world["A"].users["personal_adviser"]
    who = pupils["year9_none"]
    before = Aspiration.objects.count()
    response = signed_in(adviser).post(
        reverse("people:record-add", args=[who.pk, "aspiration"]),
        {"date_0": "1", "date_1": "10", "date_2": "2026", "school_year": "9", "aspiration": "Vet", "sector": "space"},
    )
    assert response.status_code == 200
    assert "Select a sector from the list" in response.content.decode()
    assert Aspiration.objects.count() == before
    people_services.aspiration_record(
        acting_user=adviser, person=who, date=DAY, school_year=9, aspiration="Vet", sector="animal care"
    )
    assert Aspiration.objects.get(person=who).get_sector_display() == "Animal care, land and environment"


def test_free_text_sectors_map_to_the_fixed_list() -> None:
    migration = importlib.import_module("onward.people.migrations.0009_aspiration_sector")
    assert migration.sector_for("") == ""
    assert migration.sector_for("Construction") == "construction"
    assert migration.sector_for("health and care") == "health and care"
    assert migration.sector_for("IT support") == "digital"
    assert migration.sector_for("Vet nurse") == "animal care"
    assert migration.sector_for("Army") == "public services"
    assert migration.sector_for("starting a business") == "business"
    assert migration.sector_for("painting") == "other"  # "art" must start a word


# The indicator ---------------------------------------------------------------------------------------


@pytest.fixture
def council() -> Organisation:
    call_command("generate_cohort", "--council", "Aspiration Test Council", "--size", "300", "--seed", "29")
    return Organisation.objects.get(name="Aspiration Test Council")


def brute(council: Organisation, day: datetime.date) -> tuple[int, int]:
    """Year 9 to 11 young people on ``day`` with an aspiration dated by then, the long way round."""
    august = datetime.date(day.year if day.month >= 9 else day.year - 1, 8, 31)
    recorded, total = 0, 0
    for young in YoungPerson.objects.filter(council=council):
        if young.died_on and young.died_on <= day:
            continue
        dob = young.date_of_birth
        year = august.year - dob.year - ((august.month, august.day) < (dob.month, dob.day)) - 4
        if year not in (9, 10, 11):
            continue
        total += 1
        recorded += any(a.date <= day for a in Aspiration.objects.filter(person=young) if a.superseded_at is None)
    return recorded, total


def test_the_aspiration_indicator_matches_a_brute_force_count(council) -> None:
    day = datetime.date.today() - datetime.timedelta(days=10)  # noqa: DTZ011
    recorded, total = brute(council, day)
    reading = read_indicator(registry.ASPIRATIONS, council=council, as_at=day)
    assert reading is not None
    assert (reading.numerator, reading.denominator) == (recorded, total)
    assert total > 10 and 0 < recorded < total  # both kinds are in the generated cohort
    assert indicator_source(registry.ASPIRATIONS) is not None


def test_the_aspiration_indicator_as_at_a_past_date_ignores_what_is_recorded_after(council) -> None:
    past = datetime.date.today() - datetime.timedelta(days=200)  # noqa: DTZ011
    before = read_indicator(registry.ASPIRATIONS, council=council, as_at=past)
    assert before is not None
    later = past + datetime.timedelta(days=30)
    first, last = rules.born_in_years(past, 9, 11)
    missing = [
        p
        for p in YoungPerson.objects.filter(council=council, date_of_birth__gte=first, date_of_birth__lte=last)
        if not Aspiration.objects.filter(person=p, date__lte=past).exists()
    ]
    assert missing
    for young in missing:
        Aspiration.objects.create(person=young, date=later, school_year=9, aspiration="Work in retail", sector="retail")
    assert read_indicator(registry.ASPIRATIONS, council=council, as_at=past) == before
    assert brute(council, past) == (before.numerator, before.denominator)
    after = read_indicator(registry.ASPIRATIONS, council=council, as_at=later)
    assert after is not None and after.numerator > before.numerator


def test_text_typed_into_an_aspiration_cannot_run_as_a_formula_in_the_files(world, signed_in, pupils) -> None:
    """What was typed reaches the CSV files as text, with an apostrophe before a formula's first sign."""
    adviser = world["A"].users["personal_adviser"]
    aspire(pupils["year12"], "digital", aspiration="=HYPERLINK(0)", on=DAY - datetime.timedelta(days=1))
    for name in ("participation:aspirations", "participation:aspiration-destinations"):
        rows = rows_of(signed_in(adviser).get(reverse(name), {"as_at": DAY.isoformat(), "format": "csv"}))
        assert "'=HYPERLINK(0)" in {r["Aspiration"] for r in rows}, name
