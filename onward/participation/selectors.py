"""Reads of 16-17 participation, as at a date, from the register.

Every list starts from a queryset of young people the caller may see (``access.people_visible_to``)
or count (``access.people_counted_for``); the council-wide reads for the monthly feed command and
the indicators start from ``performance.selectors.council_people``. A young person's activity on a
day is the EET spell in force (``people`` keeps them effective-dated), mapped to its one NCCIS code
by ``core.codelists.nccis_code``; its date ascertained is the later of the spell's start and the
last contact in touch with the young person on or before the day, and it lapses after its currency
(``rules.lapse_days``).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from onward.accounts.models import Organisation
from onward.core import codelists
from onward.participation import rules
from onward.participation.rules import Counted, GuaranteeStatus
from onward.people.models import Aspiration, Contact, EETSpell, IntendedDestination, Sector, YoungPerson


@dataclass(frozen=True)
class Activity:
    """A young person's NCCIS activity on a day, with its currency."""

    person: YoungPerson
    day: datetime.date
    academic_age: int
    activity: str
    """Onward's EET activity (blank when nothing is recorded)."""
    code: str
    start: datetime.date | None
    ascertained: datetime.date | None
    due_to_lapse: datetime.date | None
    lapsed: bool

    @property
    def counted(self) -> Counted:
        return rules.counted_as(self.code, self.lapsed)

    @property
    def code_label(self) -> str:
        return codelists.NCCISActivity(self.code).label

    @property
    def counted_label(self) -> str:
        return rules.COUNTED_LABELS[self.counted]


def council_people(council: Organisation) -> QuerySet[YoungPerson]:
    """Every young person a council holds (for the feed command and the indicators)."""
    from onward.performance.selectors import council_people as everyone

    return everyone(council)


def cohort(people: QuerySet[YoungPerson], day: datetime.date, *, send_extension: bool = True) -> QuerySet[YoungPerson]:
    """Those of ``people`` in the NCCIS cohort on ``day``: academic age 16 or 17, or 18 to 24 with an
    EHC plan (``send_extension``), alive on the day. Children in care count as much as care leavers."""
    first, last = rules.born_between(day, *rules.COHORT_AGES)
    ages = Q(date_of_birth__gte=first, date_of_birth__lte=last)
    if send_extension:
        first_send, last_send = rules.born_between(day, rules.COHORT_AGES[1] + 1, rules.SEND_UP_TO)
        ages |= Q(ehcp=True, date_of_birth__gte=first_send, date_of_birth__lte=last_send)
    return people.filter(ages).exclude(died_on__lte=day)


def activities_of(people: Iterable[YoungPerson], day: datetime.date) -> list[Activity]:
    """The activity of each of ``people`` on ``day`` (three queries, whatever their number)."""
    people = list(people)
    ids = [p.pk for p in people]
    spells: dict[int, EETSpell] = {}
    for spell in EETSpell.objects.filter(person__in=ids).filter(EETSpell.covering(day)).order_by("start", "id"):
        spells[spell.person_id] = spell  # the latest start (then id) wins, as in people.selectors
    contacts = dict(
        Contact.objects.filter(person__in=ids)
        .filter(in_touch=codelists.InTouch.YES, date__lte=day, superseded_at__isnull=True)
        .values("person")
        .annotate(last=Max("date"))
        .values_list("person", "last")
    )
    found = []
    for person in people:
        found.append(activity_from(person, day, spells.get(person.pk), contacts.get(person.pk)))
    return found


def activity_from(
    person: YoungPerson, day: datetime.date, spell: EETSpell | None, last_contact: datetime.date | None
) -> Activity:
    """One young person's activity from the spell in force and their last contact in touch."""
    age = rules.academic_age(person.date_of_birth, day)
    if spell is None:
        code = codelists.NCCISActivity.NOT_KNOWN.value
        return Activity(person, day, age, "", code, None, None, None, False)
    code = codelists.nccis_code(spell.activity, part_time=spell.part_time)
    ascertained = max(spell.start, last_contact) if last_contact else spell.start
    due = rules.due_to_lapse(code, ascertained)
    return Activity(person, day, age, spell.activity, code, spell.start, ascertained, due, rules.is_lapsed(due, day))


def cohort_activities(people: QuerySet[YoungPerson], day: datetime.date) -> list[Activity]:
    """The cohort among ``people`` on ``day`` with their activities, by academic age then name."""
    members = (
        cohort(people, day)
        .select_related("personal_adviser")
        .order_by("-date_of_birth", "legal_family_name", "legal_given_name", "pk")
    )
    return activities_of(members, day)


@dataclass(frozen=True)
class CohortSummary:
    day: datetime.date
    by_age: list[tuple[int, dict[Counted, int], int]]
    totals: dict[Counted, int]
    total: int
    lapsed: int


def summary(activities: list[Activity], day: datetime.date) -> CohortSummary:
    """Counts by academic age and what each record counts as."""
    ages: dict[int, Counter[Counted]] = {}
    for found in activities:
        ages.setdefault(found.academic_age, Counter())[found.counted] += 1
    totals: Counter[Counted] = Counter(found.counted for found in activities)
    return CohortSummary(
        day=day,
        by_age=[(age, {c: ages[age][c] for c in Counted}, sum(ages[age].values())) for age in sorted(ages)],
        totals={c: totals[c] for c in Counted},
        total=len(activities),
        lapsed=sum(1 for found in activities if found.lapsed),
    )


def lapsing(activities: list[Activity], day: datetime.date, until: datetime.date) -> list[Activity]:
    """Records to chase: already lapsed, or due to lapse on or before ``until``; soonest first."""
    chase = [a for a in activities if a.due_to_lapse is not None and a.due_to_lapse <= until]
    return sorted(chase, key=lambda a: (a.due_to_lapse or day, a.person.legal_family_name, a.person.pk))


# Headline figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return None if not self.denominator else 100 * self.numerator / self.denominator


def participation_figure(activities: list[Activity]) -> Figure:
    """Academic age 16 and 17 participating in education or training, of all of them."""
    core = [a for a in activities if a.academic_age in rules.COHORT_AGES]
    return Figure(sum(1 for a in core if a.counted == Counted.PARTICIPATING), len(core))


def neet_not_known_figure(activities: list[Activity]) -> Figure:
    """Academic age 16 and 17 NEET or not known (lapsed included), of all but those in custody."""
    core = [a for a in activities if a.academic_age in rules.COHORT_AGES and a.counted != Counted.OTHER]
    return Figure(sum(1 for a in core if a.counted in (Counted.NEET, Counted.NOT_KNOWN)), len(core))


def council_activities(council: Organisation, day: datetime.date) -> list[Activity]:
    return cohort_activities(council_people(council), day)


# The September Guarantee -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Guarantee:
    person: YoungPerson
    year_group: int
    status: GuaranteeStatus
    offered_on: datetime.date | None
    provider: str
    destination: str
    """The intended destination's NCCIS code (blank when none is recorded)."""

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def destination_label(self) -> str:
        return f"{self.destination} {codelists.NCCISActivity(self.destination).label}" if self.destination else ""


OFFER_STATUS = {
    IntendedDestination.Offer.OFFERED: GuaranteeStatus.OFFER_MADE,
    IntendedDestination.Offer.NO_OFFER: GuaranteeStatus.NO_OFFER,
    IntendedDestination.Offer.NOT_APPLICABLE: GuaranteeStatus.NOT_APPROPRIATE,
}


def guarantee_cohort(people: QuerySet[YoungPerson], round_year: int) -> QuerySet[YoungPerson]:
    """Those of ``people`` in Year 11 or 12 in the academic year that ends with the round."""
    return people.filter(
        date_of_birth__gte=datetime.date(round_year - 18, 9, 1),
        date_of_birth__lte=datetime.date(round_year - 16, 8, 31),
    )


def guarantees(people: QuerySet[YoungPerson], day: datetime.date) -> list[Guarantee]:
    """Each Year 11 and 12 young person's September Guarantee status in the round tracked on ``day``:
    their latest intended destination for that year group dated in the round's window and by ``day``."""
    round_year = rules.guarantee_round(day)
    start, end = rules.guarantee_window(round_year)
    members = list(
        guarantee_cohort(people, round_year)
        .exclude(died_on__lte=day)
        .select_related("personal_adviser")
        .order_by("legal_family_name", "legal_given_name", "pk")
    )
    latest: dict[tuple[int, int], IntendedDestination] = {}
    for record in (
        IntendedDestination.objects.filter(person__in=[p.pk for p in members])
        .filter(superseded_at__isnull=True, date__gte=start, date__lte=min(end, day))
        .order_by("date", "id")
    ):
        latest[(record.person_id, record.school_year)] = record
    found = []
    for person in members:
        year_group = rules.guarantee_year_group(person.date_of_birth, round_year)
        if year_group is None:
            continue
        chosen = latest.get((person.pk, year_group))
        if chosen is None:
            found.append(Guarantee(person, year_group, GuaranteeStatus.NOT_RECORDED, None, "", ""))
            continue
        found.append(
            Guarantee(
                person,
                year_group,
                OFFER_STATUS[IntendedDestination.Offer(chosen.september_guarantee)],
                chosen.date,
                chosen.offer_provider or chosen.provider,
                codelists.nccis_code(chosen.destination),
            )
        )
    return found


# The monthly feed and the Annual Activity Survey ------------------------------------------------------


def year11_destinations(people: list[YoungPerson], day: datetime.date) -> dict[int, str]:
    """Each young person's latest Year 11 intended destination on or before ``day``, as an NCCIS code."""
    latest: dict[int, str] = {}
    for record in (
        IntendedDestination.objects.filter(person__in=[p.pk for p in people])
        .filter(superseded_at__isnull=True, school_year=11, date__lte=day)
        .order_by("date", "id")
    ):
        latest[record.person_id] = codelists.nccis_code(record.destination)
    return latest


def feed_rows(people: QuerySet[YoungPerson], month_end: datetime.date) -> list[list[object]]:
    """The monthly feed: one row a young person in the cohort on the month's last day (``feed.COLUMNS``)."""
    found = cohort_activities(people, month_end)
    members = [a.person for a in found]
    offers = {g.person.pk: g for g in guarantees(people.filter(pk__in=[p.pk for p in members]), month_end)}
    destinations = year11_destinations(members, month_end)
    rows: list[list[object]] = []
    for a in sorted(found, key=lambda a: a.person.child_id):
        person = a.person
        offer = offers.get(person.pk)
        rows.append(
            [
                person.child_id,
                person.date_of_birth,
                person.upn,
                "",
                a.academic_age,
                a.code,
                a.start,
                a.ascertained,
                a.due_to_lapse,
                "Y" if a.lapsed else "N",
                a.counted_label,
                "",
                "Y" if person.send or person.ehcp else "N",
                rules.FEED_GUARANTEE[offer.status] if offer else "",
                destinations.get(person.pk, ""),
                month_end,
            ]
        )
    return rows


SURVEY_COLUMNS = (
    "YoungPersonID",
    "DateOfBirth",
    "UPN",
    "ActivityCode",
    "ActivityLabel",
    "StartDate",
    "DateAscertained",
    "CountedAs",
    "IntendedDestinationYr11",
    "SurveyDate",
)


def survey_rows(people: QuerySet[YoungPerson], year: int) -> list[list[object]]:
    """The Annual Activity Survey of ``year``: every Year 11 leaver of that summer, with their activity on
    1 November (a lapsed activity counts as not known, as in the monthly feed)."""
    day = datetime.date(year, 11, 1)
    first, last = rules.survey_leavers_born(year)
    members = people.filter(date_of_birth__gte=first, date_of_birth__lte=last).exclude(died_on__lte=day)
    found = activities_of(members.order_by("child_id"), day)
    destinations = year11_destinations([a.person for a in found], day)
    return [
        [
            a.person.child_id,
            a.person.date_of_birth,
            a.person.upn,
            a.code,
            a.code_label,
            a.start,
            a.ascertained,
            a.counted_label,
            destinations.get(a.person.pk, ""),
            day,
        ]
        for a in found
    ]


def careers_return_expected(people: QuerySet[YoungPerson], month_end: datetime.date) -> dict[str, dict[str, str]]:
    """Onward's own feed for the month, as the text the file holds, to compare a return with."""
    from onward.participation import feed

    return feed.as_text_rows(feed_rows(people, month_end))


# Aspirations and intended destinations (Cambridgeshire 1.1, Leeds 3h) ----------------------------------


@dataclass(frozen=True)
class AspirationRow:
    """A young person in Years 9 to 13 on a day, with their latest aspiration recorded by then (if any)."""

    person: YoungPerson
    school_year: int
    aspiration: Aspiration | None

    @property
    def sector(self) -> str:
        return self.aspiration.sector if self.aspiration else ""

    @property
    def sector_label(self) -> str:
        return Sector(self.sector).label if self.sector else ""


def school_years(
    people: QuerySet[YoungPerson], day: datetime.date, years: Iterable[int] = rules.ASPIRATION_YEARS
) -> QuerySet[YoungPerson]:
    """Those of ``people`` in the given school years on ``day``, alive on the day."""
    chosen = sorted(years)
    first, last = rules.born_in_years(day, chosen[0], chosen[-1])
    return people.filter(date_of_birth__gte=first, date_of_birth__lte=last).exclude(died_on__lte=day)


def latest_aspirations(person_ids: Iterable[int], day: datetime.date) -> dict[int, Aspiration]:
    """Each young person's latest current aspiration dated on or before ``day`` (one query)."""
    latest: dict[int, Aspiration] = {}
    for record in Aspiration.objects.filter(
        person__in=list(person_ids), superseded_at__isnull=True, date__lte=day
    ).order_by("date", "id"):
        latest[record.person_id] = record
    return latest


def aspiration_coverage(
    people: QuerySet[YoungPerson], day: datetime.date, years: Iterable[int] = rules.ASPIRATION_YEARS
) -> list[AspirationRow]:
    """Every young person of ``people`` in the school years on ``day``, youngest year first and then by
    name, with their latest aspiration on or before the day (two queries, whatever their number)."""
    members = list(
        school_years(people, day, years)
        .select_related("personal_adviser")
        .order_by("-date_of_birth", "legal_family_name", "legal_given_name", "pk")
    )
    latest = latest_aspirations([p.pk for p in members], day)
    rows = [AspirationRow(p, rules.school_year(p.date_of_birth, day), latest.get(p.pk)) for p in members]
    rows.sort(key=lambda r: (r.school_year, r.person.legal_family_name, r.person.legal_given_name, r.person.pk))
    return rows


@dataclass(frozen=True)
class YearCoverage:
    school_year: int
    total: int
    recorded: int

    @property
    def missing(self) -> int:
        return self.total - self.recorded

    @property
    def percent(self) -> float | None:
        return 100 * self.recorded / self.total if self.total else None


def coverage_by_year(rows: list[AspirationRow], years: Iterable[int] = rules.ASPIRATION_YEARS) -> list[YearCoverage]:
    """For each school year, how many there are and how many have an aspiration recorded."""
    return [
        YearCoverage(
            year,
            sum(1 for r in rows if r.school_year == year),
            sum(1 for r in rows if r.school_year == year and r.aspiration is not None),
        )
        for year in years
    ]


def aspirations_by_sector(rows: list[AspirationRow]) -> list[tuple[str, str, int, dict[int, int]]]:
    """Recorded aspirations by sector: (sector, label, total, {school year: count}), biggest first; the
    aspirations with no sector last."""
    counts: Counter[tuple[str, int]] = Counter((r.sector, r.school_year) for r in rows if r.aspiration is not None)
    found = []
    for value, label in [*Sector.choices, ("", "Sector not recorded")]:
        by_year = {year: counts[(value, year)] for year in rules.ASPIRATION_YEARS}
        total = sum(by_year.values())
        if total:
            found.append((value, label, total, by_year))
    found.sort(key=lambda entry: (entry[0] == "", -entry[2], entry[1]))
    return found


@dataclass(frozen=True)
class DestinationRow:
    """A young person in Years 11 to 13: their latest aspiration and intended destination, compared."""

    person: YoungPerson
    school_year: int
    aspiration: Aspiration | None
    destination: IntendedDestination | None
    match: rules.Match
    reason: str

    @property
    def aspiration_sector_label(self) -> str:
        return Sector(self.aspiration.sector).label if self.aspiration and self.aspiration.sector else ""

    @property
    def destination_sector_label(self) -> str:
        return Sector(self.destination.sector).label if self.destination and self.destination.sector else ""

    @property
    def destination_label(self) -> str:
        return self.destination.get_destination_display() if self.destination else ""


def destinations_against_aspirations(people: QuerySet[YoungPerson], day: datetime.date) -> list[DestinationRow]:
    """Each young person of ``people`` in Years 11 to 13 on ``day``: the latest intended destination and
    the latest aspiration recorded on or before the day, matched on their sector (three queries)."""
    rows = aspiration_coverage(people, day, rules.DESTINATION_YEARS)
    intended: dict[int, IntendedDestination] = {}
    for record in IntendedDestination.objects.filter(
        person__in=[r.person.pk for r in rows], superseded_at__isnull=True, date__lte=day
    ).order_by("date", "id"):
        intended[record.person_id] = record
    found = []
    for row in rows:
        destination = intended.get(row.person.pk)
        match, reason = rules.destination_match(
            row.aspiration.sector if row.aspiration else None, destination.sector if destination else None
        )
        found.append(DestinationRow(row.person, row.school_year, row.aspiration, destination, match, reason))
    return found


def aspiration_indicator_counts(people: QuerySet[YoungPerson], day: datetime.date) -> tuple[int, int]:
    """Of ``people`` in Years 9 to 11 on ``day``, how many have an aspiration recorded by then, and how many
    there are (two counting queries, whatever the size of the council)."""
    members = school_years(people, day, rules.INDICATOR_YEARS)
    recorded = members.filter(
        Exists(Aspiration.objects.filter(person=OuterRef("pk"), superseded_at__isnull=True, date__lte=day))
    ).count()
    return recorded, members.count()
