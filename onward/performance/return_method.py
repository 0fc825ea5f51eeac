"""The return method: the indicators counted from the council's own SSDA903 return
(``returns.selectors.build_return``), in Python, for the young people the return covers.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from onward.accounts.models import Organisation
from onward.core import codelists
from onward.people import categories
from onward.people.models import YoungPerson
from onward.performance import indicators, live
from onward.performance.indicators import Figure
from onward.performance.models import Method
from onward.returns import selectors as return_selectors
from onward.returns import ssda903

# The statutory return ---------------------------------------------------------------------------------

_EET_ACTIV = {"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"}
_NEET_REASON = {"G4": "illness", "G6": "parenting", "G5": "other"}


@dataclass(frozen=True)
class ReturnRow:
    person_id: int
    facts: dict[str, Any]
    dimensions: dict[str, str]


def _blank_facts() -> dict[str, Any]:
    return {
        "cl": False,
        "band": "",
        "eet_group": "not_known",
        "neet_reason": "",
        "he": False,
        "suitable": False,
        "in_touch": False,
        "plan_cohort": False,
        "plan_in_date": False,
        "pep_cohort": False,
        "pep_recent": False,
        "pep_sw": False,
        "pep_good": False,
    }


def _birthday_age(dob: datetime.date, start: datetime.date, end: datetime.date) -> int | None:
    return next((n for n in range(17, 22) if start <= categories.birthday(dob, n) <= end), None)


def return_rows(council: Organisation, day: datetime.date, *, built: dict[int, Any] | None = None) -> list[ReturnRow]:
    """The birthday cohort of the return for the collection year holding ``day``, birthdays up to ``day``.

    ``build_return`` decides who is in OC3 and their IN_TOUCH, ACTIV and ACCOM around the birthday.
    Young people whose 17th to 21st birthday falls in the year but whom the return cannot yet hold
    (a data quality issue, such as no contact around the birthday) count as information not known.
    """
    year = indicators.collection_year(day)
    start, _ = ssda903.collection_window(year)
    cache = built if built is not None else {}
    if year not in cache:
        cache[year] = return_selectors.build_return(council=council, year=year, birthday_cohort=True)
    the_return = cache[year]
    children = {row["CHILD"]: row for row in the_return.oc3}
    held: dict[str, tuple[YoungPerson | None, dict[str, str] | None]] = {c: (None, r) for c, r in children.items()}
    for issue in the_return.issues:
        held.setdefault(issue.person.child_id, (issue.person, None))
    people = {
        p.child_id: p
        for p in YoungPerson.objects.filter(
            council=council, child_id__in=[c for c, (p, _) in held.items() if p is None]
        )
    }
    rows = []
    for child, (person, oc3) in held.items():
        person = person or people.get(child)
        if person is None:
            continue
        age = _birthday_age(person.date_of_birth, start, day)
        if age is None:
            continue  # a 22 to 25 year old, or a birthday after the date
        facts = _blank_facts()
        facts["band"] = "17_18" if age <= 18 else "19_21"
        if oc3 is None:
            facts["cl"] = True  # in the cohort, but nothing the return can hold: not known
        elif oc3["IN_TOUCH"] not in live.EXCLUDING_IN_TOUCH:
            activ, accom = oc3["ACTIV"], oc3["ACCOM"]
            facts.update(
                cl=True,
                in_touch=oc3["IN_TOUCH"] == codelists.InTouch.YES,
                eet_group="eet" if activ in _EET_ACTIV else ("neet" if activ in _NEET_REASON else "not_known"),
                neet_reason=_NEET_REASON.get(activ, ""),
                he=activ in ("F1", "P1"),
                suitable=accom.endswith("1"),
            )
        rows.append(ReturnRow(person.pk, facts, _person_dimensions(person, age)))
    return rows


def _person_dimensions(person: YoungPerson, age: int) -> dict[str, str]:
    return {
        "council": str(person.council_id),
        "team": "" if person.team_id is None else str(person.team_id),
        "worker": "" if person.personal_adviser_id is None else str(person.personal_adviser_id),
        "age": str(age),
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "send": "yes" if person.send else "no",
        "ehcp": "yes" if person.ehcp else "no",
        "uasc": "yes" if person.uasc else "no",
        "out_of_area": "yes" if person.lives_out_of_area else "no",
    }


def return_counts(
    council: Organisation,
    day: datetime.date,
    *,
    group_by: str = "council",
    rows: list[ReturnRow] | None = None,
) -> dict[str, dict[str, Figure]]:
    """The return method's indicators for a council on ``day``, per group."""
    rows = return_rows(council, day) if rows is None else rows
    grouped: dict[str, Counter[tuple[Any, ...]]] = defaultdict(Counter)
    for row in rows:
        grouped[row.dimensions[group_by]][indicators.facts_key(row.facts)] += 1
    if group_by == "council" and not grouped:
        grouped[str(council.pk)] = Counter()
    return {
        key: indicators.figures_from_counts(counts, method=Method.RETURN, day=day) for key, counts in grouped.items()
    }
