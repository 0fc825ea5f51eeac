"""The leaving-care category, derived from the care history as at any date. Never typed in.

The rules (Children Act 1989 Sch 2 para 19B, s23A, s23C, s23CZB, s24; the Care Planning,
Placement and Case Review (England) Regulations 2010 reg 40; REFERENCE.md §5):

- **Eligible**: aged 16 or 17, still looked after, and looked after for at least 13 weeks (91 days)
  in total since the 14th birthday, including some time after the 16th birthday.
- **Relevant**: aged 16 or 17, was eligible, and has left care.
- **Former relevant**: aged 18 to 20 and was eligible or relevant; support to 21, and from 21
  to 25 on request (s23CZB).
- **Qualifying** (s24): under 21, stopped being looked after after the 16th birthday, but not
  eligible.

Short breaks (legal status V3 or V4) do not count as being looked after for these rules, as the
national statistics and the Department's validator (rule 1001) leave them out. A young person who
died, whose care was taken over by another council (E3) or who was adopted has no category.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from onward.core.codelists import ADOPTED, SHORT_BREAK_STATUSES, ReasonEpisodeCeased

QUALIFYING_DAYS = 91  # 13 weeks


class Category(StrEnum):
    LOOKED_AFTER = "looked_after"
    ELIGIBLE = "eligible"
    RELEVANT = "relevant"
    FORMER_RELEVANT = "former_relevant"
    FORMER_RELEVANT_21_25 = "former_relevant_21_25"
    QUALIFYING = "qualifying"
    NONE = "none"
    DIED = "died"
    TRANSFERRED = "transferred"
    ADOPTED = "adopted"


CATEGORY_LABELS: dict[Category, str] = {
    Category.LOOKED_AFTER: "Looked after",
    Category.ELIGIBLE: "Eligible",
    Category.RELEVANT: "Relevant",
    Category.FORMER_RELEVANT: "Former relevant",
    Category.FORMER_RELEVANT_21_25: "Former relevant, 21 to 25",
    Category.QUALIFYING: "Qualifying",
    Category.NONE: "Not a care leaver",
    Category.DIED: "Died",
    Category.TRANSFERRED: "Care transferred to another council",
    Category.ADOPTED: "Adopted",
}

CARE_LEAVER_CATEGORIES = frozenset(
    {Category.RELEVANT, Category.FORMER_RELEVANT, Category.FORMER_RELEVANT_21_25, Category.QUALIFYING}
)
IN_SCOPE_CATEGORIES = CARE_LEAVER_CATEGORIES | {Category.ELIGIBLE, Category.LOOKED_AFTER}
IN_CARE_OR_LEFT_CARE = (
    Category.LOOKED_AFTER.value,
    Category.ELIGIBLE.value,
    Category.RELEVANT.value,
    Category.FORMER_RELEVANT.value,
    Category.FORMER_RELEVANT_21_25.value,
    Category.QUALIFYING.value,
)
"""Every child in care and care leaver, as category values (``selectors.in_care_or_care_leavers``)."""


@dataclass(frozen=True)
class Episode:
    start: datetime.date
    end: datetime.date | None
    legal_status: str
    reason_ceased: str = ""


@dataclass(frozen=True)
class CareSummary:
    """What the category rules need from a care history, computed once per history."""

    eligible_from: datetime.date | None
    """The day the 13-weeks-after-14-including-after-16 test was first met, if ever."""
    periods: tuple[tuple[datetime.date, datetime.date | None, str], ...]
    """Periods of care (short breaks left out): start, end (None if still looked after), final reason."""

    def looked_after_on(self, day: datetime.date) -> bool:
        return any(start <= day and (end is None or day < end) for start, end, _ in self.periods)

    def left_care_after_16_by(self, day: datetime.date, sixteenth: datetime.date) -> bool:
        return any(end is not None and sixteenth <= end <= day for _, end, _ in self.periods)

    def final_reason_by(self, day: datetime.date) -> str:
        ended = [(end, reason) for _, end, reason in self.periods if end is not None and end <= day]
        if not ended or self.looked_after_on(day):
            return ""
        return max(ended)[1]

    @property
    def looked_after_now(self) -> bool:
        return bool(self.periods) and self.periods[-1][1] is None

    @property
    def care_ended_on(self) -> datetime.date | None:
        return None if not self.periods or self.looked_after_now else self.periods[-1][1]

    @property
    def final_reason(self) -> str:
        return "" if not self.periods or self.looked_after_now else self.periods[-1][2]


def birthday(dob: datetime.date, years: int) -> datetime.date:
    """The date of the ``years``th birthday; 29 February birthdays fall on 1 March in other years.

    A birthday beyond the calendar Python can hold (a mistyped year) is the last or first date it can.
    """
    year = dob.year + years
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        return datetime.date.max if years > 0 else datetime.date.min
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return datetime.date(dob.year + years, 3, 1)


def age_on(dob: datetime.date, day: datetime.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def summarise(dob: datetime.date, episodes: Iterable[Episode]) -> CareSummary:
    """Periods of care and the date the qualifying test was met, from the episodes.

    Episodes are days looked after from ``start`` to the day before ``end`` (the SSDA903
    convention: looked after on D when DECOM <= D < DEC). A period of care ends at an episode
    that ceases for a reason other than X1.
    """
    counted = sorted(
        (e for e in episodes if e.legal_status not in SHORT_BREAK_STATUSES),
        key=lambda e: (e.start, e.end or datetime.date.max),
    )
    periods: list[tuple[datetime.date, datetime.date | None, str]] = []
    for episode in counted:
        if (
            periods
            and periods[-1][1] is not None
            and periods[-1][2] == ReasonEpisodeCeased.X1
            and episode.start <= periods[-1][1]
        ):
            start = periods[-1][0]
            periods[-1] = (start, episode.end, episode.reason_ceased)
        elif periods and periods[-1][1] is None:
            continue  # an open period already covers this (bad data: overlapping episodes)
        else:
            periods.append((episode.start, episode.end, episode.reason_ceased))

    fourteenth, sixteenth = birthday(dob, 14), birthday(dob, 16)
    eligible_from = None
    total = 0  # days looked after since the 14th birthday, before the current period
    after_16_seen = False  # some day looked after on or after the 16th birthday, before this period
    for start, end, _ in periods:
        begin = max(start, fourteenth)
        if end is not None and end <= begin:
            continue
        # Day d of [begin, end) meets the test when the running total reaches 91 days and some
        # day so far was on or after the 16th birthday.
        total_met = begin + datetime.timedelta(days=max(QUALIFYING_DAYS - total, 1) - 1)
        first_after_16 = begin if after_16_seen else max(begin, sixteenth)
        met = max(total_met, first_after_16)
        if end is None or met < end:
            eligible_from = met
            break
        total += (end - begin).days
        after_16_seen = after_16_seen or end > sixteenth
    return CareSummary(eligible_from=eligible_from, periods=tuple(periods))


def category_on(
    dob: datetime.date, summary: CareSummary, day: datetime.date, *, died_on: datetime.date | None = None
) -> Category:
    """The leaving-care category of a young person on ``day``."""
    if day < dob:
        return Category.NONE
    reason = summary.final_reason_by(day)
    if (died_on is not None and died_on <= day) or reason == ReasonEpisodeCeased.E2:
        return Category.DIED
    if reason == ReasonEpisodeCeased.E3:
        return Category.TRANSFERRED
    if reason in ADOPTED:
        return Category.ADOPTED
    age = age_on(dob, day)
    looked_after = summary.looked_after_on(day)
    qualified = summary.eligible_from is not None and summary.eligible_from <= day
    if age < 16:
        return Category.LOOKED_AFTER if looked_after else Category.NONE
    if age < 18:
        if looked_after:
            return Category.ELIGIBLE if qualified else Category.LOOKED_AFTER
        if qualified:
            return Category.RELEVANT
        return Category.QUALIFYING if summary.left_care_after_16_by(day, birthday(dob, 16)) else Category.NONE
    if age < 21:
        if qualified:
            return Category.FORMER_RELEVANT
        return Category.QUALIFYING if summary.left_care_after_16_by(day, birthday(dob, 16)) else Category.NONE
    if age < 25 and qualified:
        return Category.FORMER_RELEVANT_21_25
    return Category.NONE


def entitlement(category: Category) -> str:
    """What the category entitles the young person to, in plain words."""
    return {
        Category.ELIGIBLE: "A needs assessment, a pathway plan and a personal adviser while looked after",
        Category.RELEVANT: "Accommodation and maintenance, a pathway plan and a personal adviser",
        Category.FORMER_RELEVANT: "A personal adviser and pathway plan to 21, and to 25 on request",
        Category.FORMER_RELEVANT_21_25: "A personal adviser, assessment and pathway plan to 25, on request",
        Category.QUALIFYING: "Advice and assistance to 21",
        Category.LOOKED_AFTER: "Care planning as a looked-after child",
    }.get(category, "None under the leaving care rules")
