"""Changes to the cohort register. Each owns its transaction, locks the young person, and audits.

History is never overwritten: recording a new status ends the previous one; a correction is a
new record that supersedes the old, which is kept with the reason and who made it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from onward.accounts.models import Organisation, Team, User
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record, diff, snapshot
from onward.core.bulk import insert_many
from onward.core.codelists import FULL_OR_PART_TIME, EETActivity, InTouch
from onward.core.concurrency import lock_for_change
from onward.core.forms import long_date, soon
from onward.core.models import touched, touched_fields
from onward.people import categories
from onward.people.models import (
    PEP,
    AccommodationSpell,
    Allocation,
    Aspiration,
    CareEpisode,
    CaseClosure,
    Contact,
    EETSpell,
    GuidanceAppointment,
    HEApplication,
    HistoryRecord,
    IntendedDestination,
    PathwayPlanAudit,
    PathwayPlanReview,
    Spell,
    SupportRequest,
    YoungPerson,
)
from onward.people.selectors import plan_review_due, summary_from

Action = AuditEvent.Action
SpellT = TypeVar("SpellT", bound=Spell)
RecordT = TypeVar("RecordT", bound=HistoryRecord)
CHAIN_BATCH = 2000  # young people a statement, within every database's limit on parameters
Dated = Contact | PathwayPlanReview | PEP  # the DatedRecord models

# ``ehcp`` is not here: it is derived from the dated EHC plans (``supporters.services.ehcp_flag_sync``),
# never typed on the young person's form (issue 27).
PERSON_FIELDS = (
    "child_id",
    "legal_given_name",
    "legal_family_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "upn",
    "uasc",
    "send",
    "is_parent",
    "is_pregnant",
    "child_born_on",
    "lives_out_of_area",
    "out_of_area_location",
    "phone",
    "email",
    "address",
    "communication_preferences",
)
FIELD_LABELS = {name: str(getattr(YoungPerson._meta.get_field(name), "verbose_name", name)) for name in PERSON_FIELDS}


def _lock(person: YoungPerson) -> YoungPerson:
    return YoungPerson.objects.select_for_update().get(pk=person.pk)


def _audit(
    actor: User | None,
    action: str,
    person: YoungPerson,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    summary: str = "",
) -> None:
    audit_record(
        actor=actor,
        action=action,
        council=person.council,
        obj=obj,
        changes=changes,
        summary=summary or f"{str(obj._meta.verbose_name).capitalize()} for {person.child_id}",
    )


# The young person ------------------------------------------------------------------------------


@transaction.atomic
def person_create(*, acting_user: User | None, council: Organisation, **fields: Any) -> YoungPerson:
    if YoungPerson.objects.filter(council=council, child_id__iexact=fields.get("child_id", "")).exists():
        raise ValidationError({"child_id": "A young person with this child identifier already exists"})
    person = YoungPerson(council=council, **{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    person.full_clean()
    person.save()
    _audit(
        acting_user,
        Action.CREATE,
        person,
        person,
        diff({}, snapshot(person, exclude=("version",))),
        "Added young person",
    )
    return person


def _who_changed_what(person: YoungPerson, version: int) -> str:
    """Why a save from ``version`` is refused: who changed which details since (from the audit trail)."""
    later = AuditEvent.objects.filter(
        object_type="people.YoungPerson",
        object_id=str(person.pk),
        action=Action.CHANGE,
    ).order_by("occurred_at")
    changed: list[str] = []
    by: list[str] = []
    for event in later:
        seen = event.changes.get("version")
        if seen and int(seen[0]) >= version:
            for name in event.changes:
                if name in FIELD_LABELS and FIELD_LABELS[name] not in changed:
                    changed.append(str(FIELD_LABELS[name]))
            if event.actor_email and event.actor_email not in by:
                by.append(event.actor_email)
    who = ", ".join(by) or "someone else"
    fields = ", ".join(changed) or "the record"
    return (
        f"{who} changed {fields} while you were editing. Your changes have not been saved: "
        "check the record as it is now and make your changes again."
    )


@transaction.atomic
def person_update(*, acting_user: User, person: YoungPerson, version: int, **fields: Any) -> YoungPerson:
    """Change a young person's details; refused, saying who changed what, if someone saved since ``version``."""
    locked = lock_for_change(
        YoungPerson,
        person.pk,
        version,
        "young person's record",
        stale_message=lambda current: _who_changed_what(current, version),
    )
    if (
        "child_id" in fields
        and YoungPerson.objects.filter(council=locked.council, child_id__iexact=fields["child_id"])
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ValidationError({"child_id": "A young person with this child identifier already exists"})
    before = snapshot(locked)
    for name, value in fields.items():
        if name in PERSON_FIELDS:
            setattr(locked, name, value)
    locked.version = version + 1
    locked.full_clean()
    locked.save()
    changes = diff(before, snapshot(locked))
    _audit(acting_user, Action.CHANGE, locked, locked, changes, "Changed details")
    return locked


# The care summary kept on the young person (who is a care leaver from when, looked after now...):
# written here only, from the care episodes.
SUMMARY_FIELDS = ["eligible_from", "looked_after_now", "care_ended_on", "final_reason", "left_care_after_16"]


def care_summary_apply(person: YoungPerson, episodes: list[categories.Episode]) -> None:
    """Set ``person``'s care summary from ``episodes`` (not saved: for a record about to be inserted)."""
    values = care_summary_values(
        date_of_birth=person.date_of_birth,
        recorded_care_leaver_from=person.recorded_care_leaver_from,
        episodes=episodes,
    )
    for name, value in values.items():
        setattr(person, name, value)


def care_summary_values(
    *,
    date_of_birth: datetime.date,
    recorded_care_leaver_from: datetime.date | None,
    episodes: list[categories.Episode],
) -> dict[str, Any]:
    """The care summary's fields (``SUMMARY_FIELDS``) for a young person with these values and ``episodes``:
    for a record about to be inserted as plain values (``core.bulk.insert_values``)."""
    summary = summary_from(date_of_birth, recorded_care_leaver_from, episodes)
    return {
        "eligible_from": summary.eligible_from,
        "looked_after_now": summary.looked_after_now,
        "care_ended_on": summary.care_ended_on,
        "final_reason": summary.final_reason,
        "left_care_after_16": summary.left_care_after_16_by(datetime.date.max, categories.birthday(date_of_birth, 16)),
    }


def refresh_care_summary(person: YoungPerson) -> None:
    """Keep the care summary on the young person in step with their episodes."""
    refresh_care_summaries([person])


def refresh_care_summaries(people: Iterable[YoungPerson]) -> None:
    """Recompute the care summary of many young people in two queries (imports and generated councils)."""
    people = list(people)
    episodes: dict[int, list[categories.Episode]] = {p.pk: [] for p in people}
    held = CareEpisode.objects.filter(person__in=people).order_by("start", "id")
    for person_id, start, end, legal_status, reason_ceased in held.values_list(
        "person_id", "start", "end", "legal_status", "reason_ceased"
    ).iterator(chunk_size=2000):
        episodes[person_id].append(categories.Episode(start, end, legal_status, reason_ceased))
    for person in people:
        care_summary_apply(person, episodes[person.pk])
    YoungPerson.objects.bulk_update(people, touched_fields(people, SUMMARY_FIELDS), batch_size=2000)


# Care episodes ----------------------------------------------------------------------------------


def _validate_episode(person: YoungPerson, episode: CareEpisode) -> None:
    errors: dict[str, str] = {}
    if episode.start < person.date_of_birth:
        errors["start"] = "The episode cannot start before the young person's date of birth"
    if episode.end and episode.end < episode.start:
        errors["end"] = "The date the episode ceased must be the same as or after the date it started"
    if bool(episode.end) != bool(episode.reason_ceased):
        errors["reason_ceased"] = "Enter both the date the episode ceased and the reason, or neither"
    if errors:
        raise ValidationError(errors)
    others = CareEpisode.objects.filter(person=person).exclude(pk=episode.pk)
    for other in others:
        other_end = other.end or datetime.date.max
        this_end = episode.end or datetime.date.max
        if episode.start < other_end and other.start < this_end:
            raise ValidationError(
                {"start": f"This episode overlaps the episode from {other.start:%-d %B %Y}; episodes must not overlap"}
            )


@transaction.atomic
def episode_add(*, acting_user: User | None, person: YoungPerson, **fields: Any) -> CareEpisode:
    locked = _lock(person)
    episode = CareEpisode(person=locked, recorded_by=acting_user, **fields)
    _validate_episode(locked, episode)
    episode.full_clean()
    episode.save()
    refresh_care_summary(locked)
    _audit(acting_user, Action.CREATE, locked, episode, diff({}, snapshot(episode)))
    return episode


@transaction.atomic
def episode_update(*, acting_user: User, episode: CareEpisode, **fields: Any) -> CareEpisode:
    locked = _lock(episode.person)
    before = snapshot(episode)
    for name, value in fields.items():
        setattr(episode, name, value)
    _validate_episode(locked, episode)
    episode.full_clean()
    episode.save()
    refresh_care_summary(locked)
    _audit(acting_user, Action.CHANGE, locked, episode, diff(before, snapshot(episode)))
    return episode


# Spells: EET activity and accommodation -----------------------------------------------------


def _fmt(day: datetime.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else "now"


def _place_spell(
    model: type[SpellT],
    person: YoungPerson,
    spell: SpellT,
    *,
    replacing: SpellT | None = None,
    moving: SpellT | None = None,
) -> SpellT | None:
    """Check ``spell`` fits the history; return the open spell it will end, if any.

    A start more than ``ONWARD_START_DAYS_AHEAD`` days ahead is refused: a mistyped year would
    otherwise end the current record far in the future. A new spell may start after the start of
    the current open-ended spell, which then ends the day before. ``moving`` (a correction's
    adjoining record, whose end follows the corrected start) is left out. Any other overlap is
    refused.
    """
    if spell.end is not None and spell.end < spell.start:
        raise ValidationError({"end": "The end date must be the same as or after the start date"})
    if spell.start < person.date_of_birth:
        raise ValidationError({"start": "The start date cannot be before the young person's date of birth"})
    latest = soon()
    if spell.start > latest:
        raise ValidationError(
            {
                "start": f"The start date must be on or before {long_date(latest)}: an activity can start at most "
                f"{settings.ONWARD_START_DAYS_AHEAD} days ahead"
            }
        )
    others = model._default_manager.filter(person=person, superseded_at__isnull=True)
    for left_out in (replacing, moving):
        if left_out is not None:
            others = others.exclude(pk=left_out.pk)
    to_close, overlapped = _fit(list(others.order_by("start")), spell, replacing=replacing)
    if overlapped is not None:
        raise ValidationError(
            {
                "start": f"This overlaps {overlapped} to {_fmt(overlapped.end)}. "
                "Change the dates, or correct that record instead"
            }
        )
    return to_close


def _fit(
    others: list[SpellT], spell: SpellT, *, replacing: SpellT | None = None
) -> tuple[SpellT | None, SpellT | None]:
    """Where ``spell`` goes among a person's current ``others`` (in start order): the rule of the
    history, for one record added by hand and for an import alike.

    Returns (the open-ended record it ends, the first record it overlaps otherwise). A new spell may
    start after the start of the open-ended spell, which then ends the day before; any other overlap
    is a conflict. A correction (``replacing``) never ends another record this way.
    """
    to_close = None
    for other in others:
        other_end = other.end or datetime.date.max
        this_end = spell.end or datetime.date.max
        if spell.start <= other_end and other.start <= this_end:
            if other.end is None and other.start < spell.start and replacing is None:
                to_close = other
                continue
            return to_close, other
    return to_close, None


def spells_import(*, model: type[SpellT], new: list[tuple[YoungPerson, SpellT]]) -> list[SpellT]:
    """Add many spells at once (the SSDA903 and case-system imports) under the rule a record added by
    hand follows (:func:`_fit`): a spell starting after the open-ended one ends it the day before; a
    spell that would overlap any other record is left out, since the register already holds that
    period. Returns the spells added. Bulk writes: the import writes one audit entry for the run.
    """
    if not new:
        return []
    current: dict[int, list[SpellT]] = {}
    for held in model._default_manager.filter(person__in={p.pk for p, _ in new}, superseded_at__isnull=True):
        current.setdefault(held.person_id, []).append(held)
    to_close: list[SpellT] = []
    added: list[SpellT] = []
    for person, spell in sorted(new, key=lambda item: item[1].start):
        others = sorted(current.setdefault(person.pk, []), key=lambda other: other.start)
        ended, overlapped = _fit(others, spell)
        if overlapped is not None:
            continue
        if ended is not None:
            ended.end = spell.start - datetime.timedelta(days=1)
            if ended.pk:
                to_close.append(ended)
        added.append(spell)
        current[person.pk].append(spell)
    model._default_manager.bulk_update(to_close, touched_fields(to_close, ["end"]), batch_size=2000)
    insert_many(model, added)
    return added


def _adjoining(model: type[SpellT], person: YoungPerson, spell: SpellT) -> SpellT | None:
    """The current record that ends the day before ``spell`` starts (the one it ended, if any)."""
    return (
        model._default_manager.filter(
            person=person, superseded_at__isnull=True, end=spell.start - datetime.timedelta(days=1)
        )
        .exclude(pk=spell.pk)
        .first()
    )


def _moves_adjoining(model: type[SpellT], person: YoungPerson, current: SpellT, corrected: SpellT) -> SpellT | None:
    """The record whose end follows a correction of ``current``'s start, checked; ``None`` if none moves."""
    if corrected.start == current.start:
        return None
    before = _adjoining(model, person, current)
    if before is None:
        return None
    if corrected.start <= before.start:
        raise ValidationError(
            {"start": f"This overlaps {before} to {_fmt(before.end)}. Change the dates, or correct that record instead"}
        )
    return before


@dataclass(frozen=True)
class KnockOn:
    """Another record a save would change: ``record`` would end on ``new_end``."""

    record: Spell
    new_end: datetime.date

    @property
    def token(self) -> str:
        return f"{self.record._meta.model_name}-{self.record.pk}-{self.new_end.isoformat()}"


def spell_knock_on(
    *, model: type[SpellT], person: YoungPerson, replacing: SpellT | None = None, **fields: Any
) -> KnockOn | None:
    """What saving this spell (new, or a correction of ``replacing``) would do to another record.

    Nothing is saved: the pages ask the officer to confirm before a save ends or moves another
    record. Raises ``ValidationError`` when the spell does not fit at all.
    """
    values = {k: v for k, v in fields.items() if k in {f.name for f in model._meta.concrete_fields}}
    spell = model(person=person, **values)
    if replacing is None:
        to_close = _place_spell(model, person, spell)
        return KnockOn(to_close, spell.start - datetime.timedelta(days=1)) if to_close is not None else None
    moved = _moves_adjoining(model, person, replacing, spell)
    _place_spell(model, person, spell, replacing=replacing, moving=moved)
    return KnockOn(moved, spell.start - datetime.timedelta(days=1)) if moved is not None else None


def _add_spell(model: type[SpellT], *, acting_user: User | None, person: YoungPerson, **fields: Any) -> SpellT:
    locked = _lock(person)
    spell = model(person=locked, recorded_by=acting_user, **fields)
    spell.full_clean(exclude=["person"])
    to_close = _place_spell(model, locked, spell)
    if to_close is not None:
        before = snapshot(to_close)
        to_close.end = spell.start - datetime.timedelta(days=1)
        to_close.save(update_fields=["end", "updated_at"])
        _audit(
            acting_user,
            Action.CHANGE,
            locked,
            to_close,
            diff(before, snapshot(to_close)),
            f"Ended by a new record from {_fmt(spell.start)}",
        )
    spell.save()
    _audit(acting_user, Action.CREATE, locked, spell, diff({}, snapshot(spell)))
    return spell


def _correct(model: type[RecordT], *, acting_user: User, record: RecordT, reason: str, **fields: Any) -> RecordT:
    """Replace ``record`` with a corrected copy; keep the old one, superseded, with the reason."""
    if not reason.strip():
        raise ValidationError({"correction_reason": "Enter the reason for the correction"})
    locked = _lock(record.person)
    current = model._default_manager.select_for_update().get(pk=record.pk)
    if current.superseded_at is not None:
        raise ValidationError("This record has already been corrected: correct the newer record instead")
    values = {
        f.name: getattr(current, f.name)
        for f in model._meta.concrete_fields
        if f.name
        not in ("id", "created_at", "updated_at", "corrects", "correction_reason", "superseded_at", "recorded_by")
    }
    values.update(fields)
    corrected = model(**values)
    corrected.recorded_by = acting_user
    corrected.corrects = current
    corrected.correction_reason = reason.strip()
    corrected.full_clean(exclude=["person", "corrects"])
    moved = None
    if isinstance(corrected, Spell):
        moved = _moves_adjoining(model, locked, current, corrected)  # type: ignore[type-var]
        _place_spell(model, locked, corrected, replacing=current, moving=moved)  # type: ignore[type-var]
    current.superseded_at = timezone.now()
    current.save(update_fields=["superseded_at", "updated_at"])
    if moved is not None:
        moved_before = snapshot(moved)
        moved.end = corrected.start - datetime.timedelta(days=1)  # type: ignore[attr-defined]
        moved.save(update_fields=["end", "updated_at"])
        _audit(
            acting_user,
            Action.CHANGE,
            locked,
            moved,
            diff(moved_before, snapshot(moved)),
            f"End moved by the correction of the next record to start {_fmt(corrected.start)}",  # type: ignore[attr-defined]
        )
    corrected.save()
    if issubclass(model, Contact | PathwayPlanReview | PEP):
        history_chain(model=model, person_ids=[locked.pk])
    _audit(
        acting_user,
        Action.CHANGE,
        locked,
        corrected,
        diff(snapshot(current, exclude=("superseded_at",)), snapshot(corrected)),
        f"Corrected: {reason.strip()}",
    )
    return corrected


def _validate_eet(fields: dict[str, Any]) -> None:
    if fields.get("activity") not in FULL_OR_PART_TIME:
        fields["part_time"] = False


@transaction.atomic
def eet_record(*, acting_user: User | None, person: YoungPerson, **fields: Any) -> EETSpell:
    """Record a new EET activity from ``start``; the current open activity ends the day before."""
    _validate_eet(fields)
    return _add_spell(EETSpell, acting_user=acting_user, person=person, **fields)


@transaction.atomic
def eet_correct(*, acting_user: User, spell: EETSpell, reason: str, **fields: Any) -> EETSpell:
    _validate_eet(fields)
    return _correct(EETSpell, acting_user=acting_user, record=spell, reason=reason, **fields)


QUALIFICATION_FIELDS = ("qualification_level", "qualification_subject", "qualification_date")


@transaction.atomic
def eet_end(
    *,
    acting_user: User | None,
    spell: EETSpell,
    end: datetime.date,
    outcome: str,
    qualification_level: str = "",
    qualification_subject: str = "",
    qualification_date: datetime.date | None = None,
) -> EETSpell:
    """End an activity on ``end`` with how it ended and any qualification gained (level on the RQF,
    subject, date), audited. Changing the outcome of an ended activity is the same call.

    Refused (``ValidationError``, nothing changed) for a corrected record, an end before the start or
    in the future, an end on or after the start of the young person's next activity, an unknown
    outcome, "completed with a qualification" without the qualification, or a qualification
    without its level, subject and date (on or after the start, not in the future).
    """
    locked = _lock(spell.person)
    current = EETSpell.objects.select_for_update().get(pk=spell.pk)
    errors: dict[str, str] = {}
    if current.superseded_at is not None:
        raise ValidationError("This record has been corrected: end the newer record instead")
    today = timezone.localdate()
    if end < current.start:
        errors["end"] = "The end date must be the same as or after the start date"
    elif end > today:
        errors["end"] = "The end date must be today or in the past"
    else:
        later = (
            EETSpell.objects.filter(person=locked, superseded_at__isnull=True, start__gt=current.start)
            .exclude(pk=current.pk)
            .order_by("start")
            .first()
        )
        if later is not None and end >= later.start:
            errors["end"] = f"The end date must be before the next activity starts on {long_date(later.start)}"
    if outcome not in EETSpell.Outcome.values:
        errors["outcome"] = "Select how the activity ended"
    qualified = bool(qualification_level or qualification_subject.strip() or qualification_date)
    if outcome == EETSpell.Outcome.QUALIFICATION and not qualification_level:
        errors["qualification_level"] = "Select the level of the qualification"
    if qualified:
        if qualification_level not in EETSpell.QualificationLevel.values:
            errors["qualification_level"] = "Select the level of the qualification"
        if not qualification_subject.strip():
            errors["qualification_subject"] = "Enter the subject of the qualification"
        if qualification_date is None:
            errors["qualification_date"] = "Enter the date the qualification was gained"
        elif qualification_date > today:
            errors["qualification_date"] = "The date the qualification was gained must be today or in the past"
        elif qualification_date < current.start:
            errors["qualification_date"] = "The date the qualification was gained must be on or after the start"
    if errors:
        raise ValidationError(errors)
    before = snapshot(current)
    current.end = end
    current.outcome = outcome
    current.qualification_level = qualification_level if qualified else ""
    current.qualification_subject = qualification_subject.strip() if qualified else ""
    current.qualification_date = qualification_date if qualified else None
    current.full_clean(exclude=["person", "corrects", "recorded_by"])
    current.save(update_fields=["end", "outcome", *QUALIFICATION_FIELDS, "updated_at"])
    _audit(
        acting_user,
        Action.CHANGE,
        locked,
        current,
        diff(before, snapshot(current)),
        f"Activity ended on {_fmt(end)}: {current.get_outcome_display()}",
    )
    return current


@transaction.atomic
def accommodation_record(*, acting_user: User | None, person: YoungPerson, **fields: Any) -> AccommodationSpell:
    return _add_spell(AccommodationSpell, acting_user=acting_user, person=person, **fields)


@transaction.atomic
def accommodation_correct(
    *, acting_user: User, spell: AccommodationSpell, reason: str, **fields: Any
) -> AccommodationSpell:
    return _correct(AccommodationSpell, acting_user=acting_user, record=spell, reason=reason, **fields)


@transaction.atomic
def contact_correct(*, acting_user: User, contact: Contact, reason: str, **fields: Any) -> Contact:
    """Correct a contact record (its date, how, whether in touch, the note): the old one is kept, superseded,
    with the reason, and the contacts' order (``next_date``) follows the corrected date."""
    if "date" in fields:
        _not_future(fields["date"])
    return _correct(Contact, acting_user=acting_user, record=contact, reason=reason, **fields)


@transaction.atomic
def spell_record(*, model: type[SpellT], acting_user: User | None, person: YoungPerson, **fields: Any) -> SpellT:
    """Record a new spell of another app's history (a setting, a benefit status) under the same rules as
    EET and accommodation: the open spell ends the day before, any other overlap is refused (ADR 7)."""
    return _add_spell(model, acting_user=acting_user, person=person, **fields)


@transaction.atomic
def spell_correct(*, model: type[SpellT], acting_user: User, spell: SpellT, reason: str, **fields: Any) -> SpellT:
    """Correct another app's spell: the old record is kept, superseded, with the reason (ADR 7)."""
    return _correct(model, acting_user=acting_user, record=spell, reason=reason, **fields)


# Dated events -----------------------------------------------------------------------------------


def _not_future(day: datetime.date, field: str = "date") -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "The date must be today or in the past"})


def _add_event(model: type[RecordT], *, acting_user: User | None, person: YoungPerson, **fields: Any) -> RecordT:
    locked = _lock(person)
    record = model(person=locked, recorded_by=acting_user, **fields)
    record.full_clean(exclude=["person"])
    record.save()
    if issubclass(model, Contact | PathwayPlanReview | PEP):
        history_chain(model=model, person_ids=[locked.pk])
    _audit(acting_user, Action.CREATE, locked, record, diff({}, snapshot(record)))
    return record


def history_chain(*, model: type[Dated], person_ids: Iterable[int] | None = None) -> int:
    """Set ``next_date`` on the young people's records of ``model`` (everyone's with ``None``).

    Each record gets the date of the person's next current (not superseded) record in order of
    date and then id, or nothing for the latest. Every write of a dated record calls this in its
    transaction; bulk inserts (the SSDA903 import) call it once for all the young people touched.
    Returns the number of records updated.
    """
    following = (
        model._default_manager.filter(person=OuterRef("person"), superseded_at__isnull=True)
        .filter(Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), pk__gt=OuterRef("pk")))
        .order_by("date", "pk")
        .values("date")[:1]
    )
    if person_ids is None:
        return model._default_manager.update(**touched(next_date=Subquery(following)))
    ids = sorted(set(person_ids))
    return sum(
        model._default_manager.filter(person_id__in=ids[i : i + CHAIN_BATCH]).update(
            **touched(next_date=Subquery(following))
        )
        for i in range(0, len(ids), CHAIN_BATCH)
    )


@transaction.atomic
def contact_record(
    *, acting_user: User | None, person: YoungPerson, date: datetime.date, method: str, in_touch: str, note: str = ""
) -> Contact:
    _not_future(date)
    contact = _add_event(
        Contact, acting_user=acting_user, person=person, date=date, method=method, in_touch=in_touch, note=note
    )
    if in_touch == InTouch.DIED and (person.died_on is None or date < person.died_on):
        YoungPerson.objects.filter(pk=person.pk).update(**touched(died_on=date))
    return contact


@transaction.atomic
def pathway_review_record(
    *,
    acting_user: User | None,
    person: YoungPerson,
    date: datetime.date,
    next_due: datetime.date | None = None,
    passport: list[str] | None = None,
    summary: str = "",
) -> PathwayPlanReview:
    _not_future(date)
    due = next_due or plan_review_due(date)
    if due <= date:
        raise ValidationError({"next_due": "The next review must be after this review"})
    if due > plan_review_due(date):
        raise ValidationError({"next_due": "The next review must be within 6 months of this review"})
    return _add_event(
        PathwayPlanReview,
        acting_user=acting_user,
        person=person,
        date=date,
        next_due=due,
        passport=sorted(passport or []),
        summary=summary,
    )


@transaction.atomic
def pep_record(
    *,
    acting_user: User | None,
    person: YoungPerson,
    date: datetime.date,
    school_year: int,
    social_worker_attended: bool,
    quality: str,
) -> PEP:
    _not_future(date)
    if not 1 <= school_year <= 13:
        raise ValidationError({"school_year": "Enter a school year from 1 to 13"})
    return _add_event(
        PEP,
        acting_user=acting_user,
        person=person,
        date=date,
        school_year=school_year,
        social_worker_attended=social_worker_attended,
        quality=quality,
    )


@transaction.atomic
def aspiration_record(
    *,
    acting_user: User | None,
    person: YoungPerson,
    date: datetime.date,
    school_year: int,
    aspiration: str,
    sector: str = "",
) -> Aspiration:
    _not_future(date)
    return _add_event(
        Aspiration,
        acting_user=acting_user,
        person=person,
        date=date,
        school_year=school_year,
        aspiration=aspiration,
        sector=sector,
    )


@transaction.atomic
def destination_record(*, acting_user: User | None, person: YoungPerson, **fields: Any) -> IntendedDestination:
    _not_future(fields["date"])
    if fields.get("school_year") not in (11, 12):
        raise ValidationError({"school_year": "Intended destinations are recorded in Year 11 or Year 12"})
    return _add_event(IntendedDestination, acting_user=acting_user, person=person, **fields)


@transaction.atomic
def case_close(
    *, acting_user: User, person: YoungPerson, date: datetime.date, reason: str, note: str = ""
) -> CaseClosure:
    _not_future(date)
    return _add_event(CaseClosure, acting_user=acting_user, person=person, date=date, reason=reason, note=note)


@transaction.atomic
def support_request_record(
    *, acting_user: User | None, person: YoungPerson, date: datetime.date, needs: str
) -> SupportRequest:
    _not_future(date)
    age = categories.age_on(person.date_of_birth, date)
    if not 21 <= age < 25:
        raise ValidationError({"date": "Requests for support again are for care leavers aged 21 to 24"})
    return _add_event(SupportRequest, acting_user=acting_user, person=person, date=date, needs=needs)


@transaction.atomic
def support_request_assess(
    *, acting_user: User, request: SupportRequest, outcome: str, assessed_on: datetime.date, assessment: str
) -> SupportRequest:
    _not_future(assessed_on, "assessed_on")
    if assessed_on < request.date:
        raise ValidationError({"assessed_on": "The assessment date must be the same as or after the request"})
    return _correct(
        SupportRequest,
        acting_user=acting_user,
        record=request,
        reason="Assessment recorded",
        outcome=outcome,
        assessed_on=assessed_on,
        assessment=assessment,
    )


# Careers guidance, pathway plan audits, higher education ----------------------------------------


@transaction.atomic
def guidance_record(
    *,
    acting_user: User | None,
    person: YoungPerson,
    date: datetime.date,
    attendance: str,
    adviser: str = "",
    guidance_given: str = "",
    next_step: str = "",
) -> GuidanceAppointment:
    """Record a careers guidance appointment and how it went. An appointment attended needs the guidance
    given; one not attended or rearranged records none (a rearranged one is recorded on the date it was
    due; the new appointment is recorded when it happens). A date ahead is refused."""
    _not_future(date)
    if attendance == GuidanceAppointment.Attendance.ATTENDED and not guidance_given.strip():
        raise ValidationError({"guidance_given": "Enter the guidance given at the appointment"})
    if attendance != GuidanceAppointment.Attendance.ATTENDED and guidance_given.strip():
        raise ValidationError({"guidance_given": "Guidance is recorded only for an appointment that was attended"})
    return _add_event(
        GuidanceAppointment,
        acting_user=acting_user,
        person=person,
        date=date,
        attendance=attendance,
        adviser=adviser.strip(),
        guidance_given=guidance_given.strip(),
        next_step=next_step.strip(),
    )


def plan_in_force(person: YoungPerson, day: datetime.date) -> PathwayPlanReview | None:
    """The young person's pathway plan on ``day``: its latest current review on or before it."""
    return (
        PathwayPlanReview.objects.filter(person=person, superseded_at__isnull=True, date__lte=day)
        .order_by("-date", "-pk")
        .first()
    )


@transaction.atomic
def pathway_audit_record(
    *,
    acting_user: User | None,
    person: YoungPerson,
    date: datetime.date,
    grade: str,
    eet_needs_met: bool,
    eet_needs_note: str = "",
) -> PathwayPlanAudit:
    """A manager's audit of the pathway plan in force on ``date`` (its latest review), with a grade and the
    EET-needs check. Refused when there is no plan to audit on that date, or when the plan does not address
    the EET needs and no note says what is missing."""
    _not_future(date)
    review = plan_in_force(person, date)
    if review is None:
        raise ValidationError({"date": "There is no pathway plan review on or before this date to audit"})
    if not eet_needs_met and not eet_needs_note.strip():
        raise ValidationError(
            {"eet_needs_note": "Enter what the plan is missing about education, employment or training"}
        )
    return _add_event(
        PathwayPlanAudit,
        acting_user=acting_user,
        person=person,
        review=review,
        date=date,
        grade=grade,
        eet_needs_met=eet_needs_met,
        eet_needs_note=eet_needs_note.strip(),
    )


def _he_start(acting_user: User | None, person: YoungPerson, application: HEApplication) -> None:
    """A start of higher education, written to the EET history through its one writer (``eet_record``),
    unless the activity on that day is already higher education."""
    held = (
        EETSpell.objects.filter(person=person)
        .filter(EETSpell.covering(application.status_date))
        .order_by("-start", "-pk")
        .first()
    )
    if held is not None and held.activity == EETActivity.HIGHER_EDUCATION:
        return
    eet_record(
        acting_user=acting_user,
        person=person,
        activity=EETActivity.HIGHER_EDUCATION,
        start=application.status_date,
        provider=f"{application.institution}: {application.course}"[:200],
    )


def _check_he(date: datetime.date, status: str, status_date: datetime.date) -> None:
    if status_date < date:
        raise ValidationError({"status_date": "The date of the status must be the same as or after the application"})
    if status != HEApplication.Status.STARTED:
        _not_future(status_date, "status_date")


@transaction.atomic
def he_application_record(
    *,
    acting_user: User | None,
    person: YoungPerson,
    date: datetime.date,
    institution: str,
    course: str,
    status: str = HEApplication.Status.APPLIED,
    status_date: datetime.date | None = None,
) -> HEApplication:
    """Record an application to higher education; a start (status "started") also starts higher education
    in the EET history, in the same transaction."""
    _not_future(date)
    status_date = status_date or date
    _check_he(date, status, status_date)
    application = _add_event(
        HEApplication,
        acting_user=acting_user,
        person=person,
        date=date,
        institution=institution.strip(),
        course=course.strip(),
        status=status,
        status_date=status_date,
    )
    if status == HEApplication.Status.STARTED:
        _he_start(acting_user, person, application)
    return application


@transaction.atomic
def he_application_status_set(
    *, acting_user: User, application: HEApplication, status: str, status_date: datetime.date
) -> HEApplication:
    """Move an application on (an offer, accepted, started, withdrawn): a new record supersedes the old, which is
    kept; a second change from the same page is refused. A start also starts higher
    education in the EET history."""
    if HEApplication.objects.filter(corrects=application).exists():
        raise ValidationError(
            "This application has been moved on since the page was opened: check its status now and try again"
        )
    if status == application.status:
        raise ValidationError({"status": "Select a status different from the current one"})
    _check_he(application.date, status, status_date)
    label = HEApplication.Status(status).label if status in HEApplication.Status.values else status
    changed = _correct(
        HEApplication,
        acting_user=acting_user,
        record=application,
        reason=f"Status changed to {label.lower()}",
        status=status,
        status_date=status_date,
    )
    if status == HEApplication.Status.STARTED:
        _he_start(acting_user, changed.person, changed)
    return changed


# Allocation -------------------------------------------------------------------------------------


@transaction.atomic
def allocate(
    *,
    acting_user: User | None,
    person: YoungPerson,
    role: str,
    start: datetime.date,
    worker: User | None = None,
    worker_name: str = "",
    team: Team | None = None,
) -> Allocation:
    """Allocate a worker from ``start``; the current allocation in that role ends the day before."""
    locked = _lock(person)
    if worker is None and not worker_name.strip():
        raise ValidationError({"worker": "Select a worker or enter their name"})
    if worker is not None and worker.organisation_id != locked.council_id:
        raise ValidationError({"worker": "Select a worker from the council"})
    if team is not None and team.council_id != locked.council_id:
        raise ValidationError({"team": "Select a team of the council"})
    current = Allocation.objects.filter(person=locked, role=role, end__isnull=True, superseded_at__isnull=True).first()
    if current is not None:
        if start <= current.start:
            raise ValidationError(
                {"start": f"The allocation must start after the current one started ({current.start:%-d %B %Y})"}
            )
        current.end = start - datetime.timedelta(days=1)
        current.save(update_fields=["end", "updated_at"])
    allocation = Allocation(
        person=locked,
        recorded_by=acting_user,
        role=role,
        worker=worker,
        worker_name=worker_name.strip(),
        team=team,
        start=start,
    )
    allocation.full_clean(exclude=["person"])
    allocation.save()
    if role == Allocation.Role.PERSONAL_ADVISER and start <= timezone.localdate():
        locked.personal_adviser = worker
        locked.team = team
        locked.save(update_fields=["personal_adviser", "team"])
    _audit(acting_user, Action.CREATE, locked, allocation, diff({}, snapshot(allocation)))
    return allocation
