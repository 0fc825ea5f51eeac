"""What the SSDA903 care leavers return holds for a council and year, from the register."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Q
from django.utils import timezone

from onward.core import codelists, exports
from onward.people import categories
from onward.people import selectors as people_selectors
from onward.people.models import AccommodationSpell, CareEpisode, Contact, EETSpell, YoungPerson
from onward.returns import rules, ssda903

WINDOW_BEFORE = datetime.timedelta(days=91)  # about 3 months before the birthday
WINDOW_AFTER = datetime.timedelta(days=31)  # about 1 month after
URN_NOT_NEEDED = frozenset({"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4"})  # rule 218


@dataclass
class QualityIssue:
    person: YoungPerson
    message: str
    fix: str  # the kind of record that would fix it: "eet", "accommodation", "contact", "details"


@dataclass
class Return:
    year: int
    header: list[dict[str, str]]
    episodes: list[dict[str, str]]
    oc3: list[dict[str, str]]
    uasc: list[dict[str, str]]
    issues: list[QualityIssue]
    # For the cross-year check: the header's young people (child, sex, date of birth, UASC last year, ethnicity,
    # UPN) and
    # their episodes before the year, as they stood at the previous year's end.
    earlier_people: list[tuple[str, str, datetime.date, bool, str, str]] = field(default_factory=list)
    earlier_episodes: list[dict[str, str]] = field(default_factory=list)

    def tables(self) -> dict[str, list[dict[str, str]]]:
        return {"header": self.header, "episodes": self.episodes, "oc3": self.oc3, "uasc": self.uasc}

    def files(self) -> dict[str, str]:
        return {
            "header.csv": ssda903.write_csv(ssda903.TABLE_COLUMNS["header"], self.header),
            "episodes.csv": ssda903.write_csv(ssda903.TABLE_COLUMNS["episodes"], self.episodes),
            "oc3.csv": ssda903.write_csv(ssda903.TABLE_COLUMNS["oc3"], self.oc3),
            "uasc.csv": ssda903.write_csv(ssda903.TABLE_COLUMNS["uasc"], self.uasc),
        }


def _nearest(records: list[Any], birthday: datetime.date, key: str) -> Any:
    """The record dated closest to the birthday within the window (later wins a tie)."""
    low, high = birthday - WINDOW_BEFORE, birthday + WINDOW_AFTER
    candidates = [r for r in records if low <= getattr(r, key) <= high]
    if not candidates:
        return None
    return min(candidates, key=lambda r: (abs((getattr(r, key) - birthday).days), -getattr(r, key).toordinal()))


def _spell_around(spells: list[Any], birthday: datetime.date) -> Any:
    """The spell covering the birthday, else the one nearest to it within the window."""
    covering = [s for s in spells if s.start <= birthday and (s.end is None or s.end >= birthday)]
    if covering:
        return max(covering, key=lambda s: (s.start, s.pk))
    low, high = birthday - WINDOW_BEFORE, birthday + WINDOW_AFTER
    near = [s for s in spells if s.start <= high and (s.end is None or s.end >= low)]
    if not near:
        return None
    return min(near, key=lambda s: min(abs((s.start - birthday).days), abs(((s.end or s.start) - birthday).days)))


CHUNK = 2000


class EpisodeRow(NamedTuple):
    """A care episode as the return reads it (``CareEpisode``'s fields of the same names)."""

    pk: int
    start: datetime.date
    end: datetime.date | None
    reason_new_episode: str
    legal_status: str
    category_of_need: str
    placement_type: str
    placement_provider: str
    reason_ceased: str
    reason_place_change: str
    home_postcode: str
    placement_postcode: str
    urn: str


class SpellRow(NamedTuple):
    pk: int
    start: datetime.date
    end: datetime.date | None
    activity: str
    part_time: bool


class StayRow(NamedTuple):
    pk: int
    start: datetime.date
    end: datetime.date | None
    accommodation_type: str
    suitability: str

    @property
    def suitable(self) -> bool:
        return self.suitability == AccommodationSpell.Suitability.SUITABLE


class ContactRow(NamedTuple):
    pk: int
    date: datetime.date
    in_touch: str


@dataclass
class Histories:
    episodes: list[EpisodeRow] = field(default_factory=list)
    eet: list[SpellRow] = field(default_factory=list)
    stays: list[StayRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)


def _people(council: Any, year: int, *, oldest: int = 25) -> Iterator[tuple[YoungPerson, Histories]]:
    """The young people who could be in the year's return, with the histories it reads, in chunks.

    Only care leavers (by their care history, or by an imported return held as evidence) aged
    17 to ``oldest`` at some time in the year are read, and of their histories only the records
    near enough to the year to matter, as plain rows: memory stays bounded and a national export
    quick.
    """
    start, end = ssda903.collection_window(year)
    low, high = start - WINDOW_BEFORE, end + WINDOW_AFTER
    ids = list(
        YoungPerson.objects.filter(council=council)
        .filter(Q(eligible_from__isnull=False) | Q(recorded_care_leaver_from__isnull=False))
        .filter(
            date_of_birth__lte=people_selectors.years_before(end, 17),
            date_of_birth__gt=people_selectors.years_before(start, oldest + 1),
        )
        .order_by("child_id")
        .values_list("pk", flat=True)
    )
    current = Q(superseded_at__isnull=True)
    overlapping = current & Q(start__lte=high) & (Q(end__isnull=True) | Q(end__gte=low))
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        histories: dict[int, Histories] = {pk: Histories() for pk in chunk}
        for person_id, *row in (
            CareEpisode.objects.filter(person_id__in=chunk)
            .order_by("start", "id")
            .values_list("person_id", *EpisodeRow._fields)
        ):
            histories[person_id].episodes.append(EpisodeRow(*row))
        # Each history in its own order (not the models' default, which sorts by the young person's
        # name through a join): only the order within a young person's records matters here.
        for person_id, *row in (
            EETSpell.objects.filter(overlapping, person_id__in=chunk)
            .order_by("person_id", "start", "id")
            .values_list("person_id", "pk", "start", "end", "activity", "part_time")
        ):
            histories[person_id].eet.append(SpellRow(*row))
        for person_id, *row in (
            AccommodationSpell.objects.filter(overlapping, person_id__in=chunk)
            .order_by("person_id", "start", "id")
            .values_list("person_id", "pk", "start", "end", "accommodation_type", "suitability")
        ):
            histories[person_id].stays.append(StayRow(*row))
        for person_id, *row in (
            Contact.objects.filter(current, person_id__in=chunk, date__gte=low, date__lte=high)
            .order_by("person_id", "date", "id")
            .values_list("person_id", "pk", "date", "in_touch")
        ):
            histories[person_id].contacts.append(ContactRow(*row))
        # The records' own timestamps are never read here, and are the costliest values to load.
        for person in YoungPerson.objects.filter(pk__in=chunk).order_by("child_id").defer("created_at", "updated_at"):
            yield person, histories[person.pk]


def build_return(*, council: Any, year: int, birthday_cohort: bool = False) -> Return:
    """The care leavers part of the return for ``year``: OC3, and header, episodes and UASC for them.

    Who is in OC3 (REFERENCE.md §1.5): care leavers (13 weeks looked after since the 14th
    birthday, some of it after the 16th) whose 17th to 21st birthday falls in the year, described
    around that birthday; and 22 to 25 year olds in touch in the year. Left out: 17 and 18 year
    olds still looked after on the birthday or whose care ended on or after it (rules 1007 and
    1016), those who died in care, were adopted or whose care another council took over. Those
    who died after leaving or returned home for 6 months keep a row with ACTIV and ACCOM 0.
    A young person whose record is not complete enough is left out and named in ``issues``.

    ``birthday_cohort`` reads only those young enough for a 17th to 21st birthday in the year (the
    cohort the indicators count, and those just older), leaving out most 22 to 25 year olds: the
    return is then partial, for counting, never for export.
    """
    start, end = ssda903.collection_window(year)
    result = Return(year=year, header=[], episodes=[], oc3=[], uasc=[], issues=[])
    today = timezone.localdate()
    for person, histories in _people(council, year, oldest=21 if birthday_cohort else 25):
        episodes = histories.episodes
        # Care status as it stood at the year's end: a past year's return is the same whenever it is made,
        # though the young person came back into care, or left it, afterwards.
        summary = people_selectors.summary_for(person, as_at_year_end(episodes, end))
        if summary.eligible_from is None:
            continue
        reason = summary.final_reason_by(end)
        if (
            reason in (codelists.ReasonEpisodeCeased.E2, codelists.ReasonEpisodeCeased.E3)
            or reason in codelists.ADOPTED
        ):
            continue
        row = _oc3_row(person, histories, summary, year, start, end, result.issues, today)
        if row is None:
            continue
        result.oc3.append(row)
        sex = ssda903.sex_code(person.sex, year)
        if sex is None or sex == "U":  # the rules flag an unknown sex (rule 232)
            result.issues.append(
                QualityIssue(person, "Sex is recorded as not known: the return needs male or female", "details")
            )
            result.oc3.pop()
            continue
        # Episodes open at some time in the year, as the return holds them; the rules then expect
        # what a looked-after child's record needs.
        in_year = [e for e in episodes if e.start <= end and (e.end is None or e.end >= start)]
        missing = _looked_after_gaps(person, in_year, year, start)
        if missing:
            result.issues.append(QualityIssue(person, f"Looked after during the year but {missing}", "details"))
            result.oc3.pop()
            continue
        mother = ""
        # Only short breaks (V3, V4) in the year: no motherhood details (rule 399).
        if person.sex == "F" and any(e.legal_status not in codelists.SHORT_BREAK_STATUSES for e in in_year):
            # A mother by the end of the year and before care ended (rule 625 checks the child's birth date).
            care_end = max((e.end or end) for e in in_year)
            born = person.child_born_on
            mother = "1" if person.is_parent and born is not None and born <= min(end, care_end) else "0"
        result.header.append(
            {
                "CHILD": person.child_id,
                "SEX": sex,
                "DOB": ssda903.format_date(person.date_of_birth),
                "ETHNIC": person.ethnicity,
                "UPN": person.upn,
                "MOTHER": mother,
                "MC_DOB": ssda903.format_date(person.child_born_on) if mother == "1" else "",
            }
        )
        # UASC in the year: status ends at 18, the date ceased (DUC) given ahead (rules 104, 205B, 304), by the
        # law's reckoning of the birthday.
        eighteenth = categories.birthday(person.date_of_birth, 18)
        uasc = person.uasc and eighteenth >= start and bool(in_year)
        for episode in in_year:
            result.episodes.append(episode_row(person.child_id, episode, end, uasc=uasc))
        # The care history before the year, as it stood at the previous year's end: the previous year's
        # episodes for the cross-year rules (562, NoE, 1001, 1002), which read two years of episodes.
        last_end = start - datetime.timedelta(days=1)
        was_uasc = person.uasc and eighteenth >= start.replace(year=start.year - 1)
        result.earlier_episodes.extend(
            episode_row(person.child_id, e, last_end, uasc=was_uasc) for e in episodes if e.start <= last_end
        )
        result.earlier_people.append(
            (person.child_id, person.sex, person.date_of_birth, was_uasc, person.ethnicity, person.upn)
        )
        if uasc:
            result.uasc.append(
                {
                    "CHILD": person.child_id,
                    "SEX": sex,
                    "DOB": ssda903.format_date(person.date_of_birth),
                    "DUC": ssda903.format_date(eighteenth),
                }
            )
    return result


def episode_row(child: str, episode: EpisodeRow, end: datetime.date, *, uasc: bool) -> dict[str, str]:
    """An episode as a return ending ``end`` holds it: still open if it ended later."""
    ceased = episode.end is not None and episode.end <= end
    # A short break (V3, V4) has no placement location: no postcodes or URN (rules 214, 398, 420).
    short_break = episode.legal_status in codelists.SHORT_BREAK_STATUSES
    temporary = episode.placement_type in ("T0", "T1", "T2", "T3") or episode.placement_type.startswith("Z1")
    return {
        "CHILD": child,
        "DECOM": ssda903.format_date(episode.start),
        "RNE": episode.reason_new_episode,
        "LS": episode.legal_status,
        "CIN": episode.category_of_need,
        "PLACE": episode.placement_type,
        "PLACE_PROVIDER": "" if temporary else episode.placement_provider,
        "DEC": ssda903.format_date(episode.end) if ceased else "",
        "REC": episode.reason_ceased if ceased else "",
        # Given on the episode that ended with the change (rule 233: never on an open one).
        "REASON_PLACE_CHANGE": episode.reason_place_change if ceased else "",
        # A UASC's placement distance must be blank (rule 406): it comes from the home postcode.
        "HOME_POST": "" if uasc or short_break else episode.home_postcode,
        "PL_POST": "" if short_break else episode.placement_postcode,
        "URN": "" if short_break else episode.urn,
    }


def as_at_year_end(episodes: list[EpisodeRow], end: datetime.date) -> list[categories.Episode]:
    """The episodes as they stood on ``end``: none that started later, and those that ended later still open."""
    return [
        categories.Episode(e.start, e.end, e.legal_status, e.reason_ceased)
        if e.end is not None and e.end <= end
        else categories.Episode(e.start, None, e.legal_status, "")
        for e in episodes
        if e.start <= end
    ]


def _oc3_row(
    person: YoungPerson,
    histories: Histories,
    summary: categories.CareSummary,
    year: int,
    start: datetime.date,
    end: datetime.date,
    issues: list[QualityIssue],
    today: datetime.date,
) -> dict[str, str] | None:
    dob = person.date_of_birth
    contacts = histories.contacts
    died_on = person.died_on
    birthday_age = next((n for n in range(17, 22) if start <= categories.birthday(dob, n) <= end), None)
    row = {"CHILD": person.child_id, "DOB": ssda903.format_date(dob)}
    if birthday_age is not None:
        bday = categories.birthday(dob, birthday_age)
        if bday > today:
            return None  # a birthday still to come in a year in progress: nothing to report yet
        if birthday_age in (17, 18) and (
            summary.looked_after_on(bday)
            or (summary.care_ended_on and summary.care_ended_on >= bday)
            or _in_care_on_or_after(histories.episodes, bday, end)
        ):
            return None
        if died_on is not None and died_on <= bday + WINDOW_AFTER:
            return {**row, "IN_TOUCH": "DIED", "ACTIV": "0", "ACCOM": "0"}
        contact = _nearest(contacts, bday, "date")
        if contact is None:
            issues.append(
                QualityIssue(
                    person,
                    f"No contact recorded around their {_ordinal(birthday_age)} birthday ({bday:%-d %B %Y})",
                    "contact",
                )
            )
            return None
        return _status_row(person, histories, row, contact.in_touch, bday, birthday_age, issues, start)
    # 22 to 25: in touch in the year, described at the latest contact.
    age_at_end = categories.age_on(dob, end)
    if not 22 <= age_at_end <= 25 or (died_on is not None and died_on <= end):
        return None
    in_touch = [c for c in contacts if start <= c.date <= end and c.in_touch == codelists.InTouch.YES]
    if not in_touch:
        return None
    latest = max(in_touch, key=lambda c: (c.date, c.pk))
    return _status_row(person, histories, row, latest.in_touch, latest.date, None, issues, start)


def _status_row(
    person: YoungPerson,
    histories: Histories,
    row: dict[str, str],
    in_touch: str,
    day: datetime.date,
    age: int | None,
    issues: list[QualityIssue],
    start: datetime.date,
) -> dict[str, str] | None:
    when = f"around their {_ordinal(age)} birthday" if age else f"on {day:%-d %B %Y}"
    if in_touch in (codelists.InTouch.RHOM, codelists.InTouch.DIED):
        return {**row, "IN_TOUCH": in_touch, "ACTIV": "0", "ACCOM": "0"}
    if in_touch != codelists.InTouch.YES:
        return {**row, "IN_TOUCH": in_touch, "ACTIV": "0", "ACCOM": "0"}
    spell = _spell_around(histories.eet, day)
    if spell is None or spell.activity == codelists.EETActivity.NOT_KNOWN:
        issues.append(QualityIssue(person, f"In touch but no activity recorded {when}", "eet"))
        return None
    accommodation = _spell_around(histories.stays, day)
    if accommodation is None:
        issues.append(QualityIssue(person, f"In touch but no accommodation recorded {when}", "accommodation"))
        return None
    activ = codelists.activ_code(spell.activity, part_time=spell.part_time)
    accom = codelists.accom_code(accommodation.accommodation_type, accommodation.suitable)
    if accom.startswith("T") and categories.age_on(person.date_of_birth, start) < 18:
        issues.append(
            QualityIssue(
                person,
                "Recorded as living in a foyer while under 18 at the start of the year, which the return does not "
                "allow (rule 347)",
                "accommodation",
            )
        )
        return None
    if accom.startswith("Z") and age == 17:
        issues.append(
            QualityIssue(
                person,
                "Recorded as staying put with former foster carers at 17, which the return does not allow",
                "accommodation",
            )
        )
        return None
    return {**row, "IN_TOUCH": in_touch, "ACTIV": activ, "ACCOM": accom}


def _in_care_on_or_after(episodes: list[EpisodeRow], bday: datetime.date, end: datetime.date) -> bool:
    """Rules 1007 and 1016 read every episode the return holds, short breaks (V3, V4) too: any that covers
    the birthday, or that ends on or after it and by the year's end, puts the birthday out of OC3."""
    spans = [(e.start, e.end if e.end is None or e.end <= end else None) for e in episodes if e.start <= end]
    return rules.looked_after_on(spans, bday) or rules.ceased_on_or_after(spans, bday)


def _looked_after_gaps(person: YoungPerson, in_year: list[EpisodeRow], year: int, start: datetime.date) -> str:
    """What the return needs for a young person looked after in the year that the record lacks."""
    if not in_year:
        return ""
    uasc = person.uasc and categories.birthday(person.date_of_birth, 18) >= start
    gaps = []
    if person.sex == "F" and person.is_parent and person.child_born_on is None:
        gaps.append("no date of birth for her child (the return needs it for mothers)")
    ordered = sorted(in_year, key=lambda e: e.start)
    for ending, following in itertools.pairwise(ordered):
        changed = ending.reason_ceased == "X1" and following.reason_new_episode in ("P", "B", "T", "U")
        if changed and not ending.reason_place_change and not ending.placement_type.startswith("T"):
            gaps.append("a change of placement without its reason (recorded on the episode that ended)")
            break
    valid_places = ssda903.placement_codes(year)
    for e in in_year:
        if e.placement_type not in valid_places:
            gaps.append(
                f"an episode with placement type {e.placement_type}, which the {year - 1}-{str(year)[2:]} return does not accept"
            )
    if not person.upn:
        gaps.append("no unique pupil number")
    # Postcodes are not needed for short breaks (rule 392b); a UASC's home postcode is left out (rule 406).
    if any(
        (not e.placement_postcode or (not e.home_postcode and not uasc))
        and e.legal_status not in codelists.SHORT_BREAK_STATUSES
        for e in in_year
    ):
        gaps.append("an episode without home and placement postcodes")
    if any(
        not e.placement_provider
        and not (e.placement_type in ("T0", "T1", "T2", "T3") or e.placement_type.startswith("Z1"))
        for e in in_year
    ):
        gaps.append("an episode without a placement provider")
    if any(
        not e.urn
        and e.placement_type not in URN_NOT_NEEDED
        and not e.placement_type.startswith("Z1")
        and e.legal_status not in codelists.SHORT_BREAK_STATUSES
        for e in in_year
    ):
        gaps.append("an episode without the placement's Ofsted URN")
    return " and ".join(gaps)


def _ordinal(n: int | None) -> str:
    return {17: "17th", 18: "18th", 19: "19th", 20: "20th", 21: "21st"}.get(n or 0, "")


def quality_by_person(issues: list[QualityIssue]) -> dict[int, list[QualityIssue]]:
    grouped: dict[int, list[QualityIssue]] = defaultdict(list)
    for issue in issues:
        grouped[issue.person.pk].append(issue)
    return grouped


PROBLEMS_SHOWN_PER_FILE = 300


@dataclass
class ProblemsShown:
    """An import's problems as its page shows them: some of each file's, and every file's count."""

    rows: list[dict[str, Any]]
    counts: list[tuple[str, int]]  # (file label, number of problems), in the order they were found
    truncated: bool


def problems_to_show(problems: list[dict[str, Any]], per_file: int = PROBLEMS_SHOWN_PER_FILE) -> ProblemsShown:
    """The first ``per_file`` problems of each file, so a file with many problems hides none of the others'."""
    counts: dict[str, int] = {}
    rows = []
    for problem in problems:
        table = str(problem.get("table") or "")
        counts[table] = counts.get(table, 0) + 1
        if counts[table] <= per_file:
            rows.append(problem)
    return ProblemsShown(
        rows=rows,
        counts=[(ssda903.TABLE_LABELS.get(table, table) or "All files", n) for table, n in counts.items()],
        truncated=len(rows) < len(problems),
    )


PROBLEM_CSV_COLUMNS = ("file", "row", "column", "child", "problem")


def problem_rows(problems: list[dict[str, Any]]) -> list[list[Any]]:
    """Every problem as a row (file, row, column, child, problem), in the order the import found them."""
    return [[p.get("table"), p.get("row"), p.get("column"), p.get("child"), p.get("message")] for p in problems]


def problems_csv(problems: list[dict[str, Any]]) -> str:
    """Every problem as CSV, through the export guard: values from uploaded files never run as formulas."""
    return exports.csv_text(problem_rows(problems), header=PROBLEM_CSV_COLUMNS)


@dataclass(frozen=True)
class BackgroundRow:
    run: Any
    state: Any


def background_work(council: Any, *, recent: int = 50) -> list[BackgroundRow]:
    """The council's imports in the background, busy or failed first, then the latest: for the
    operators' page. Names and states only: the files, problems and changes are not read."""
    from onward.core.tasks import task_states
    from onward.returns.models import ImportRun

    runs = list(
        ImportRun.objects.filter(council=council)
        .filter(Q(status__in=ImportRun.BUSY) | Q(status=ImportRun.Status.FAILED) | Q(task_id__isnull=False))
        .select_related("created_by")
        .only(
            "id",
            "kind",
            "year",
            "status",
            "progress",
            "file_names",
            "failure",
            "task_id",
            "created_at",
            "updated_at",
            "created_by__given_name",
            "created_by__family_name",
            "council_id",
        )[:recent]
    )
    states = task_states({run.pk: (run.task_id, run.updated_at) for run in runs if run.busy})
    rows = [BackgroundRow(run, states.get(run.pk)) for run in runs]
    rows.sort(key=lambda row: (not (row.state is not None and row.state.stuck), not row.run.busy, -row.run.pk))
    return rows


def background_checks(council: Any, *, recent: int = 20) -> list[BackgroundRow]:
    """The council's latest checks of its return with the Department's rules, stuck first (no errors read)."""
    from onward.core.tasks import task_states
    from onward.returns.models import ReturnCheck

    checks = list(
        ReturnCheck.objects.filter(council=council)
        .select_related("created_by")
        .defer("errors", "failed_rules")[:recent]
    )
    states = task_states({c.pk: (c.task_id, c.updated_at) for c in checks if c.busy})
    rows = [BackgroundRow(c, states.get(c.pk)) for c in checks]
    rows.sort(key=lambda row: (not (row.state is not None and row.state.stuck), not row.run.busy, -row.run.pk))
    return rows


def latest_return_check(council: Any, year: int) -> Any:
    """The council's latest check of its return for the year, or None."""
    from onward.returns.models import ReturnCheck

    return ReturnCheck.objects.filter(council=council, year=year).select_related("created_by").first()
