"""Imports and exports of statutory and case-system data. Each import is all or nothing and audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record
from onward.core import codelists, imports, uploads
from onward.core import tasks as leases
from onward.core.bulk import analyze_loaded, insert_many
from onward.core.concurrency import lock_for_change
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

HEADER_FIELDS = ("sex", "date_of_birth", "ethnicity", "upn", "is_parent", "child_born_on")
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


@dataclass
class Plan:
    """What an import would change, worked out without saving anything."""

    new_people: list[YoungPerson] = field(default_factory=list)
    updated_people: list[tuple[YoungPerson, dict[str, list[Any]]]] = field(default_factory=list)
    unchanged_people: int = 0
    new_episodes: list[CareEpisode] = field(default_factory=list)
    updated_episodes: list[tuple[CareEpisode, dict[str, list[Any]]]] = field(default_factory=list)
    unchanged_episodes: int = 0
    oc3: list[tuple[str, datetime.date, dict[str, str]]] = field(default_factory=list)
    oc3_unchanged: int = 0
    problems: list[ssda903.Problem] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {
            "people_new": len(self.new_people),
            "people_updated": len(self.updated_people),
            "people_unchanged": self.unchanged_people,
            "episodes_new": len(self.new_episodes),
            "episodes_updated": len(self.updated_episodes),
            "episodes_unchanged": self.unchanged_episodes,
            "oc3_new": len(self.oc3),
            "oc3_unchanged": self.oc3_unchanged,
            "rejected": len(self.problems),
        }


def _person_values(row: dict[str, str], year: int) -> dict[str, Any]:
    return {
        "sex": ssda903.sex_codes(year)[row["SEX"]],
        "date_of_birth": ssda903.parse_date(row["DOB"]),
        "ethnicity": row["ETHNIC"],
        "upn": row.get("UPN", ""),
        "is_parent": row.get("MOTHER") == "1",
        "child_born_on": ssda903.parse_date(row["MC_DOB"]) if row.get("MC_DOB") else None,
    }


def _episode_values(row: dict[str, str]) -> dict[str, Any]:
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


def plan_ssda903(*, council: Organisation, year: int, files: dict[str, str]) -> tuple[Plan, list[str]]:
    """Read, check and compare the files with the register. Saves nothing."""
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
        for finding in rules.own_checks(parsed.tables, year):
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
    existing = {p.child_id.upper(): p for p in YoungPerson.objects.filter(council=council).prefetch_related("episodes")}
    uasc_children = {row["CHILD"] for row in parsed.tables.pop("uasc", [])}
    file_people: dict[str, YoungPerson] = {}
    # Each table's rows are let go as soon as they are turned into records, to keep memory down.
    for row in parsed.tables.pop("header"):
        values = _person_values(row, year)
        if row["CHILD"] in uasc_children:
            values["uasc"] = True
        person = existing.get(row["CHILD"])
        if person is None:
            person = YoungPerson(
                council=council,
                child_id=row["CHILD"],
                legal_given_name="Not recorded",
                legal_family_name=row["CHILD"],
                **values,
            )
            plan.new_people.append(person)
        else:
            changes = {k: [getattr(person, k), v] for k, v in values.items() if getattr(person, k) != v}
            if changes:
                plan.updated_people.append((person, changes))
            else:
                plan.unchanged_people += 1
        file_people[row["CHILD"]] = person
    for i, row in enumerate(parsed.tables.pop("episodes", []), start=1):
        person = file_people[row["CHILD"]]
        values = _episode_values(row)
        stored = {e.start: e for e in person.episodes.all()} if person.pk else {}
        episode = stored.get(values["start"])
        if episode is None:
            clash = next(
                (
                    e
                    for e in stored.values()
                    if values["start"] < (e.end or datetime.date.max) and e.start < (values["end"] or datetime.date.max)
                ),
                None,
            )
            if clash is not None:
                plan.problems.append(
                    ssda903.Problem(
                        "episodes",
                        i,
                        "DECOM",
                        row["CHILD"],
                        f"overlaps the stored episode from {ssda903.format_date(clash.start)}",
                    )
                )
                continue
            plan.new_episodes.append(CareEpisode(person=person, **values))
        else:
            changes = {k: [getattr(episode, k), values[k]] for k in EPISODE_FIELDS if getattr(episode, k) != values[k]}
            if changes:
                plan.updated_episodes.append((episode, changes))
            else:
                plan.unchanged_episodes += 1
    start, end = ssda903.collection_window(year)
    oc3_rows = parsed.tables.pop("oc3", [])
    held = _oc3_held(council, [file_people[row["CHILD"]].pk for row in oc3_rows], start, end)
    for row in oc3_rows:
        dob = ssda903.parse_date(row["DOB"])
        age = next((n for n in range(17, 22) if start <= categories.birthday(dob, n) <= end), None)
        day = categories.birthday(dob, age) if age else end
        person = file_people[row["CHILD"]]
        if person.pk and _oc3_already_held(held, person.pk, day, row):
            plan.oc3_unchanged += 1
        else:
            plan.oc3.append((row["CHILD"], day, row))
    return plan, []


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


def _oc3_already_held(held: HeldOC3, person_id: int, day: datetime.date, row: dict[str, str]) -> bool:
    """Whether an OC3 row was imported already: its contact, activity and stay are all held from its day."""
    if (person_id, day, row["IN_TOUCH"]) not in held.contacts:
        return False
    if row["ACTIV"] in ssda903.ACTIV_TO_ACTIVITY:
        activity, part_time = ssda903.ACTIV_TO_ACTIVITY[row["ACTIV"]]
        if (person_id, day, activity, part_time) not in held.activities:
            return False
    if row["ACCOM"] != "0":
        suitability = (
            AccommodationSpell.Suitability.SUITABLE
            if row["ACCOM"][1] == "1"
            else AccommodationSpell.Suitability.UNSUITABLE
        )
        if (person_id, day, row["ACCOM"][0], suitability) not in held.stays:
            return False
    return True


SET_ASIDE = "Set aside"


def _plan_changes(plan: Plan) -> list[dict[str, Any]]:
    shown: list[dict[str, Any]] = [{"child": "", "what": SET_ASIDE, "detail": note} for note in plan.set_aside]
    for person in plan.new_people[:MAX_CHANGES_SHOWN]:
        shown.append(
            {
                "child": person.child_id,
                "what": "New young person",
                "detail": f"born {ssda903.format_date(person.date_of_birth)}",
            }
        )
    for person, changes in plan.updated_people[:MAX_CHANGES_SHOWN]:
        shown.append(
            {
                "child": person.child_id,
                "what": "Details updated",
                "detail": ", ".join(f"{k}: {v[0]} to {v[1]}" for k, v in changes.items()),
            }
        )
    for episode in plan.new_episodes[:MAX_CHANGES_SHOWN]:
        shown.append(
            {
                "child": episode.person.child_id,
                "what": "New care episode",
                "detail": f"from {ssda903.format_date(episode.start)}, {episode.legal_status} {episode.placement_type}",
            }
        )
    for episode, changes in plan.updated_episodes[:MAX_CHANGES_SHOWN]:
        shown.append(
            {
                "child": episode.person.child_id,
                "what": "Care episode updated",
                "detail": ", ".join(f"{k}: {v[0]} to {v[1]}" for k, v in changes.items()),
            }
        )
    for child, day, row in plan.oc3[:MAX_CHANGES_SHOWN]:
        shown.append(
            {
                "child": child,
                "what": "Care leaver information",
                "detail": f"{ssda903.format_date(day)}: {row['IN_TOUCH']}, {row['ACTIV']}, {row['ACCOM']}",
            }
        )
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


def _apply_plan(*, council: Organisation, run: ImportRun, plan: Plan, acting_user: User | None) -> None:
    """Save everything a checked plan holds, in bulk, inside the caller's transaction."""
    now = timezone.now()
    evidence = _oc3_evidence(plan)
    new_episodes_by_child: dict[str, list[CareEpisode]] = {}
    for episode in plan.new_episodes:
        new_episodes_by_child.setdefault(episode.person.child_id, []).append(episode)
    for person in plan.new_people:
        person.recorded_care_leaver_from = evidence.get(person.child_id)
        people_services.care_summary_apply(
            person,
            [
                categories.Episode(e.start, e.end, e.legal_status, e.reason_ceased)
                for e in new_episodes_by_child.get(person.child_id, [])
            ],
        )
    insert_many(YoungPerson, plan.new_people)
    if plan.new_people:
        ids = dict(
            YoungPerson.objects.filter(council=council, child_id__in=[p.child_id for p in plan.new_people]).values_list(
                "child_id", "pk"
            )
        )
        for person in plan.new_people:
            person.pk = ids[person.child_id]
    for person, changes in plan.updated_people:
        for name, (_old, new) in changes.items():
            setattr(person, name, new)
    YoungPerson.objects.bulk_update([p for p, _ in plan.updated_people], [*HEADER_FIELDS, "uasc"], batch_size=2000)
    for episode in plan.new_episodes:
        episode.person_id = episode.person.pk
    insert_many(CareEpisode, plan.new_episodes)
    for episode, changes in plan.updated_episodes:
        for name, (_old, new) in changes.items():
            setattr(episode, name, new)
    CareEpisode.objects.bulk_update([e for e, _ in plan.updated_episodes], list(EPISODE_FIELDS), batch_size=2000)
    _apply_oc3(council=council, plan=plan, acting_user=acting_user)
    new_ids = {p.pk for p in plan.new_people}
    existing_touched = (
        {p.pk for p, _ in plan.updated_people}
        | {e.person_id for e in plan.new_episodes}
        | {e.person_id for e, _ in plan.updated_episodes}
        | {p.pk for p in YoungPerson.objects.filter(council=council, child_id__in=list(evidence))}
    ) - new_ids
    if existing_touched:
        people = list(YoungPerson.objects.filter(pk__in=existing_touched))
        for person in people:
            if person.child_id in evidence:
                earlier = person.recorded_care_leaver_from
                person.recorded_care_leaver_from = (
                    min(evidence[person.child_id], earlier) if earlier else evidence[person.child_id]
                )
        YoungPerson.objects.bulk_update(people, ["recorded_care_leaver_from"], batch_size=500)
        people_services.refresh_care_summaries(people)
    # An OC3 row adds at most a contact, an EET spell and a stay.
    analyze_loaded(
        {
            YoungPerson: len(plan.new_people),
            CareEpisode: len(plan.new_episodes),
            Contact: len(plan.oc3),
            EETSpell: len(plan.oc3),
            AccommodationSpell: len(plan.oc3),
        }
    )
    run.status = ImportRun.Status.COMMITTED
    run.committed_at = now
    run.progress = 100
    run.save()


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
        run.save()
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


def _apply_oc3(*, council: Organisation, plan: Plan, acting_user: User | None) -> None:
    """OC3 rows become a contact on the birthday, and the activity and accommodation from that day."""
    people = {
        p.child_id: p for p in YoungPerson.objects.filter(council=council, child_id__in=[c for c, _, _ in plan.oc3])
    }
    contacts, spells, stays = [], [], []
    start = min((day for _child, day, _row in plan.oc3), default=None)
    held: set[tuple[int, datetime.date, str]] = set()
    if start is not None:
        held = set(
            Contact.objects.filter(
                person__in=list(people.values()), date__gte=start, superseded_at__isnull=True
            ).values_list("person_id", "date", "in_touch")
        )
    for child, day, row in plan.oc3:
        person = people[child]
        if (person.pk, day, row["IN_TOUCH"]) not in held:  # else only the activity or the stay is new
            contacts.append(
                Contact(
                    person=person,
                    date=day,
                    method=Contact.Method.THIRD_PARTY,
                    in_touch=row["IN_TOUCH"],
                    note="From the SSDA903 return",
                    recorded_by=acting_user,
                )
            )
        if row["ACTIV"] in ssda903.ACTIV_TO_ACTIVITY:
            activity, part_time = ssda903.ACTIV_TO_ACTIVITY[row["ACTIV"]]
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
        if row["ACCOM"] != "0":
            stays.append(
                (
                    person,
                    AccommodationSpell(
                        person=person,
                        accommodation_type=row["ACCOM"][0],
                        suitability=AccommodationSpell.Suitability.SUITABLE
                        if row["ACCOM"][1] == "1"
                        else AccommodationSpell.Suitability.UNSUITABLE,
                        start=day,
                        recorded_by=acting_user,
                    ),
                )
            )
    insert_many(Contact, contacts)
    people_services.history_chain(model=Contact, person_ids=[c.person.pk for c in contacts])

    people_services.spells_import(model=EETSpell, new=spells)
    people_services.spells_import(model=AccommodationSpell, new=stays)


def _oc3_evidence(plan: Plan) -> dict[str, datetime.date]:
    """The return counted these children as care leavers from these dates: evidence where the care history is short."""
    evidence: dict[str, datetime.date] = {}
    for child, day, _row in plan.oc3:
        evidence[child] = min(day, evidence.get(child, day))
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
