"""Imports and exports of statutory and case-system data. Each import is all or nothing and audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record
from onward.core import codelists, imports, uploads
from onward.core import tasks as leases
from onward.core.bulk import analyze_loaded, insert_values
from onward.core.concurrency import lock_for_change
from onward.core.models import touched_fields
from onward.people import categories
from onward.people import services as people_services
from onward.people.models import AccommodationSpell, CareEpisode, Contact, EETSpell, YoungPerson
from onward.returns import case_system, checking, rules, selectors, ssda903, validator
from onward.returns.models import ColumnMapping, ImportRun, ReturnCheck

Action = AuditEvent.Action
MAX_CHANGES_SHOWN = 200


def return_export(*, acting_user: User | None, council: Organisation, year: int) -> selectors.Return:
    """Build the return and record the export in the audit trail."""
    result = selectors.build_return(council=council, year=year)
    with transaction.atomic():
        audit_record(
            actor=acting_user,
            action=Action.EXPORT,
            council=council,
            object_type="returns.SSDA903",
            summary=f"Exported the SSDA903 care leavers return for {year - 1}-{str(year)[2:]}: {len(result.oc3)} OC3 rows",
        )
    return result


def import_problems_export(*, acting_user: User, run: ImportRun) -> list[dict[str, Any]]:
    """Every problem of an import run, for download; the download is recorded in the audit trail."""
    problems = list(run.problems or [])
    with transaction.atomic():
        audit_record(
            actor=acting_user,
            action=Action.EXPORT,
            council=run.council,
            obj=run,
            summary=f"Downloaded the {len(problems)} problems of an import as CSV",
        )
    return problems


# SSDA903 import ---------------------------------------------------------------------------------
#
# The import streams (issue 17): each table is read a row at a time (``ssda903.Table``), checked, compared
# with the register and written in batches of ``BATCH`` rows, reading the table again for each step. What is
# kept between rows is compact: for each child its row number, date of birth and episode dates for the
# checks across rows and tables, and what the register holds of them as plain values (``Held``), never every
# row's dict or model object at once. Everything is still checked before anything is written, and written
# in one transaction: all or nothing.
#
# Each table is read three times at most: the header and episodes checked, compared and saved, the OC3 table
# checked, checked by Onward's own rules and compared (its rows then kept as ``OC3Row``). A table's checks run
# in one pass; Onward's own rules take the episodes the checks read (``ParsedFiles.episode_spans``); the
# comparison gathers the new young people's care histories for the save (``Plan.new_care``); new young people
# and contacts are written as plain values, with no model objects.

HEADER_FIELDS = ("sex", "date_of_birth", "ethnicity", "upn", "is_parent", "child_born_on")
PERSON_FIELDS = (*HEADER_FIELDS, "uasc")  # what an import compares with, and writes to, a young person held
EPISODE_FIELDS = (
    "end",
    "reason_new_episode",
    "legal_status",
    "category_of_need",
    "placement_type",
    "placement_provider",
    "reason_ceased",
    "reason_place_change",
    "home_postcode",
    "placement_postcode",
    "urn",
)
BATCH = 2000  # rows written to, or read back from, the register at a time
OC3_BATCH = 500  # OC3 rows saved at a time: each makes up to three records, and spells are fitted to those held


class HeldPerson(NamedTuple):
    pk: int
    child_id: str  # as the register holds it
    values: tuple[Any, ...]  # PERSON_FIELDS


class HeldEpisode(NamedTuple):
    pk: int
    start: datetime.date
    values: tuple[Any, ...]  # EPISODE_FIELDS


@dataclass
class Held:
    """What the register holds of the council's young people and their episodes, as plain values."""

    people: dict[str, HeldPerson] = field(default_factory=dict)  # by CHILD in upper case
    episodes: dict[int, list[HeldEpisode]] = field(default_factory=dict)  # by young person, in start order


def _held(council: Organisation) -> Held:
    held = Held()
    people = YoungPerson.objects.filter(council=council).order_by().values_list("pk", "child_id", *PERSON_FIELDS)
    for pk, child_id, *values in people.iterator(chunk_size=BATCH):
        held.people[child_id.upper()] = HeldPerson(pk, child_id, tuple(values))
    episodes = (
        CareEpisode.objects.filter(person__council=council)
        .order_by("person_id", "start", "id")
        .values_list("person_id", "pk", "start", *EPISODE_FIELDS)
    )
    for person_id, pk, start, *values in episodes.iterator(chunk_size=BATCH):
        held.episodes.setdefault(person_id, []).append(HeldEpisode(pk, start, tuple(values)))
    return held


class OC3Row(NamedTuple):
    """An OC3 row to add: its contact, activity and stay from ``day``."""

    child: str
    day: datetime.date
    in_touch: str
    activ: str
    accom: str


@dataclass
class Plan:
    """What an import would change, worked out without saving anything: counts, the first changes of each
    kind to show, and what the save needs (the tables, read again as it writes, and the register's ``Held``)."""

    tables: dict[str, ssda903.Table] = field(default_factory=dict)
    held: Held = field(default_factory=Held)
    people_new: int = 0
    people_updated: int = 0
    unchanged_people: int = 0
    episodes_new: int = 0
    episodes_updated: int = 0
    unchanged_episodes: int = 0
    oc3: list[OC3Row] = field(default_factory=list)
    # The care histories of the young people new to the register (all their episodes are new), by CHILD: what
    # the save writes each with as its care summary, gathered as the episodes are compared.
    new_care: dict[str, list[categories.Episode]] = field(default_factory=dict)
    oc3_unchanged: int = 0
    problems: list[ssda903.Problem] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)
    shown: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by kind, at most MAX_CHANGES_SHOWN

    def summary(self) -> dict[str, int]:
        return {
            "people_new": self.people_new,
            "people_updated": self.people_updated,
            "people_unchanged": self.unchanged_people,
            "episodes_new": self.episodes_new,
            "episodes_updated": self.episodes_updated,
            "episodes_unchanged": self.unchanged_episodes,
            "oc3_new": len(self.oc3),
            "oc3_unchanged": self.oc3_unchanged,
            "rejected": len(self.problems),
        }

    def showing(self, kind: str) -> bool:
        """Whether a change of this kind would still be shown (worked out only then, not for every row)."""
        return len(self.shown.get(kind, ())) < MAX_CHANGES_SHOWN

    def show(self, kind: str, child: str, what: str, detail: str) -> None:
        shown = self.shown.setdefault(kind, [])
        if len(shown) < MAX_CHANGES_SHOWN:
            shown.append({"child": child, "what": what, "detail": detail})


def _person_values(row: Mapping[str, str], year: int) -> dict[str, Any]:
    return {
        "sex": ssda903.sex_codes(year)[row["SEX"]],
        "date_of_birth": ssda903.parse_date(row["DOB"]),
        "ethnicity": row["ETHNIC"],
        "upn": row.get("UPN", ""),
        "is_parent": row.get("MOTHER") == "1",
        "child_born_on": ssda903.parse_date(row["MC_DOB"]) if row.get("MC_DOB") else None,
    }


def _episode_values(row: Mapping[str, str]) -> dict[str, Any]:
    return {
        "start": ssda903.parse_date(row["DECOM"]),
        "end": ssda903.parse_date(row["DEC"]) if row.get("DEC") else None,
        "reason_new_episode": row["RNE"],
        "legal_status": row["LS"],
        "category_of_need": row.get("CIN", ""),
        "placement_type": row["PLACE"],
        "placement_provider": row.get("PLACE_PROVIDER", ""),
        "reason_ceased": row.get("REC", ""),
        "reason_place_change": row.get("REASON_PLACE_CHANGE", ""),
        "home_postcode": row.get("HOME_POST", ""),
        "placement_postcode": row.get("PL_POST", ""),
        "urn": row.get("URN", ""),
    }


def _changes(names: tuple[str, ...], held: tuple[Any, ...], values: Mapping[str, Any]) -> dict[str, list[Any]]:
    current = dict(zip(names, held, strict=True))
    return {k: [current[k], values[k]] for k in values if k in current and current[k] != values[k]}


class _PersonRow(NamedTuple):
    child: str
    values: dict[str, Any]
    held: HeldPerson | None
    changes: dict[str, list[Any]]


def _people_rows(plan: Plan, year: int) -> Iterator[_PersonRow]:
    """The header's rows a child at a time, each beside what the register holds of the child."""
    uasc_children = {row["CHILD"] for row in plan.tables.get("uasc", [])}
    for row in plan.tables["header"]:
        values = _person_values(row, year)
        if row["CHILD"] in uasc_children:
            values["uasc"] = True
        held = plan.held.people.get(row["CHILD"])
        yield _PersonRow(row["CHILD"], values, held, _changes(PERSON_FIELDS, held.values, values) if held else {})


class _EpisodeRow(NamedTuple):
    row: int
    child: str
    values: dict[str, Any]
    person: HeldPerson | None
    stored: HeldEpisode | None
    changes: dict[str, list[Any]]
    clash: HeldEpisode | None  # a stored episode a new one overlaps


def _episode_rows(plan: Plan) -> Iterator[_EpisodeRow]:
    """The episodes' rows one at a time, each beside the child's stored episode from the same start, if any."""
    for i, row in enumerate(plan.tables.get("episodes", []), start=1):
        values = _episode_values(row)
        person = plan.held.people.get(row["CHILD"])
        stored = plan.held.episodes.get(person.pk, []) if person else []
        episode = next((e for e in reversed(stored) if e.start == values["start"]), None)
        if episode is not None:
            changes = _changes(EPISODE_FIELDS, episode.values, values)
            yield _EpisodeRow(i, row["CHILD"], values, person, episode, changes, None)
            continue
        clash = next(
            (
                e
                for e in stored
                if values["start"] < (e.values[0] or datetime.date.max)
                and e.start < (values["end"] or datetime.date.max)
            ),
            None,
        )
        yield _EpisodeRow(i, row["CHILD"], values, person, None, {}, clash)


def _oc3_day(row: Mapping[str, str], start: datetime.date, end: datetime.date) -> datetime.date:
    """The day an OC3 row reports on: the 17th to 21st birthday in the year."""
    dob = ssda903.parse_date(row["DOB"])
    age = next((n for n in range(17, 22) if start <= categories.birthday(dob, n) <= end), None)
    return categories.birthday(dob, age) if age else end


def plan_ssda903(*, council: Organisation, year: int, files: Mapping[str, str]) -> tuple[Plan, list[str]]:
    """Read, check and compare the files with the register, a row at a time. Saves nothing."""
    ssda903.collection_window(year)
    parsed = ssda903.read_files(files)
    plan = Plan()
    if parsed.file_problems:
        return plan, parsed.file_problems
    missing = [ssda903.TABLE_LABELS[t] for t in ("header",) if t not in parsed.tables]
    if missing:
        return plan, [f"The {', '.join(missing)} file is needed: every other table refers to its children"]
    plan.set_aside = parsed.set_aside
    ssda903.check_rows(parsed, year)
    if not parsed.problems:
        # Rows the Department's rules mark as out of scope (under 17, still in care or leaving on or after the
        # 17th or 18th birthday, with former foster carers at 17) are refused, by the law's reckoning of age.
        for finding in rules.own_checks(parsed.tables, year, parsed.episode_spans):
            if finding.rule in rules.OUT_OF_SCOPE_RULES:
                parsed.problems.append(
                    ssda903.Problem(
                        finding.table,
                        finding.row,
                        "IN_TOUCH",
                        finding.child,
                        f"rule {finding.rule}: {rules.DESCRIPTIONS[finding.rule]} The young person {finding.message}.",
                    )
                )
    plan.problems = parsed.problems
    if plan.problems:
        return plan, []
    plan.tables, plan.held = parsed.tables, _held(council)
    for entry in _people_rows(plan, year):
        if entry.held is None:
            plan.people_new += 1
            if plan.showing("people_new"):
                plan.show(
                    "people_new",
                    entry.child,
                    "New young person",
                    f"born {ssda903.format_date(entry.values['date_of_birth'])}",
                )
        elif entry.changes:
            plan.people_updated += 1
            if plan.showing("people_updated"):
                plan.show("people_updated", entry.held.child_id, "Details updated", _described(entry.changes))
        else:
            plan.unchanged_people += 1
    for episode in _episode_rows(plan):
        child_id = episode.person.child_id if episode.person else episode.child
        if episode.clash is not None:
            plan.problems.append(
                ssda903.Problem(
                    "episodes",
                    episode.row,
                    "DECOM",
                    episode.child,
                    f"overlaps the stored episode from {ssda903.format_date(episode.clash.start)}",
                )
            )
        elif episode.stored is None:
            plan.episodes_new += 1
            values = episode.values
            if episode.person is None:
                plan.new_care.setdefault(episode.child, []).append(
                    categories.Episode(values["start"], values["end"], values["legal_status"], values["reason_ceased"])
                )
            if plan.showing("episodes_new"):
                plan.show(
                    "episodes_new",
                    child_id,
                    "New care episode",
                    f"from {ssda903.format_date(values['start'])}, {values['legal_status']} {values['placement_type']}",
                )
        elif episode.changes:
            plan.episodes_updated += 1
            if plan.showing("episodes_updated"):
                plan.show("episodes_updated", child_id, "Care episode updated", _described(episode.changes))
        else:
            plan.unchanged_episodes += 1
    start, end = ssda903.collection_window(year)
    people = plan.held.people
    # The OC3 table read once: each row's values (a few short strings and its day), then compared with what the
    # register holds of the young people held already, read in bulk.
    oc3_rows = [
        OC3Row(row["CHILD"], _oc3_day(row, start, end), row["IN_TOUCH"], row["ACTIV"], row["ACCOM"])
        for row in plan.tables.get("oc3", [])
    ]
    held = _oc3_held(council, [people[row.child].pk if row.child in people else None for row in oc3_rows], start, end)
    for row in oc3_rows:
        person = people.get(row.child)
        if person is not None and _oc3_already_held(held, person.pk, row):
            plan.oc3_unchanged += 1
        else:
            plan.oc3.append(row)
            if plan.showing("oc3"):
                plan.show(
                    "oc3",
                    row.child,
                    "Care leaver information",
                    f"{ssda903.format_date(row.day)}: {row.in_touch}, {row.activ}, {row.accom}",
                )
    return plan, []


def _described(changes: Mapping[str, list[Any]]) -> str:
    return ", ".join(f"{k}: {v[0]} to {v[1]}" for k, v in changes.items())


@dataclass
class HeldOC3:
    """What the register already holds from the year's OC3 rows: contacts, activities and stays by day."""

    contacts: set[tuple[int, datetime.date, str]] = field(default_factory=set)
    activities: set[tuple[int, datetime.date, str, bool]] = field(default_factory=set)
    stays: set[tuple[int, datetime.date, str, str]] = field(default_factory=set)


def _oc3_held(council: Organisation, person_ids: list[int | None], start: datetime.date, end: datetime.date) -> HeldOC3:
    """Read in bulk, for the people already held, the records an OC3 row of the year would add."""
    held = HeldOC3()
    ids = sorted({pk for pk in person_ids if pk})
    for first in range(0, len(ids), 2000):
        chunk = ids[first : first + 2000]
        current = {"person_id__in": chunk, "superseded_at__isnull": True}
        held.contacts.update(
            Contact.objects.filter(**current, date__gte=start, date__lte=end).values_list(
                "person_id", "date", "in_touch"
            )
        )
        held.activities.update(
            EETSpell.objects.filter(**current, start__gte=start, start__lte=end).values_list(
                "person_id", "start", "activity", "part_time"
            )
        )
        held.stays.update(
            AccommodationSpell.objects.filter(**current, start__gte=start, start__lte=end).values_list(
                "person_id", "start", "accommodation_type", "suitability"
            )
        )
    return held


def _oc3_already_held(held: HeldOC3, person_id: int, row: OC3Row) -> bool:
    """Whether an OC3 row was imported already: its contact, activity and stay are all held from its day."""
    day = row.day
    if (person_id, day, row.in_touch) not in held.contacts:
        return False
    if row.activ in ssda903.ACTIV_TO_ACTIVITY:
        activity, part_time = ssda903.ACTIV_TO_ACTIVITY[row.activ]
        if (person_id, day, activity, part_time) not in held.activities:
            return False
    if row.accom != "0":
        suitability = (
            AccommodationSpell.Suitability.SUITABLE
            if row.accom[1] == "1"
            else AccommodationSpell.Suitability.UNSUITABLE
        )
        if (person_id, day, row.accom[0], suitability) not in held.stays:
            return False
    return True


SET_ASIDE = "Set aside"


def _plan_changes(plan: Plan) -> list[dict[str, Any]]:
    shown: list[dict[str, Any]] = [{"child": "", "what": SET_ASIDE, "detail": note} for note in plan.set_aside]
    for kind in ("people_new", "people_updated", "episodes_new", "episodes_updated", "oc3"):
        shown += plan.shown.get(kind, [])
    return shown


def _new_run(
    *, acting_user: User | None, council: Organisation, year: int, files: dict[str, str], status: str
) -> ImportRun:
    return ImportRun.objects.create(
        council=council,
        kind=ImportRun.Kind.SSDA903,
        year=year,
        created_by=acting_user,
        status=status,
        file_names=sorted(files),
        files=files,
    )


def _problems(plan: Plan, file_problems: list[str]) -> list[dict[str, Any]]:
    """Every problem for the report: file-level ones first, then each row's."""
    problems: list[dict[str, Any]] = [
        {"table": "", "row": 0, "column": "", "child": "", "message": m} for m in file_problems
    ]
    return problems + [p.as_dict() for p in plan.problems]


def _imported(year: int | None, plan: Plan) -> str:
    summary = plan.summary()
    return (
        f"Imported SSDA903 {year}: {summary['people_new']} new and {summary['people_updated']} updated young people, "
        f"{summary['episodes_new']} new and {summary['episodes_updated']} updated episodes, {summary['oc3_new']} OC3 rows"
    )


def row_count(files: dict[str, str]) -> int:
    return sum(max(len(text.splitlines()) - 1, 0) for text in files.values())


@transaction.atomic
def ssda903_preview(
    *, acting_user: User | None, council: Organisation, year: int, files: dict[str, str], background: bool = True
) -> ImportRun:
    """Check the files and record what they would change, without changing the register.

    Files with more rows than ``ONWARD_BACKGROUND_IMPORT_ROWS`` are checked in the background;
    the run then shows its progress until the preview is ready.
    """
    ssda903.collection_window(year)
    run = _new_run(acting_user=acting_user, council=council, year=year, files=files, status=ImportRun.Status.QUEUED)
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=council,
        obj=run,
        summary=f"Started an SSDA903 import for {year}",
    )
    checked: ImportRun = imports.begin(run=run, background=background)
    return checked


def _progress(run: ImportRun, status: str, percent: int) -> None:
    imports.progress(run, status, percent)


def _still_checking(run: ImportRun) -> bool:
    """Whether the check may store its preview: the run was not discarded or retried meanwhile."""
    return imports.still_checking(run)


DEPARTMENT_ERRORS_KEPT = 300


def department_check(*, year: int, files: dict[str, str]) -> dict[str, Any] | None:
    """The Department's published rules over uploaded files, sorted as the return's check sorts them.

    Every table the files hold goes to the validator (a full folder's other tables too), under its own
    name. None when the rules are not installed or the files cannot be read as the return's tables.
    """
    if not validator.available():
        return None
    parsed = ssda903.read_files(files)
    if parsed.file_problems or "header" not in parsed.tables:
        return None
    named = {
        f"{table.removeprefix('other:').lower().replace(' ', '_')}.csv": files[name]
        for name, table in parsed.table_files.items()
    }
    try:
        checked = validator.validate_files(named, year=year)
    except (RuntimeError, ValueError, OSError) as error:
        return {"could_not_run": str(error)[:500], "errors": [], "error_count": 0, "departures": [], "failed_rules": []}
    result = checking.sort_results(checked, parsed.tables, year)
    return {
        "errors": result.errors[:DEPARTMENT_ERRORS_KEPT],
        "error_count": len(result.errors),
        "departures": result.departures[:DEPARTMENT_ERRORS_KEPT],
        "failed_rules": result.failed_rules,
        "covered_rules": result.covered_rules,
        "rules_run": result.rules_run,
    }


def ssda903_check(*, run: ImportRun) -> ImportRun:
    """Work out the preview of a queued run and store it (the background task, or at once for small files).

    The preview also runs the Department's published rules over the files (``summary["department"]``):
    shown beside Onward's own problems; those that mark a young person out of scope are Onward's own
    problems too, and refuse the import.
    """
    assert run.year is not None  # noqa: S101 - SSDA903 runs always have a year
    _progress(run, ImportRun.Status.CHECKING, 10)
    plan, file_problems = plan_ssda903(council=run.council, year=run.year, files=run.files)
    problems = _problems(plan, file_problems)
    _progress(run, ImportRun.Status.CHECKING, 50)
    department = department_check(year=run.year, files=run.files) if not file_problems else None
    with transaction.atomic():
        if not _still_checking(run):
            return run
        run.status = ImportRun.Status.REJECTED if problems else ImportRun.Status.PREVIEWED
        run.summary, run.problems, run.changes, run.progress = plan.summary(), problems, _plan_changes(plan), 100
        if department is not None:
            run.summary["department"] = department
        run.save(update_fields=["status", "summary", "problems", "changes", "progress", "updated_at"])
        audit_record(
            actor=run.created_by,
            action=Action.CHANGE,
            council=run.council,
            obj=run,
            summary=f"Checked an SSDA903 import for {run.year}: {len(problems)} problems",
        )
    return run


ImportNotReady = imports.ImportNotReady


def ssda903_save(*, acting_user: User | None, run: ImportRun) -> ImportRun:
    """Save a previewed import: at once for small files, in the background for large ones."""
    saved: ImportRun = imports.save(acting_user=acting_user, run=run)
    return saved


@transaction.atomic
def ssda903_commit(*, acting_user: User | None, run: ImportRun) -> ImportRun:
    """Apply a previewed import, all or nothing. The files are checked again against the register as it is now."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status not in (ImportRun.Status.PREVIEWED, ImportRun.Status.SAVING):
        raise ImportNotReady("Only an import that is ready to commit can be saved")
    council = run.council
    assert run.year is not None  # noqa: S101 - SSDA903 runs always have a year
    plan, file_problems = plan_ssda903(council=council, year=run.year, files=run.files)
    if file_problems or plan.problems:
        run.status = ImportRun.Status.REJECTED
        run.problems = _problems(plan, file_problems)
        run.save(update_fields=["status", "problems", "updated_at"])
        raise ImportNotReady("The register changed since the preview and the files no longer fit: preview them again")
    _apply_plan(council=council, run=run, plan=plan, acting_user=acting_user)
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=council,
        obj=run,
        summary=_imported(run.year, plan),
    )
    return run


def _refresh_held(ids: list[int], evidence: Mapping[str, datetime.date]) -> None:
    """Young people held already that an import touched: the OC3 rows' evidence, then their care summary."""
    people = list(YoungPerson.objects.filter(pk__in=ids))
    for person in people:
        if person.child_id in evidence:
            earlier = person.recorded_care_leaver_from
            person.recorded_care_leaver_from = (
                min(evidence[person.child_id], earlier) if earlier else evidence[person.child_id]
            )
    YoungPerson.objects.bulk_update(people, touched_fields(people, ["recorded_care_leaver_from"]), batch_size=500)
    people_services.refresh_care_summaries(people)


# What a check or a save changes on its run: the files it keeps are written once, when it is made.
RUN_FIELDS_SAVED = ["status", "summary", "problems", "changes", "progress", "committed_at", "updated_at"]


def _apply_plan(*, council: Organisation, run: ImportRun, plan: Plan, acting_user: User | None) -> None:
    """Save everything a checked plan holds, inside the caller's transaction: the tables are read again a row
    at a time and written in batches of ``BATCH``."""
    now = timezone.now()
    assert run.year is not None  # noqa: S101 - SSDA903 runs always have a year
    held = plan.held
    evidence = _oc3_evidence(plan)
    new_care = plan.new_care  # emptied as the young people are written
    new_ids: dict[str, int] = {}
    touched: set[int] = set()  # young people held already whose care summary is worked out again
    people: list[dict[str, Any]] = []  # new young people as plain values (``insert_values``), no model objects
    updated: list[YoungPerson] = []

    def write_people() -> None:
        if people:
            insert_values(YoungPerson, people)
            new_ids.update(
                YoungPerson.objects.filter(council=council, child_id__in=[p["child_id"] for p in people]).values_list(
                    "child_id", "pk"
                )
            )
            people.clear()
        YoungPerson.objects.bulk_update(updated, touched_fields(updated, PERSON_FIELDS), batch_size=BATCH)
        updated.clear()

    for entry in _people_rows(plan, run.year):
        if entry.held is None:
            recorded = evidence.get(entry.child)
            people.append(
                {
                    "council_id": council.pk,
                    "child_id": entry.child,
                    "legal_given_name": "Not recorded",
                    "legal_family_name": entry.child,
                    **entry.values,
                    "recorded_care_leaver_from": recorded,
                    **people_services.care_summary_values(
                        date_of_birth=entry.values["date_of_birth"],
                        recorded_care_leaver_from=recorded,
                        episodes=new_care.pop(entry.child, []),
                    ),
                }
            )
        elif entry.changes:
            updated.append(
                YoungPerson(
                    pk=entry.held.pk, **{**dict(zip(PERSON_FIELDS, entry.held.values, strict=True)), **entry.values}
                )
            )
            touched.add(entry.held.pk)
        if len(people) + len(updated) >= BATCH:
            write_people()
    write_people()
    episodes: list[dict[str, Any]] = []
    changed: list[CareEpisode] = []

    def write_episodes() -> None:
        insert_values(CareEpisode, episodes)
        episodes.clear()
        CareEpisode.objects.bulk_update(changed, touched_fields(changed, EPISODE_FIELDS), batch_size=BATCH)
        changed.clear()

    for episode in _episode_rows(plan):
        if episode.stored is None:
            person_id = episode.person.pk if episode.person else new_ids[episode.child]
            episodes.append({"person_id": person_id, **episode.values})
        elif episode.changes:
            changed.append(CareEpisode(pk=episode.stored.pk, **episode.values))
        if episode.person is not None and (episode.stored is None or episode.changes):
            touched.add(episode.person.pk)
        if len(episodes) + len(changed) >= BATCH:
            write_episodes()
    write_episodes()
    _apply_oc3(plan=plan, new_ids=new_ids, acting_user=acting_user)
    # Young people held already whose OC3 rows are evidence that they are care leavers (the register's
    # identifier exactly as in the file).
    for child in evidence:
        known = held.people.get(child)
        if known is not None and known.child_id == child:
            touched.add(known.pk)
    ids = sorted(touched)
    for first in range(0, len(ids), BATCH):
        _refresh_held(ids[first : first + BATCH], evidence)
    # An OC3 row adds at most a contact, an EET spell and a stay.
    analyze_loaded(
        {
            YoungPerson: plan.people_new,
            CareEpisode: plan.episodes_new,
            Contact: len(plan.oc3),
            EETSpell: len(plan.oc3),
            AccommodationSpell: len(plan.oc3),
        }
    )
    run.status = ImportRun.Status.COMMITTED
    run.committed_at = now
    run.progress = 100
    run.save(update_fields=RUN_FIELDS_SAVED)


@transaction.atomic
def ssda903_import_now(
    *, acting_user: User | None, council: Organisation, year: int, files: dict[str, str]
) -> ImportRun:
    """Check and, if every row is right, save at once: for the command line and background work."""
    ssda903.collection_window(year)
    run = _new_run(acting_user=acting_user, council=council, year=year, files=files, status=ImportRun.Status.CHECKING)
    plan, file_problems = plan_ssda903(council=council, year=year, files=files)
    problems = _problems(plan, file_problems)
    run.summary, run.problems, run.changes, run.progress = plan.summary(), problems, _plan_changes(plan), 100
    if problems:
        run.status = ImportRun.Status.REJECTED
        run.save(update_fields=RUN_FIELDS_SAVED)
        audit_record(
            actor=acting_user,
            action=Action.CREATE,
            council=council,
            obj=run,
            summary=f"SSDA903 import for {year} refused: {len(problems)} problems",
        )
        return run
    _apply_plan(council=council, run=run, plan=plan, acting_user=acting_user)
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=council,
        obj=run,
        summary=_imported(year, plan),
    )
    return run


def _apply_oc3(*, plan: Plan, new_ids: Mapping[str, int], acting_user: User | None) -> None:
    """OC3 rows become a contact on the birthday, and the activity and accommodation from that day, written
    ``OC3_BATCH`` young people at a time (each is in the OC3 table once)."""
    for first in range(0, len(plan.oc3), OC3_BATCH):
        rows = plan.oc3[first : first + OC3_BATCH]
        ids = {
            row.child: plan.held.people[row.child].pk if row.child in plan.held.people else new_ids[row.child]
            for row in rows
        }
        people = YoungPerson.objects.in_bulk(list(ids.values()))
        contacts: list[dict[str, Any]] = []  # plain values (``insert_values``), no model objects
        spells, stays = [], []
        start = min(row.day for row in rows)
        held = set(
            Contact.objects.filter(person_id__in=list(people), date__gte=start, superseded_at__isnull=True).values_list(
                "person_id", "date", "in_touch"
            )
        )
        for child, day, in_touch, activ, accom in rows:
            person = people[ids[child]]
            if (person.pk, day, in_touch) not in held:  # else only the activity or the stay is new
                contacts.append(
                    {
                        "person_id": person.pk,
                        "date": day,
                        "method": Contact.Method.THIRD_PARTY,
                        "in_touch": in_touch,
                        "note": "From the SSDA903 return",
                        "recorded_by_id": acting_user.pk if acting_user else None,
                    }
                )
            if activ in ssda903.ACTIV_TO_ACTIVITY:
                activity, part_time = ssda903.ACTIV_TO_ACTIVITY[activ]
                spells.append(
                    (
                        person,
                        EETSpell(
                            person=person,
                            activity=activity,
                            part_time=part_time,
                            start=day,
                            source=codelists.ActivitySource.IMPORT,
                            recorded_by=acting_user,
                        ),
                    )
                )
            if accom != "0":
                stays.append(
                    (
                        person,
                        AccommodationSpell(
                            person=person,
                            accommodation_type=accom[0],
                            suitability=AccommodationSpell.Suitability.SUITABLE
                            if accom[1] == "1"
                            else AccommodationSpell.Suitability.UNSUITABLE,
                            start=day,
                            recorded_by=acting_user,
                        ),
                    )
                )
        insert_values(Contact, contacts)
        people_services.history_chain(model=Contact, person_ids=[c["person_id"] for c in contacts])
        people_services.spells_import(model=EETSpell, new=spells)
        people_services.spells_import(model=AccommodationSpell, new=stays)


def _oc3_evidence(plan: Plan) -> dict[str, datetime.date]:
    """The return counted these children as care leavers from these dates: evidence where the care history is short."""
    evidence: dict[str, datetime.date] = {}
    for row in plan.oc3:
        evidence[row.child] = min(row.day, evidence.get(row.child, row.day))
    return evidence


def next_steps(run: ImportRun, state: leases.TaskState | None) -> set[str]:
    """What can be done with the run now (``core.imports.next_steps``): wait, retry or discard."""
    return imports.next_steps(run, state)


def run_state(run: ImportRun) -> leases.TaskState | None:
    """The state of the run's background task, while the run is busy."""
    return imports.run_state(run)


class _ReturnsKind(imports.ImportKind):
    """SSDA903 and case-system imports in the core flow: their own check and save (with the
    Department's rules, the register's history writers), the flow's threshold, tasks and next steps."""

    model = ImportRun

    def forget(self, run: Any) -> list[str]:
        run.files = {}
        return ["files"]


class Ssda903Kind(_ReturnsKind):
    kind = ImportRun.Kind.SSDA903
    noun = "an SSDA903 import"

    def rows(self, run: Any) -> int:
        return row_count(run.files)

    def run_check(self, run: Any) -> Any:
        return ssda903_check(run=run)

    def run_commit(self, run: Any, acting_user: Any) -> Any:
        return ssda903_commit(acting_user=acting_user, run=run)

    def enqueue_check(self, run: Any) -> None:
        from onward.returns import tasks

        tasks.start(run, tasks.preview_import)

    def enqueue_commit(self, run: Any, acting_user: Any) -> None:
        from onward.returns import tasks

        tasks.start(run, tasks.commit_import, acting_user.pk if acting_user else None)


class CaseSystemKind(_ReturnsKind):
    kind = ImportRun.Kind.CASE_SYSTEM
    noun = "a case-system import"

    def rows(self, run: Any) -> int:
        if run.status in (ImportRun.Status.QUEUED, ImportRun.Status.CHECKING):
            name, content = _file_of(run)
            return uploads.row_count(name, content, stop_at=imports.threshold() + 1)
        return int((run.summary or {}).get("rows", 0))

    def run_check(self, run: Any) -> Any:
        return case_check(run=run)

    def run_commit(self, run: Any, acting_user: Any) -> Any:
        return case_commit(acting_user=acting_user, run=run)

    def enqueue_check(self, run: Any) -> None:
        from onward.returns import tasks

        tasks.start(run, tasks.preview_case_import)

    def enqueue_commit(self, run: Any, acting_user: Any) -> None:
        from onward.returns import tasks

        tasks.start(run, tasks.commit_case_import, acting_user.pk if acting_user else None)


# Case-system exports -----------------------------------------------------------------------------


@transaction.atomic
def mapping_save(
    *,
    acting_user: User,
    council: Organisation,
    mapping: ColumnMapping | None,
    name: str,
    record_type: str,
    columns: dict[str, str],
    values: dict[str, dict[str, str]],
    date_format: str,
    version: int | None = None,
) -> ColumnMapping:
    """Save a new mapping, or change one from the ``version`` the editor opened (refused without it, or if stale)."""
    from django.core.exceptions import ValidationError

    if mapping is not None:
        target = lock_for_change(ColumnMapping, mapping.pk, version, "mapping")
        target.version += 1
    else:
        target = ColumnMapping(council=council)
    clash = ColumnMapping.objects.filter(council=council, name__iexact=name.strip())
    if mapping is not None:
        clash = clash.exclude(pk=mapping.pk)
    if clash.exists():
        raise ValidationError({"name": "A mapping with this name already exists"})
    target.name, target.record_type, target.columns, target.values, target.date_format = (
        name.strip(),
        record_type,
        columns,
        values,
        date_format,
    )
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE if mapping is None else Action.CHANGE,
        council=council,
        obj=target,
        summary="Saved a column mapping",
    )
    return target


def _apply_case_rows(
    *, council: Organisation, mapping: ColumnMapping, mapped: case_system.Mapped, acting_user: User | None
) -> tuple[int, list[dict[str, Any]]]:
    """Apply mapped rows through the register's own services; every refusal becomes a problem."""
    from django.core.exceptions import ValidationError

    people = {
        p.child_id.upper(): p
        for p in YoungPerson.objects.filter(
            council=council, child_id__in=[str(r.values.get("child_id", "")) for r in mapped.rows]
        )
    }
    problems: list[dict[str, Any]] = []
    applied = 0
    column = mapping.columns.get("child_id", "child")
    for row in sorted(
        mapped.rows,
        key=lambda r: (
            str(r.values.get("child_id")),
            r.values.get("start") or r.values.get("date") or datetime.date.min,
        ),
    ):
        values = dict(row.values)
        person = people.get(str(values.pop("child_id")).upper())
        if person is None:
            problems.append(
                {
                    "row": row.number,
                    "column": column,
                    "message": "No young person in the council has this child identifier",
                }
            )
            continue
        try:
            with transaction.atomic():
                if mapping.record_type == ColumnMapping.RecordType.EET:
                    people_services.eet_record(
                        acting_user=acting_user, person=person, source=codelists.ActivitySource.IMPORT, **values
                    )
                elif mapping.record_type == ColumnMapping.RecordType.ACCOMMODATION:
                    people_services.accommodation_record(acting_user=acting_user, person=person, **values)
                elif mapping.record_type == ColumnMapping.RecordType.PEP:
                    if _pep_already_held(person, values):
                        continue
                    people_services.pep_record(acting_user=acting_user, person=person, **values)
                else:
                    values.setdefault("method", Contact.Method.THIRD_PARTY)
                    values["method"] = values["method"] or Contact.Method.THIRD_PARTY
                    people_services.contact_record(
                        acting_user=acting_user, person=person, note="From a case-system export", **values
                    )
        except ValidationError as error:
            problems.append({"row": row.number, "column": "", "message": " ".join(error.messages)})
        else:
            applied += 1
    return applied, problems


def _pep_already_held(person: YoungPerson, values: dict[str, Any]) -> bool:
    """Whether the young person's current PEP on the row's date says the same (an ePEP export sent again
    adds nothing); a PEP on that date that says otherwise refuses the row, to be corrected by hand."""
    from django.core.exceptions import ValidationError

    from onward.people.models import PEP

    held = PEP.objects.filter(person=person, date=values["date"], superseded_at__isnull=True).first()
    if held is None:
        return False
    if (held.school_year, held.social_worker_attended, held.quality) == (
        values["school_year"],
        values["social_worker_attended"],
        values["quality"],
    ):
        return True
    raise ValidationError(
        f"Onward already holds a PEP on {values['date']:%d/%m/%Y} for this young person that says otherwise: "
        "correct it on the young person's page"
    )


class _Rollback(Exception):
    pass


def _file_of(run: ImportRun) -> tuple[str, bytes]:
    """The one file of a case-system run as uploaded (an XLSX is kept as hex, a CSV as its text)."""
    ((name, text),) = run.files.items()
    return name, bytes.fromhex(text) if name.lower().endswith(".xlsx") else text.encode()


def case_preview(
    *,
    acting_user: User | None,
    council: Organisation,
    mapping: ColumnMapping,
    name: str,
    content: bytes,
    rows: int | None = None,
    background: bool = True,
) -> ImportRun:
    """Keep the file and check it: at once, or in the background if it has more rows than
    ``ONWARD_BACKGROUND_IMPORT_ROWS`` (``rows``, if the caller counted them already).

    The check maps and tries every row inside a transaction that is then rolled back: the
    preview saves nothing. A file that cannot be read is refused with ``uploads.Refused``
    before anything is kept.
    """
    threshold = settings.ONWARD_BACKGROUND_IMPORT_ROWS
    if rows is None:
        rows = uploads.row_count(name, content, stop_at=threshold + 1)
    if name.lower().endswith(".xlsx"):
        uploads.check_xlsx(name, content)
        stored = content.hex()
    else:
        stored = uploads.decode_text(name, content)
    with transaction.atomic():
        run = ImportRun.objects.create(
            council=council,
            kind=ImportRun.Kind.CASE_SYSTEM,
            mapping=mapping,
            created_by=acting_user,
            status=ImportRun.Status.QUEUED,
            file_names=[name],
            files={name: stored},
        )
        audit_record(
            actor=acting_user,
            action=Action.CREATE,
            council=council,
            obj=run,
            summary=f"Started a case-system import of {name[:100]}",
        )
        if background and rows > threshold:
            imports.kind_named(ImportRun.Kind.CASE_SYSTEM).enqueue_check(run)
            return run
    return case_check(run=run)


def case_check(*, run: ImportRun) -> ImportRun:
    """Work out the preview of a queued case-system run and store it (in the background for large files)."""
    assert run.mapping is not None  # noqa: S101 - case-system runs always have a mapping
    mapping = run.mapping
    _progress(run, ImportRun.Status.CHECKING, 10)
    name, content = _file_of(run)
    header: list[str] = []
    rows: list[list[str]] = []
    try:
        header, rows = case_system.read_rows(name, content)
    except uploads.Refused as error:
        problems = [{"row": 0, "column": "", "message": str(error)}]
    else:
        problems = [] if header else [{"row": 0, "column": "", "message": f"{name} is empty"}]
    _progress(run, ImportRun.Status.CHECKING, 40)
    applied = 0
    if not problems:
        mapped = case_system.map_rows(mapping, header, rows)
        problems = list(mapped.problems)
        if not problems:
            try:
                with transaction.atomic():
                    applied, problems = _apply_case_rows(
                        council=run.council, mapping=mapping, mapped=mapped, acting_user=run.created_by
                    )
                    raise _Rollback
            except _Rollback:
                pass
    with transaction.atomic():
        if not _still_checking(run):
            return run
        run.status = ImportRun.Status.REJECTED if problems else ImportRun.Status.PREVIEWED
        run.problems = [{"table": name, "child": "", **p} for p in problems]
        run.summary = {"rows": len(rows), "records_new": applied, "rejected": len(problems)}
        run.changes = [
            {
                "child": "",
                "what": f"{applied} {mapping.get_record_type_display().lower()} records",
                "detail": f"from {len(rows)} rows",
            }
        ]
        run.progress = 100
        run.save(update_fields=["status", "problems", "summary", "changes", "progress", "updated_at"])
        audit_record(
            actor=run.created_by,
            action=Action.CHANGE,
            council=run.council,
            obj=run,
            summary=f"Previewed a case-system import: {len(problems)} problems",
        )
    return run


def case_save(*, acting_user: User | None, run: ImportRun) -> ImportRun:
    """Save a previewed case-system import: at once for small files, in the background for large ones."""
    if run.mapping is None:
        raise ImportNotReady("Only an import that is ready to commit can be saved")
    saved: ImportRun = imports.save(acting_user=acting_user, run=run)
    return saved


@transaction.atomic
def case_commit(*, acting_user: User | None, run: ImportRun) -> ImportRun:
    """Apply a previewed case-system import, all or nothing, checking every row again."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status not in (ImportRun.Status.PREVIEWED, ImportRun.Status.SAVING) or run.mapping is None:
        raise ImportNotReady("Only an import that is ready to commit can be saved")
    name, content = _file_of(run)
    header, rows = case_system.read_rows(name, content)
    mapped = case_system.map_rows(run.mapping, header, rows)
    applied, problems = _apply_case_rows(
        council=run.council, mapping=run.mapping, mapped=mapped, acting_user=acting_user
    )
    if mapped.problems or problems:
        transaction.set_rollback(True)
        raise ImportNotReady(
            "The register changed since the preview and some rows no longer fit: preview the file again"
        )
    run.status = ImportRun.Status.COMMITTED
    run.committed_at = timezone.now()
    run.progress = 100
    run.save(update_fields=["status", "committed_at", "progress", "updated_at"])
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=run.council,
        obj=run,
        summary=f"Imported {applied} records from a case-system export",
    )
    return run


# The return checked with the Department's rules, in the background --------------------------------


def return_check_start(*, acting_user: User | None, council: Organisation, year: int) -> ReturnCheck:
    """Queue a check of the council's return for the year (``ssda903.CollectionYearError`` for a year
    that has no return)."""
    ssda903.collection_window(year)
    from onward.returns import tasks

    with transaction.atomic():
        check = ReturnCheck.objects.create(council=council, year=year, created_by=acting_user)
        audit_record(
            actor=acting_user,
            action=Action.CREATE,
            council=council,
            obj=check,
            summary=f"Started a check of the {year} return with the Department's rules",
        )
        tasks.start(check, tasks.check_return)
    return check


def return_check_run(*, check: ReturnCheck) -> ReturnCheck:
    """Build the return as it would be exported now, run the Department's rules over it, keep what they found."""
    ReturnCheck.objects.filter(pk=check.pk).update(status=ReturnCheck.Status.RUNNING, progress=10)
    result = selectors.build_return(council=check.council, year=check.year)
    ReturnCheck.objects.filter(pk=check.pk).update(progress=30, oc3_count=len(result.oc3))
    checked = checking.check_return(result, council=check.council)
    with transaction.atomic():
        now = ReturnCheck.objects.select_for_update().filter(pk=check.pk).values_list("status", "task_token").first()
        if now is None or now[0] not in ReturnCheck.BUSY or now[1] != check.task_token:
            return check  # superseded by a newer check of the same return
        check.status, check.progress, check.oc3_count = ReturnCheck.Status.DONE, 100, len(result.oc3)
        check.error_count, check.rules_run = len(checked.errors), checked.rules_run
        check.failed_rules, check.covered_rules = list(checked.failed_rules), list(checked.covered_rules)
        check.errors = checked.errors[: ReturnCheck.ERRORS_KEPT]
        check.departure_count = len(checked.departures)
        check.departures = checked.departures[: ReturnCheck.ERRORS_KEPT]
        check.save(
            update_fields=[
                "status",
                "progress",
                "oc3_count",
                "error_count",
                "rules_run",
                "failed_rules",
                "covered_rules",
                "errors",
                "departure_count",
                "departures",
                "updated_at",
            ]
        )
    return check


def check_state(check: ReturnCheck) -> leases.TaskState | None:
    if not check.busy:
        return None
    return leases.task_states({check.pk: (check.task_id, check.updated_at)})[check.pk]
