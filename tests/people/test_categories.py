"""The leaving-care category is derived from the care history by the statutory rules."""

from __future__ import annotations

import datetime

import pytest

from onward.people.categories import Category, Episode, birthday, category_on, summarise

DOB = datetime.date(2006, 5, 10)
D14, D16, D17, D18, D21, D25 = (birthday(DOB, n) for n in (14, 16, 17, 18, 21, 25))
days = datetime.timedelta


def cat(episodes: list[Episode], day: datetime.date, **kwargs: object) -> Category:
    return category_on(DOB, summarise(DOB, episodes), day, **kwargs)  # type: ignore[arg-type]


def test_looked_after_13_weeks_after_14_including_time_after_16_is_eligible_then_relevant_then_former_relevant() -> (
    None
):
    """From 15 to 16 and a half in care: eligible while in care at 16, relevant after leaving, then former relevant."""
    episodes = [Episode(birthday(DOB, 15), D16 + days(180), "C2", "E13")]
    assert cat(episodes, D16 + days(10)) == Category.ELIGIBLE
    assert cat(episodes, D16 + days(200)) == Category.RELEVANT
    assert cat(episodes, D18 + days(1)) == Category.FORMER_RELEVANT
    assert cat(episodes, D21 + days(1)) == Category.FORMER_RELEVANT_21_25
    assert cat(episodes, D25) == Category.NONE
    assert cat(episodes, birthday(DOB, 15) + days(5)) == Category.LOOKED_AFTER


def test_exactly_91_days_after_the_14th_birthday_qualifies_and_90_does_not() -> None:
    """13 weeks is 91 days: the 91st day looked after (with time after 16) is the day eligibility starts."""
    start = D16 - days(60)
    episodes = [Episode(start, start + days(91), "V2", "E13")]
    summary = summarise(DOB, episodes)
    assert summary.eligible_from == start + days(90)
    assert cat(episodes, start + days(89)) == Category.LOOKED_AFTER
    assert cat(episodes, start + days(90)) == Category.ELIGIBLE
    short = [Episode(start, start + days(90), "V2", "E13")]
    assert summarise(DOB, short).eligible_from is None
    assert cat(short, start + days(100)) == Category.QUALIFYING


def test_time_before_the_14th_birthday_does_not_count() -> None:
    """Years in care before 14 count for nothing: only days from the 14th birthday do."""
    episodes = [
        Episode(birthday(DOB, 10), D14 + days(30), "C2", "E4A"),
        Episode(D16 + days(1), D16 + days(40), "V2", "E13"),
    ]
    assert summarise(DOB, episodes).eligible_from is None
    assert cat(episodes, D16 + days(50)) == Category.QUALIFYING


def test_13_weeks_spread_over_several_periods_adds_up_and_needs_some_time_after_16() -> None:
    """Two periods, 60 days at 14 and 40 days after 16: eligible on the 31st day after 16."""
    second = D16 + days(5)
    episodes = [Episode(D14, D14 + days(60), "V2", "E4A"), Episode(second, second + days(40), "V2", "E13")]
    assert summarise(DOB, episodes).eligible_from == second + days(30)
    # 100 days all before 16 is not enough: no time after 16.
    only_young = [Episode(D14, D14 + days(100), "C2", "E4A")]
    assert summarise(DOB, only_young).eligible_from is None
    assert cat(only_young, D16 + days(5)) == Category.NONE


def test_leaving_care_on_the_18th_birthday_makes_a_former_relevant_young_person() -> None:
    """A young person in care until their 18th birthday is eligible at 17 and former relevant from 18."""
    episodes = [Episode(D14 + days(100), D18, "C2", "E17")]
    assert cat(episodes, D18 - days(1)) == Category.ELIGIBLE
    assert cat(episodes, D18) == Category.FORMER_RELEVANT


def test_returning_to_care_makes_a_relevant_young_person_eligible_again() -> None:
    """Relevant after leaving at 16, eligible again when back in care at 17, relevant when they leave."""
    back = D17
    episodes = [Episode(D14, D16 + days(10), "C2", "E13"), Episode(back, back + days(30), "V2", "E5")]
    assert cat(episodes, D16 + days(100)) == Category.RELEVANT
    assert cat(episodes, back + days(5)) == Category.ELIGIBLE
    assert cat(episodes, back + days(40)) == Category.RELEVANT


def test_episodes_chained_with_x1_are_one_period_of_care() -> None:
    """An X1 ending is a change of placement, not leaving care."""
    episodes = [
        Episode(D16 - days(30), D16 + days(20), "C2", "X1"),
        Episode(D16 + days(20), D16 + days(200), "C2", "E13"),
    ]
    summary = summarise(DOB, episodes)
    assert len(summary.periods) == 1
    assert cat(episodes, D16 + days(30)) == Category.LOOKED_AFTER  # 60 days so far
    assert cat(episodes, D16 + days(100)) == Category.ELIGIBLE


def test_short_breaks_do_not_count_as_being_looked_after() -> None:
    """V3 and V4 short-break episodes are left out: a child with only short breaks is not a care leaver."""
    episodes = [Episode(D14, D16 + days(300), "V3", "E8"), Episode(D16 + days(300), D17 + days(300), "V4", "E8")]
    assert summarise(DOB, episodes).eligible_from is None
    assert cat(episodes, D18 + days(10)) == Category.NONE


def test_a_young_person_who_died_has_no_category() -> None:
    """Death in care (E2) or recorded after leaving ends the category."""
    in_care = [Episode(D14, D17, "C2", "E2")]
    assert cat(in_care, D17 + days(1)) == Category.DIED
    left = [Episode(D14, D16 + days(100), "C2", "E13")]
    assert cat(left, D18 + days(10), died_on=D18) == Category.DIED
    assert cat(left, D18 - days(10), died_on=D18) == Category.RELEVANT


def test_care_taken_over_by_another_council_or_adoption_ends_the_category() -> None:
    """E3 (another council took over) and E11/E12 (adopted) mean not this council's care leaver."""
    moved = [Episode(D14, D16 + days(100), "C2", "E3")]
    assert cat(moved, D17) == Category.TRANSFERRED
    adopted = [Episode(D14, D16 + days(100), "E1", "E11")]
    assert cat(adopted, D17) == Category.ADOPTED


def test_still_looked_after_without_13_weeks_is_looked_after_not_eligible() -> None:
    """Someone who came into care at 17 is looked after until they have 13 weeks."""
    episodes = [Episode(D17, None, "V2")]
    assert cat(episodes, D17 + days(30)) == Category.LOOKED_AFTER
    assert cat(episodes, D17 + days(91)) == Category.ELIGIBLE


@pytest.mark.parametrize("dob", [datetime.date(2008, 2, 29)])
def test_leap_day_birthdays_fall_on_1_march(dob: datetime.date) -> None:
    """A 29 February birthday is on 1 March in other years."""
    assert birthday(dob, 16) == datetime.date(2024, 2, 29)
    assert birthday(dob, 17) == datetime.date(2025, 3, 1)
