"""Changes made by the network app. Each owns its transaction and writes its audit entry in it.

A young person's setting and benefit histories are spells written through ``people.services``'
spell rules (``spell_record``, ``spell_correct``: ADR 7). No list leaves Onward except through
``setting_list_release`` and ``jobcentre_list_release``, which refuse without an agreement in force.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from onward.accounts import access as accounts_access
from onward.accounts.models import Organisation, User
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record, diff, snapshot
from onward.core import imports, uploads
from onward.core.concurrency import lock_for_change
from onward.network import rules, selectors
from onward.network.models import SHAREABLE_FIELDS, Agreement, BenefitSpell, RollList, Setting, SettingSpell, WorkCoach
from onward.people import services as people_services
from onward.people.models import YoungPerson

Action = AuditEvent.Action


class NoAgreement(ValidationError):
    """No data sharing agreement in force allows this list: nothing leaves Onward."""


# Settings ----------------------------------------------------------------------------------------------

SETTING_FIELDS = ("name", "kind", "urn", "ukprn", "postcode", "organisation", "contact_email")


def _check_setting(council: Organisation, setting: Setting) -> None:
    problems = rules.identifier_problems(setting.urn, setting.ukprn)
    others = Setting.objects.filter(council=council).exclude(pk=setting.pk)
    if setting.urn and others.filter(urn=setting.urn).exists():
        problems.setdefault("urn", "A setting with this URN is already in the register")
    if setting.ukprn and others.filter(ukprn=setting.ukprn).exists():
        problems.setdefault("ukprn", "A setting with this UKPRN is already in the register")
    if (
        setting.organisation_id is not None
        and not accounts_access.partner_ids(council).filter(partner_id=setting.organisation_id).exists()
    ):
        problems["organisation"] = "Select a partner organisation that works with the council"
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def setting_create(*, acting_user: User, council: Organisation, **fields: Any) -> Setting:
    setting = Setting(council=council, **{k: v for k, v in fields.items() if k in SETTING_FIELDS})
    setting.urn, setting.ukprn = setting.urn.strip(), setting.ukprn.strip()
    _check_setting(council, setting)
    setting.full_clean()
    setting.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=council,
        obj=setting,
        changes=diff({}, snapshot(setting, exclude=("version",))),
        summary=f"Added {setting.name} to the settings",
    )
    return setting


@transaction.atomic
def setting_update(*, acting_user: User, setting: Setting, version: int, **fields: Any) -> Setting:
    locked = lock_for_change(Setting, setting.pk, version, "setting")
    before = snapshot(locked)
    for name, value in fields.items():
        if name in SETTING_FIELDS:
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _check_setting(locked.council, locked)
    locked.version = version + 1
    locked.full_clean()
    locked.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.council,
        obj=locked,
        changes=diff(before, snapshot(locked)),
        summary=f"Changed {locked.name}",
    )
    return locked


class SettingsRefused(ValidationError):
    """A settings file with problems: nothing was loaded; ``problems`` lists every one by row and column."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(f"The file has {len(problems)} problem{'s' if len(problems) != 1 else ''}: nothing was loaded")
        self.problems = problems


@transaction.atomic
def settings_load(*, acting_user: User, council: Organisation, name: str, content: bytes) -> dict[str, int]:
    """Load settings from a CSV file (name, kind, urn, ukprn, postcode), all or nothing.

    The file goes through the upload checks first (``core.uploads``). A row whose URN or UKPRN is in
    the register already updates that setting (its version goes up); any other row adds one. One
    problem anywhere and nothing is loaded (``SettingsRefused`` lists them all).
    """
    try:
        uploads.check_size(name, len(content))
        rows = uploads.csv_rows(name, uploads.decode_text(name, content))
    except uploads.Refused as error:
        raise SettingsRefused([{"row": 0, "column": "", "message": str(error)}]) from None
    checked = rules.check_settings(rows)
    if checked.problems:
        raise SettingsRefused(checked.problems)
    existing = list(Setting.objects.select_for_update().filter(council=council))
    by_urn = {s.urn: s for s in existing if s.urn}
    by_ukprn = {s.ukprn: s for s in existing if s.ukprn}
    added = changed = 0
    problems: list[dict[str, Any]] = []
    for row in checked.rows:
        found = {s.pk: s for s in (by_urn.get(row["urn"]), by_ukprn.get(row["ukprn"])) if s is not None}
        if len(found) > 1:
            problems.append(
                {
                    "row": row["row"],
                    "column": "urn",
                    "message": "The URN and UKPRN belong to two settings in the register",
                }
            )
            continue
        values = {k: row[k] for k in ("name", "kind", "urn", "ukprn", "postcode")}
        if found:
            (setting,) = found.values()
            if all(getattr(setting, k) == v for k, v in values.items() if v or k in ("name", "kind")):
                continue
            for key, value in values.items():
                if value or key in ("name", "kind"):
                    setattr(setting, key, value)
            setting.version += 1
            changed += 1
        else:
            setting = Setting(council=council, **values)
            added += 1
        try:
            setting.full_clean()
        except ValidationError as error:
            problems.append({"row": row["row"], "column": "", "message": " ".join(error.messages)})
            continue
        setting.save()
        by_urn.setdefault(setting.urn, setting) if setting.urn else None
        by_ukprn.setdefault(setting.ukprn, setting) if setting.ukprn else None
    if problems:
        transaction.set_rollback(True)
        raise SettingsRefused(problems)
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=council,
        object_type="network.Setting",
        summary=f"Loaded settings from {name[:100]}: {added} added, {changed} changed",
    )
    return {"added": added, "changed": changed, "rows": len(checked.rows)}


# A young person's setting history ------------------------------------------------------------------------


def _own_setting(person: YoungPerson, setting: Setting) -> None:
    if setting.council_id != person.council_id:
        raise ValidationError({"setting": "Select a setting from the council's register"})


@transaction.atomic
def setting_history_record(
    *,
    acting_user: User | None,
    person: YoungPerson,
    setting: Setting,
    start: datetime.date,
    end: datetime.date | None = None,
) -> SettingSpell:
    """Record that the young person is on roll at ``setting`` from ``start``; the open record ends the day before."""
    _own_setting(person, setting)
    return people_services.spell_record(
        model=SettingSpell, acting_user=acting_user, person=person, setting=setting, start=start, end=end
    )


@transaction.atomic
def setting_history_correct(
    *,
    acting_user: User,
    spell: SettingSpell,
    reason: str,
    setting: Setting,
    start: datetime.date,
    end: datetime.date | None,
) -> SettingSpell:
    _own_setting(spell.person, setting)
    return people_services.spell_correct(
        model=SettingSpell, acting_user=acting_user, spell=spell, reason=reason, setting=setting, start=start, end=end
    )


# Agreements -----------------------------------------------------------------------------------------------

AGREEMENT_FIELDS = ("title", "partner", "setting", "purpose", "fields", "start", "end")


def _check_agreement(council: Organisation, agreement: Agreement) -> None:
    problems: dict[str, str] = {}
    if agreement.partner_id is None and agreement.setting_id is None:
        problems["partner"] = "Select the partner organisation or the setting the agreement is with (or both)"
    if (
        agreement.partner_id is not None
        and not accounts_access.partner_ids(council).filter(partner_id=agreement.partner_id).exists()
    ):
        problems["partner"] = "Select a partner organisation that works with the council"
    if agreement.setting is not None and agreement.setting.council_id != council.pk:
        problems["setting"] = "Select a setting from the council's register"
    unknown = [f for f in agreement.fields if f not in SHAREABLE_FIELDS]
    if not agreement.fields or unknown:
        problems["fields"] = "Select the fields the agreement allows to be shared"
    if agreement.start and agreement.end and agreement.end < agreement.start:
        problems["end"] = "The end date must be the same as or after the start date"
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def agreement_create(*, acting_user: User, council: Organisation, **fields: Any) -> Agreement:
    agreement = Agreement(
        council=council, recorded_by=acting_user, **{k: v for k, v in fields.items() if k in AGREEMENT_FIELDS}
    )
    agreement.fields = [f for f in SHAREABLE_FIELDS if f in (agreement.fields or [])] or list(agreement.fields or [])
    _check_agreement(council, agreement)
    agreement.full_clean()
    agreement.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=council,
        obj=agreement,
        changes=diff({}, snapshot(agreement, exclude=("version",))),
        summary=f"Recorded the data sharing agreement {agreement.title}",
    )
    return agreement


@transaction.atomic
def agreement_update(*, acting_user: User, agreement: Agreement, version: int, **fields: Any) -> Agreement:
    locked = lock_for_change(Agreement, agreement.pk, version, "agreement")
    before = snapshot(locked)
    for name, value in fields.items():
        if name in (*AGREEMENT_FIELDS, "ended_on"):
            setattr(locked, name, value)
    locked.fields = [f for f in SHAREABLE_FIELDS if f in (locked.fields or [])] or list(locked.fields or [])
    if locked.ended_on is not None and locked.ended_on < locked.start:
        raise ValidationError({"ended_on": "The agreement cannot end before it starts"})
    _check_agreement(locked.council, locked)
    locked.version = version + 1
    locked.full_clean()
    locked.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.council,
        obj=locked,
        changes=diff(before, snapshot(locked)),
        summary=f"Changed the data sharing agreement {locked.title}",
    )
    return locked


# Lists that leave Onward: only under an agreement in force ------------------------------------------------


def _released(acting_user: User, council: Organisation, agreement: Agreement, what: str, rows: int) -> None:
    audit_record(
        actor=acting_user,
        action=Action.EXPORT,
        council=council,
        object_type="people.YoungPerson",
        summary=f"{what}: {rows} young people, under the agreement {agreement.title} (#{agreement.pk})",
    )


@transaction.atomic
def setting_list_release(
    *, acting_user: User, council: Organisation, people: QuerySet[YoungPerson], setting: Setting, day: datetime.date
) -> tuple[Agreement, list[str], list[list[object]]]:
    """The list of the setting's young people its agreement allows, audited as an export before it is made.
    Refused (``NoAgreement``) when no agreement in force on ``day`` names the setting."""
    agreement = selectors.agreement_in_force(council, day, setting=setting)
    if agreement is None:
        raise NoAgreement(
            f"There is no data sharing agreement in force with {setting.name} on {day:%-d %B %Y}: "
            "no list can be sent until one is recorded"
        )
    header, rows = selectors.setting_list_rows(people, setting, agreement, day)
    _released(acting_user, council, agreement, f"List for {setting.name}", len(rows))
    return agreement, header, rows


@transaction.atomic
def jobcentre_list_release(
    *, acting_user: User, council: Organisation, people: QuerySet[YoungPerson], day: datetime.date
) -> tuple[Agreement, list[str], list[list[object]]]:
    """The list for Jobcentre Plus (a DWP partner) under an agreement in force; ``NoAgreement`` otherwise."""
    agreement = selectors.agreement_in_force(council, day, partner_kind=Organisation.Kind.DWP)
    if agreement is None:
        raise NoAgreement(
            f"There is no data sharing agreement in force with Jobcentre Plus (DWP) on {day:%-d %B %Y}: "
            "no list can be sent until one is recorded"
        )
    header, rows = selectors.jobcentre_list_rows(people, agreement, day)
    _released(acting_user, council, agreement, "List for Jobcentre Plus", len(rows))
    return agreement, header, rows


# A setting's on-roll list: upload, check, preview, commit --------------------------------------------------


class RollListKind(imports.ImportKind):
    """Settings' on-roll lists in the core import flow: checked and matched (at once, or in the background
    above the threshold), previewed, then saved through the setting history's own rules."""

    kind = "roll_list"
    model = RollList
    noun = "the list"
    audit_check = False  # the upload's entry says what the check found (or that it was queued)
    title = "A setting's on-roll list"
    url_name = "network:roll-detail"

    def rows(self, run: Any) -> int:
        return max(len(run.content.splitlines()) - 1, 0)

    def check(self, run: Any) -> imports.Checked:
        return _roll_check(run)

    def run_commit(self, run: Any, acting_user: Any) -> Any:
        try:
            return roll_list_commit(acting_user=acting_user, roll=run)
        except ValidationError as error:
            # Nothing was saved; the list stays ready to commit (the officer follows the rows up first).
            RollList.objects.filter(pk=run.pk, status=RollList.Status.SAVING).update(
                status=RollList.Status.PREVIEWED, progress=100, failure=" ".join(error.messages)[:2000]
            )
            raise imports.ImportNotReady(" ".join(error.messages)) from None

    def forget(self, run: Any) -> list[str]:
        run.content = ""
        return ["content"]


def _roll_check(roll: RollList) -> imports.Checked:
    """Check a setting's on-roll list and match it against every child in care and care leaver the
    uploader may name on the list's date. Changes nothing."""
    from onward.network import access

    try:
        rows = uploads.csv_rows(roll.file_name, roll.content)
    except uploads.Refused as error:
        return imports.Checked(problems=[{"row": 0, "column": "", "message": str(error)}])
    people = access.list_people(roll.created_by) if roll.created_by else YoungPerson.objects.none()
    setting, on_date = roll.setting, roll.on_date
    checked = rules.check_roll(rows)
    found_people = selectors.candidates(people, on_date)
    cohort = {c.pk for c in found_people}
    by_upn, by_name = rules.index(found_people)
    current = selectors.settings_on(people, on_date)
    matched: list[dict[str, Any]] = []
    seen: set[int] = set()
    unmatched = 0
    for row in checked.rows:
        found = rules.match(row, by_upn, by_name)
        if found is None:
            unmatched += 1
            continue
        if found.pk in seen:
            checked.problems.append(
                {"row": row["row"], "column": "", "message": "This young person is on the list twice"}
            )
            continue
        seen.add(found.pk)
        spell = current.get(found.pk)
        recorded = "here" if spell and spell.setting_id == setting.pk else ("elsewhere" if spell else "none")
        matched.append(
            {
                "row": row["row"],
                "person": found.pk,
                "recorded": recorded,
                "recorded_at": str(spell.setting) if spell else "",
                "since": spell.start.isoformat() if spell else "",
            }
        )
    not_on_roll = [
        {"person": pk, "since": spell.start.isoformat()}
        for pk, spell in current.items()
        if spell.setting_id == setting.pk and pk not in seen and pk in cohort
    ]
    return imports.Checked(
        problems=checked.problems,
        values={
            "rows": len({r["row"] for r in checked.rows} | {p["row"] for p in checked.problems if p["row"] > 1}),
            "unmatched": unmatched,
            "matched": matched,
            "not_on_roll": not_on_roll,
        },
    )


def roll_list_preview(
    *,
    acting_user: User,
    council: Organisation,
    setting: Setting,
    on_date: datetime.date,
    name: str,
    content: bytes,
    background: bool = True,
) -> RollList:
    """Keep a setting's on-roll list and check it: at once, or in the background above
    ``ONWARD_BACKGROUND_IMPORT_ROWS`` rows. It is matched against every child in care and care leaver
    the uploader may name (``access.list_people``) on ``on_date``. Nothing in the register changes
    until the preview is committed. A file that cannot be read is refused with a ``ValidationError``."""
    try:
        uploads.check_size(name, len(content))
        text = uploads.decode_text(name, content)
        uploads.csv_rows(name, text)
    except uploads.Refused as error:
        raise ValidationError({"upload": str(error)}) from None
    with transaction.atomic():
        roll = RollList(
            council=council,
            setting=setting,
            on_date=on_date,
            created_by=acting_user,
            file_name=name[:200],
            content=text,
            status=RollList.Status.QUEUED,
        )
        roll.full_clean()
        roll.save()
        result: RollList = imports.begin(run=roll, background=background)
        if result.busy:
            summary = f"Uploaded the on-roll list from {setting.name} to check in the background"
        else:
            summary = (
                f"Checked the on-roll list from {setting.name}: {len(result.matched)} matched, "
                f"{len(result.elsewhere)} recorded elsewhere or nowhere, {len(result.not_on_roll)} not on roll"
            )
        audit_record(actor=acting_user, action=Action.CREATE, council=council, obj=result, summary=summary)
    return result


def roll_list_save(*, acting_user: User, roll: RollList) -> RollList:
    """Save a previewed list: at once, or in the background above the threshold (``roll_list_commit``)."""
    try:
        saved: RollList = imports.save(acting_user=acting_user, run=roll)
    except imports.ImportNotReady as error:
        raise ValidationError(str(error)) from None
    return saved


def _locked_roll(roll: RollList) -> RollList:
    return RollList.objects.select_for_update().select_related("setting", "council").get(pk=roll.pk)


@transaction.atomic
def roll_list_commit(*, acting_user: User, roll: RollList) -> RollList:
    """Apply a previewed list, all or nothing: each young person on roll whom Onward records elsewhere or
    nowhere is recorded at the setting from the list's date (through the setting history's own rules).
    Those recorded there but not on roll are left for the officer to follow up."""
    locked = _locked_roll(roll)
    if locked.status not in (RollList.Status.PREVIEWED, RollList.Status.SAVING):
        raise ValidationError("Only a list that is ready to commit can be saved")
    people = {
        p.pk: p
        for p in YoungPerson.objects.filter(council=locked.council, pk__in=[r["person"] for r in locked.elsewhere])
    }
    problems = []
    applied = 0
    for row in locked.elsewhere:
        person = people.get(int(row["person"]))  # type: ignore[call-overload]
        if person is None:
            problems.append(f"Row {row['row']}: the young person is no longer in the register")
            continue
        try:
            with transaction.atomic():
                setting_history_record(
                    acting_user=acting_user, person=person, setting=locked.setting, start=locked.on_date
                )
        except ValidationError as error:
            problems.append(f"Row {row['row']}: {' '.join(error.messages)}")
        else:
            applied += 1
    if problems:
        transaction.set_rollback(True)
        raise ValidationError(
            [f"Nothing was saved: {len(problems)} row{'s' if len(problems) != 1 else ''} no longer fit", *problems[:20]]
        )
    locked.status = RollList.Status.COMMITTED
    locked.committed_at = timezone.now()
    locked.progress, locked.content, locked.failure = 100, "", ""
    locked.save(update_fields=["status", "committed_at", "progress", "content", "failure", "updated_at"])
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.council,
        obj=locked,
        summary=f"Committed the on-roll list from {locked.setting.name}: {applied} young people recorded there",
    )
    return locked


# Benefits and work coaches ---------------------------------------------------------------------------------

COACH_FIELDS = ("name", "jobcentre", "phone", "email")


@transaction.atomic
def work_coach_create(*, acting_user: User, council: Organisation, **fields: Any) -> WorkCoach:
    coach = WorkCoach(council=council, **{k: v for k, v in fields.items() if k in COACH_FIELDS})
    coach.full_clean()
    coach.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=council,
        obj=coach,
        changes=diff({}, snapshot(coach, exclude=("version",))),
        summary=f"Added the work coach {coach.name}",
    )
    return coach


@transaction.atomic
def work_coach_update(*, acting_user: User, coach: WorkCoach, version: int, **fields: Any) -> WorkCoach:
    locked = lock_for_change(WorkCoach, coach.pk, version, "work coach")
    before = snapshot(locked)
    for name, value in fields.items():
        if name in COACH_FIELDS:
            setattr(locked, name, value)
    locked.version = version + 1
    locked.full_clean()
    locked.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.council,
        obj=locked,
        changes=diff(before, snapshot(locked)),
        summary=f"Changed the work coach {locked.name}",
    )
    return locked


def _own_coach(person: YoungPerson, coach: WorkCoach | None) -> None:
    if coach is not None and coach.council_id != person.council_id:
        raise ValidationError({"work_coach": "Select a work coach the council records"})


@transaction.atomic
def benefit_record(
    *,
    acting_user: User | None,
    person: YoungPerson,
    benefit: str,
    status: str,
    start: datetime.date,
    work_coach: WorkCoach | None = None,
    end: datetime.date | None = None,
) -> BenefitSpell:
    """Record a benefit status from ``start``; the open one ends the day before (ADR 7)."""
    _own_coach(person, work_coach)
    return people_services.spell_record(
        model=BenefitSpell,
        acting_user=acting_user,
        person=person,
        benefit=benefit,
        status=status,
        start=start,
        end=end,
        work_coach=work_coach,
    )


@transaction.atomic
def benefit_correct(*, acting_user: User, spell: BenefitSpell, reason: str, **fields: Any) -> BenefitSpell:
    _own_coach(spell.person, fields.get("work_coach"))
    return people_services.spell_correct(
        model=BenefitSpell, acting_user=acting_user, spell=spell, reason=reason, **fields
    )
