"""Retention: how long each kind of record is kept, which records are past their date, and deletion.

The periods are settings (``ONWARD_RETENTION``); the rules and their legal sources are
:data:`RULES` (printed on the record of processing and in docs/privacy.md).

Deleting a young person's record past its date removes their personal data but keeps what past
indicators are counted from, so a figure for a past date is the same after the deletion as before
(issue 22). What is kept is de-identified: the register's dated codes (care episodes, EET,
accommodation, contact, pathway plan and PEP records, their dates and codes only) on a record with
no name, no identifier, no contact details and no words. Everything else (referrals and what was
shared with partners, applications, requests, notes) is deleted, with the audit entries about all
of it. A :class:`~onward.privacy.models.Tombstone` keeps the counts, the rule and who approved it,
and a restriction naming no role hides the de-identified rows from every page.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record
from onward.core.models import touched
from onward.people.categories import birthday
from onward.people.models import YoungPerson
from onward.privacy import bundle as bundles
from onward.privacy.models import LegalHold, Restriction, Tombstone
from onward.referrals.models import Referral


@dataclass(frozen=True)
class Rule:
    key: str
    records: str
    keep: str
    source: str
    action: str


def periods() -> dict[str, int]:
    return {"imported_files_days": 730, **settings.ONWARD_RETENTION}


def rules() -> tuple[Rule, ...]:
    years = periods()
    return (
        Rule(
            "care_record",
            "The young person's record and its histories (care episodes, EET, accommodation, contact, pathway "
            "plans, PEPs, education, allocations, closure, requests for support)",
            f"Until their {years['care_record_until_age']}th birthday; if they died before 18, "
            f"{years['care_record_years_after_death']} years from their death",
            "Care Planning, Placement and Case Review (England) Regulations 2010 reg. 50 (retention of a "
            "looked-after child's case record); Care Leavers (England) Regulations 2010; UK GDPR Art. 5(1)(e)",
            "Personal data deleted; the dated codes kept de-identified for past indicators; a tombstone with counts",
        ),
        Rule(
            "partner_referral",
            "Referrals, consent, what was sent to partners, their events and feedback",
            f"{years['partner_referral_years']} years after the referral last changed (shorter than the care record)",
            "Limitation Act 1980 ss. 2 and 5 (six years for claims); UK GDPR Art. 5(1)(c) and (e); "
            "the council's retention schedule",
            "Deleted, with their audit entries; a tombstone with counts",
        ),
        Rule(
            "imported_files",
            "Files as uploaded (SSDA903, case-system exports, partners' lists, the careers service's return) and "
            "the return's check results",
            f"{years['imported_files_days']} days from the upload: long enough for the return an import served to "
            "be made and the Department's queries on it answered",
            "UK GDPR Art. 5(1)(c) and (e) (no longer than needed); the council's retention schedule",
            "The file as uploaded, and the values copied from it, deleted by the daily job; the run's summary kept",
        ),
        Rule(
            "returner_enquiry",
            "Requests for support again from the public form that matched no record (once matched, the request "
            "is part of the young person's record)",
            f"{years['partner_referral_years']} years after the request was closed",
            "Limitation Act 1980 ss. 2 and 5 (six years for claims); UK GDPR Art. 5(1)(c) and (e)",
            "Not yet in the daily list: the data protection officer deletes closed requests by hand",
        ),
        Rule(
            "audit",
            "Audit entries: who viewed, changed or exported each record, and when",
            "As long as the record they describe",
            "UK GDPR Art. 5(2) (accountability) and Art. 30; Data Protection Act 2018 s. 62 (logging)",
            "Deleted with the record they describe",
        ),
    )


def care_record_due(person: YoungPerson) -> datetime.date:
    years = periods()
    if person.died_on and person.died_on < birthday(person.date_of_birth, 18):
        return birthday(person.died_on, years["care_record_years_after_death"])
    return birthday(person.date_of_birth, years["care_record_until_age"])


def _held(council: Organisation) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(council=council, lifted_at__isnull=True)


def tombstoned_ids(council: Organisation) -> set[int]:
    return set(Tombstone.objects.filter(council=council, rule="care_record").values_list("person_ref", flat=True))


@dataclass(frozen=True)
class Due:
    rule: str
    person: YoungPerson
    due_on: datetime.date
    held: bool
    referrals: int = 0


def _referral_cutoff(today: datetime.date) -> datetime.datetime:
    """Referrals last changed before this moment are past their retention date."""
    start = birthday(today, -periods()["partner_referral_years"])
    return timezone.make_aware(datetime.datetime.combine(start, datetime.time()))


def past_retention(council: Organisation, today: datetime.date) -> list[Due]:
    """Records past their retention date (oldest first), with whether a legal hold stops their deletion."""
    years = periods()
    held = set(_held(council).values_list("person_id", flat=True))
    gone = tombstoned_ids(council)
    latest_birth = birthday(today, -years["care_record_until_age"])
    candidates = YoungPerson.objects.filter(council=council).filter(
        Q(date_of_birth__lte=latest_birth) | Q(died_on__isnull=False)
    )
    found = [
        Due("care_record", person, care_record_due(person), person.pk in held)
        for person in candidates.exclude(pk__in=gone).order_by("date_of_birth", "pk")
        if care_record_due(person) <= today
    ]
    old = (
        Referral.objects.filter(council=council, updated_at__lt=_referral_cutoff(today))
        .exclude(person_id__in=[due.person.pk for due in found])
        .exclude(person_id__in=gone)
        .select_related("person")
        .order_by("person_id", "pk")
    )
    per_person: dict[int, list[Referral]] = {}
    for referral in old:
        per_person.setdefault(referral.person_id, []).append(referral)
    for referrals in per_person.values():
        newest = max(r.updated_at for r in referrals)
        due_on = birthday(timezone.localtime(newest).date(), years["partner_referral_years"])
        found.append(
            Due("partner_referral", referrals[0].person, due_on, referrals[0].person_id in held, len(referrals))
        )
    return found


# Deletion --------------------------------------------------------------------------------------------

KEPT_APP = "people"  # the register's dated codes, which the indicators count
PERSON_BLANKS: dict[str, Any] = {
    "legal_given_name": "Deleted",
    "legal_family_name": "record",
    "preferred_name": "",
    "upn": "",
    "phone": "",
    "email": "",
    "address": "",
    "out_of_area_location": "",
    "communication_preferences": [],
    "child_born_on": None,
}


def _words(model: type[models.Model]) -> list[str]:
    """Fields of a kept model that may hold words about someone: text, and free (choice-less) short text."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.TextField) or (isinstance(f, models.CharField) and not f.choices)
    ]


def _forget_audit(records: dict[type[models.Model], list[models.Model]]) -> int:
    """Delete the audit entries describing these records. The audit trail refuses deletion everywhere else
    (ADR 3); this is its one exception: entries are kept as long as what they describe, and no longer."""
    condition = Q(pk__in=[])
    for model, rows in records.items():
        if rows:
            condition |= Q(object_type=model._meta.label, object_id__in=[str(row.pk) for row in rows])
    events = AuditEvent.objects.filter(condition)
    count = events.count()
    events._raw_delete(events.db)
    return count


def _check_deletable(person: YoungPerson, rule: str, today: datetime.date) -> datetime.date:
    if LegalHold.objects.filter(person=person, lifted_at__isnull=True).exists():
        raise ValidationError("A legal hold stops this deletion: lift the hold first")
    if Tombstone.objects.filter(council=person.council, person_ref=person.pk, rule="care_record").exists():
        raise ValidationError("This record's personal data has already been deleted")
    due = next((d for d in past_retention(person.council, today) if d.person.pk == person.pk and d.rule == rule), None)
    if due is None:
        raise ValidationError("This record is not past its retention date")
    return due.due_on


@transaction.atomic
def deletion_approve(
    *, acting_user: User, person: YoungPerson, rule: str, today: datetime.date | None = None
) -> Tombstone:
    """The data protection officer approves the deletion of one record past its date (see the module)."""
    day = today or timezone.localdate()
    locked = YoungPerson.objects.select_for_update().get(pk=person.pk)
    due_on = _check_deletable(locked, rule, day)
    return _delete(acting_user=acting_user, person=locked, rule=rule, due_on=due_on, day=day)


def _delete(
    *, acting_user: User, person: YoungPerson, rule: str, due_on: datetime.date, day: datetime.date
) -> Tombstone:
    locked = person
    counts: dict[str, int] = {}
    if rule == "partner_referral":
        referrals = list(Referral.objects.filter(person=locked, updated_at__lt=_referral_cutoff(day)))
        records = _below(Referral, referrals)
        counts["audit.AuditEvent"] = _forget_audit(records)
        for model, rows in reversed(list(records.items())):
            counts[model._meta.label] = len(rows)
            model._default_manager.filter(pk__in=[row.pk for row in rows]).delete()
    else:
        records = bundles.records_of(locked)
        counts["audit.AuditEvent"] = _forget_audit(records)
        for model, rows in reversed(list(records.items())):
            ids = [row.pk for row in rows]
            counts[model._meta.label] = len(ids)
            if model is YoungPerson:
                continue
            if model._meta.app_label == KEPT_APP:
                blanks: dict[str, Any] = dict.fromkeys(_words(model), "")
                if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                    blanks = touched(**blanks)
                model._default_manager.filter(pk__in=ids).update(**blanks)
            else:
                model._default_manager.filter(pk__in=ids).delete()
        YoungPerson.objects.filter(pk=locked.pk).update(**touched(child_id=f"DELETED-{locked.pk}", **PERSON_BLANKS))
        Restriction.objects.create(
            council=locked.council,
            person=locked,
            reason="Personal data deleted under the retention rules; de-identified codes kept for past figures",
            allowed_roles=",",
            restricted_by=acting_user,
        )
    tombstone = Tombstone.objects.create(
        council=locked.council,
        person_ref=locked.pk,
        rule=rule,
        due_on=due_on,
        approved_by=acting_user,
        counts={k: v for k, v in counts.items() if v},
    )
    audit_record(
        actor=acting_user,
        action=AuditEvent.Action.DELETE,
        council=locked.council,
        obj=tombstone,
        changes={"counts": tombstone.counts},
        summary=f"Deleted under the {rule.replace('_', ' ')} retention rule (record {locked.pk})",
    )
    return tombstone


@dataclass
class RunReport:
    """What a deletion run did: records deleted (tombstones), those skipped and why, and the counts removed."""

    deleted: int = 0
    held: int = 0
    not_due: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def text(self) -> str:
        skipped = []
        if self.held:
            skipped.append(f"{self.held} under a legal hold")
        if self.not_due:
            skipped.append(f"{self.not_due} no longer past their date")
        records = sum(self.counts.values())
        return (
            f"{self.deleted} record{'s' if self.deleted != 1 else ''} deleted ({records} rows removed or stripped)"
            + (f"; skipped: {', '.join(skipped)}" if skipped else "")
        )


@transaction.atomic
def deletion_run(
    *,
    acting_user: User,
    council: Organisation,
    selected: Sequence[tuple[int, str]] | None = None,
    today: datetime.date | None = None,
) -> RunReport:
    """The officer approves many deletions at once, in one transaction: ``selected`` (young person's id,
    rule) pairs from the list of records past their date, or every one listed when ``None``. A record under a
    legal hold, or no longer past its date, is skipped and counted; if any deletion fails, none is made.
    Each deleted record leaves its tombstone (as :func:`deletion_approve`); the run is audited with its counts."""
    day = today or timezone.localdate()
    due = {(item.person.pk, item.rule): item for item in past_retention(council, day)}
    wanted = list(due) if selected is None else list(dict.fromkeys(selected))
    report = RunReport()
    done: set[int] = set()
    for person_pk, rule in wanted:
        item = due.get((person_pk, rule))
        if item is None or person_pk in done:
            report.not_due += 1
            continue
        locked = YoungPerson.objects.select_for_update().get(pk=person_pk)
        if LegalHold.objects.filter(person=locked, lifted_at__isnull=True).exists():
            report.held += 1
            continue
        tombstone = _delete(acting_user=acting_user, person=locked, rule=rule, due_on=item.due_on, day=day)
        done.add(person_pk)
        report.deleted += 1
        for label, count in tombstone.counts.items():
            report.counts[label] = report.counts.get(label, 0) + count
    if not wanted:
        return report
    audit_record(
        actor=acting_user,
        action=AuditEvent.Action.DELETE,
        council=council,
        object_repr="Deletion run under the retention rules",
        changes={"counts": report.counts, "deleted": report.deleted, "held": report.held, "not_due": report.not_due},
        summary=f"Deletion run under the retention rules: {report.text}",
    )
    return report


def _below(root: type[models.Model], rows: Sequence[models.Model]) -> dict[type[models.Model], list[models.Model]]:
    """These rows and every record reached from them by foreign keys pointing back (as the bundle walks)."""
    found: dict[type[models.Model], dict[Any, models.Model]] = {root: {row.pk: row for row in rows}}
    for model in bundles.holding_models():
        if model in found:
            continue
        conditions = [
            Q(**{f"{field.name}__in": list(parent_rows)})
            for parent, parent_rows in found.items()
            if parent_rows
            for field in bundles._links_to(model, parent)
        ]
        if not conditions:
            continue
        condition = Q()
        for one in conditions:
            condition |= one
        found[model] = {row.pk: row for row in model._default_manager.filter(condition)}
    return {model: list(rows.values()) for model, rows in found.items()}


# Imported files ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedFile:
    """An upload kept with its run, and what of it is deleted once past ``ONWARD_RETENTION["imported_files_days"]``.

    ``cleared`` fields are emptied (the file as uploaded, a preview's sample of names); ``rows`` names a list
    field whose rows keep only the given keys (so counts and links stay, the values copied from the file
    go). A run still waiting to be saved (``waiting``) is discarded: its files are gone, so it cannot be.
    Runs still being worked on (``busy``) are left alone. The run's summary (counts, problems found, who
    uploaded it, when, the file's name) stays.
    """

    model: type[models.Model]
    cleared: dict[str, Any]
    rows: dict[str, tuple[str, ...]]
    busy: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()
    discarded: str = ""


def imported_files() -> tuple[ImportedFile, ...]:
    from onward.network.models import RollList
    from onward.participation.models import CareersReturn
    from onward.performance.models import BenchmarkSet
    from onward.referrals.models import PartnerListReturn
    from onward.returns.models import ImportRun, ReturnCheck

    return (
        ImportedFile(
            ImportRun,
            {"files": {}, "changes": []},
            {},
            busy=tuple(ImportRun.BUSY),
            waiting=(ImportRun.Status.PREVIEWED, ImportRun.Status.FAILED),
            discarded=ImportRun.Status.DISCARDED,
        ),
        ImportedFile(
            BenchmarkSet,
            {"content": ""},
            {},
            waiting=(BenchmarkSet.Status.PREVIEWED,),
            discarded=BenchmarkSet.Status.DISCARDED,
        ),
        ImportedFile(
            RollList,
            {},
            {"problems": ("row", "column")},
            waiting=(RollList.Status.PREVIEWED,),
            discarded=RollList.Status.DISCARDED,
        ),
        ImportedFile(
            PartnerListReturn, {}, {"matched": ("row", "status", "send", "referral"), "unmatched": ("row", "reason")}
        ),
        ImportedFile(CareersReturn, {}, {"discrepancies": ("row", "id", "field")}),
        # The Department's rules' findings name each child and quote their values: the rule and table stay.
        ImportedFile(
            ReturnCheck,
            {},
            {
                "errors": ("code", "description", "table", "source"),
                "departures": ("code", "description", "table", "source", "reason"),
            },
            busy=tuple(ReturnCheck.BUSY),
        ),
    )


def imported_files_cutoff(today: datetime.date) -> datetime.datetime:
    start = today - datetime.timedelta(days=periods()["imported_files_days"])
    return timezone.make_aware(datetime.datetime.combine(start, datetime.time()))


@transaction.atomic
def imported_files_delete(*, today: datetime.date | None = None) -> dict[str, int]:
    """Delete the imported files uploaded before the retention period (every council's), keeping each run's
    summary; run by the daily ``retention_due`` job. Returns how many runs of each kind lost their file.
    Each is audited (no actor: the retention rule did it)."""
    cutoff = imported_files_cutoff(today or timezone.localdate())
    done: dict[str, int] = {}
    for kind in imported_files():
        status = [f.name for f in kind.model._meta.concrete_fields if f.name == "status"]
        runs = kind.model._default_manager.filter(created_at__lt=cutoff).select_for_update()
        if status and kind.busy:
            runs = runs.exclude(status__in=kind.busy)
        for run in runs.order_by("pk"):
            changed = [name for name, empty in kind.cleared.items() if getattr(run, name) != empty]
            for name in changed:
                setattr(run, name, kind.cleared[name])
            for name, keep in kind.rows.items():
                rows = getattr(run, name) or []
                stripped = [{k: row[k] for k in keep if k in row} for row in rows]
                if stripped != rows:
                    setattr(run, name, stripped)
                    changed.append(name)
            if status and run.status in kind.waiting:  # type: ignore[attr-defined]
                run.status = kind.discarded  # type: ignore[attr-defined]
                changed.append("status")
            if not changed:
                continue
            run.save(update_fields=[*changed, "updated_at"])
            audit_record(
                actor=None,
                action=AuditEvent.Action.DELETE,
                council=run.council,  # type: ignore[attr-defined]
                obj=run,
                summary=f"The file as uploaded deleted under the retention rule "
                f"(kept {periods()['imported_files_days']} days); the summary is kept",
            )
            done[kind.model._meta.label] = done.get(kind.model._meta.label, 0) + 1
    return done
