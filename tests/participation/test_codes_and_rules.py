"""The NCCIS code list and mapping, and the participation rules (academic age, cohort, currency, counting)."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings

from onward.core import codelists
from onward.core.codelists import ACTIVITY_INFO, EETActivity, NCCISActivity, NCCISGroup, nccis_code, nccis_group
from onward.participation import rules
from onward.participation.rules import Counted

OFFICIAL_RANGES = [(110, 150), (210, 290), (310, 381), (410, 460), (530, 530), (540, 540), (610, 619), (620, 680)]


def test_every_eet_activity_maps_to_exactly_one_code_in_the_official_list() -> None:
    official = {code.value for code in NCCISActivity}
    for activity in EETActivity:
        for part_time in (False, True):
            code = nccis_code(activity, part_time=part_time)
            assert code in official, (activity, part_time, code)
    assert nccis_code(None) == nccis_code("") == "810"


def test_every_mapped_code_is_in_the_official_list_and_the_list_is_the_departments() -> None:
    official = {code.value for code in NCCISActivity}
    mapped = {info.nccis for info in ACTIVITY_INFO.values()} | set(codelists.NCCIS_PART_TIME.values())
    assert mapped <= official
    assert {
        "110",
        "150",
        "210",
        "290",
        "310",
        "381",
        "410",
        "460",
        "530",
        "540",
        "610",
        "619",
        "620",
        "680",
    } <= official
    assert {"710", "810", "820", "830"} <= official
    assert "720" not in official and "550" not in official


def test_part_time_study_has_its_own_code() -> None:
    assert nccis_code(EETActivity.FURTHER_EDUCATION, part_time=False) == "230"
    assert nccis_code(EETActivity.FURTHER_EDUCATION, part_time=True) == "250"
    assert nccis_code(EETActivity.HIGHER_EDUCATION, part_time=True) == "250"
    assert nccis_code(EETActivity.APPRENTICESHIP, part_time=True) == "310"


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("110", NCCISGroup.PRE_16),
        ("250", NCCISGroup.EDUCATION),
        ("381", NCCISGroup.EMPLOYMENT),
        ("450", NCCISGroup.TRAINING),
        ("530", NCCISGroup.RE_ENGAGEMENT),
        ("540", NCCISGroup.NEET),
        ("616", NCCISGroup.NEET),
        ("680", NCCISGroup.NEET),
        ("710", NCCISGroup.OTHER),
        ("830", NCCISGroup.NOT_KNOWN),
    ],
)
def test_codes_fall_in_the_departments_groups(code: str, group: NCCISGroup) -> None:
    assert nccis_group(code) == group


@pytest.mark.parametrize(
    ("dob", "day", "age"),
    [
        (datetime.date(2009, 8, 31), datetime.date(2026, 11, 30), 17),
        (datetime.date(2009, 9, 1), datetime.date(2026, 11, 30), 16),
        (datetime.date(2010, 8, 31), datetime.date(2026, 9, 1), 16),
        (datetime.date(2010, 8, 31), datetime.date(2026, 8, 31), 15),
        (datetime.date(2008, 2, 29), datetime.date(2026, 1, 31), 17),
    ],
)
def test_academic_age_is_age_on_the_31_august_before_the_academic_year(dob, day, age) -> None:
    assert rules.academic_age(dob, day) == age


def test_the_cohort_is_16_and_17_and_to_24_with_an_ehc_plan() -> None:
    day = datetime.date(2026, 11, 30)
    assert not rules.in_cohort(datetime.date(2010, 9, 1), False, day)  # 15
    assert rules.in_cohort(datetime.date(2010, 8, 31), False, day)  # 16
    assert rules.in_cohort(datetime.date(2008, 9, 1), False, day)  # 17
    assert not rules.in_cohort(datetime.date(2008, 8, 31), False, day)  # 18
    assert rules.in_cohort(datetime.date(2008, 8, 31), True, day)  # 18, EHC plan
    assert rules.in_cohort(datetime.date(2001, 9, 1), True, day)  # 24, EHC plan
    assert not rules.in_cohort(datetime.date(2001, 8, 31), True, day)  # 25
    assert rules.born_between(day, 16, 17) == (datetime.date(2008, 9, 1), datetime.date(2010, 8, 31))


def test_currency_defaults_and_settings() -> None:
    assert rules.lapse_days("230") == 365
    assert rules.lapse_days("310") == 183
    assert rules.lapse_days("619") == 92
    assert rules.lapse_days("530") == 92
    assert rules.lapse_days("810") is None
    with override_settings(ONWARD_NCCIS_LAPSE_DAYS={"230": 30}):
        assert rules.lapse_days("230") == 30
        assert rules.lapse_days("240") == 365
    ascertained = datetime.date(2026, 1, 1)
    due = rules.due_to_lapse("619", ascertained)
    assert due == datetime.date(2026, 4, 3)
    assert not rules.is_lapsed(due, due)
    assert rules.is_lapsed(due, due + datetime.timedelta(days=1))
    assert rules.due_to_lapse("810", ascertained) is None
    assert not rules.is_lapsed(None, ascertained)


def test_what_a_record_counts_as() -> None:
    assert rules.counted_as("230", lapsed=False) == Counted.PARTICIPATING
    assert rules.counted_as("230", lapsed=True) == Counted.NOT_KNOWN
    assert rules.counted_as("330", lapsed=False) == Counted.NOT_PARTICIPATING
    assert rules.counted_as("530", lapsed=False) == Counted.NOT_PARTICIPATING
    assert rules.counted_as("540", lapsed=False) == Counted.NEET
    assert rules.counted_as("616", lapsed=False) == Counted.NEET
    assert rules.counted_as("710", lapsed=False) == Counted.OTHER
    assert rules.counted_as("820", lapsed=False) == Counted.NOT_KNOWN


def test_the_headline_months_are_the_latest_december_to_february() -> None:
    dec, jan, feb = datetime.date(2025, 12, 31), datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)
    assert rules.headline_months(datetime.date(2026, 2, 28)) == [dec, jan, feb]
    assert rules.headline_months(datetime.date(2026, 11, 30)) == [dec, jan, feb]
    assert rules.headline_months(datetime.date(2027, 2, 27)) == [dec, jan, feb]


def test_months_and_guarantee_rounds() -> None:
    assert rules.parse_month("2026-02") == datetime.date(2026, 2, 28)
    for bad in ("2026-13", "26-01", "2026/01", "", "abcd-ef"):
        with pytest.raises(ValueError):
            rules.parse_month(bad)
    assert rules.guarantee_round(datetime.date(2026, 5, 31)) == 2025
    assert rules.guarantee_round(datetime.date(2026, 6, 1)) == 2026
    assert rules.guarantee_window(2026) == (datetime.date(2025, 9, 1), datetime.date(2026, 9, 30))
    assert rules.guarantee_year_group(datetime.date(2010, 8, 31), 2026) == 11
    assert rules.guarantee_year_group(datetime.date(2009, 8, 31), 2026) == 12
    assert rules.guarantee_year_group(datetime.date(2008, 8, 31), 2026) is None
    assert rules.is_tracking_period(datetime.date(2026, 9, 30)) and not rules.is_tracking_period(
        datetime.date(2026, 10, 1)
    )
    assert rules.survey_year(datetime.date(2026, 10, 31)) == 2025
    assert rules.survey_year(datetime.date(2026, 11, 1)) == 2026
    assert rules.survey_leavers_born(2026) == (datetime.date(2009, 9, 1), datetime.date(2010, 8, 31))
    for dob in rules.survey_leavers_born(2026):
        assert rules.academic_age(dob, datetime.date(2026, 7, 1)) == 15  # in Year 11 that summer
        assert rules.academic_age(dob, datetime.date(2026, 11, 1)) == 16
