"""Changes to data protection records. Keyword-only, typed, atomic, audited in the same transaction.

``subject_access_request_create`` is also the entry the young person portal calls (issue 18):
``subject_access_request_create(young_person=person, via=SubjectAccessRequest.Via.PORTAL)``.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from onward.accounts.models import User
from onward.accounts.permissions import ROLES_BY_KEY
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record
from onward.people import services as people_services
from onward.people.models import AccommodationSpell, Contact, EETSpell, YoungPerson
from onward.people.services import person_update
from onward.portal import services as portal_services
from onward.portal.models import Statement
from onward.privacy import bundle as bundles
from onward.privacy.models import LegalHold, Rectification, RectificationRequest, Restriction, SubjectAccessRequest

Action = AuditEvent.Action


def one_calendar_month_after(day: datetime.date) -> datetime.date:
    """The date one calendar month after ``day``; the last day of the next month if it has no such date
    (the ICO's reckoning of a subject access request's time limit: received 31 January, due 28 or 29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _locked(request: SubjectAccessRequest) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)


# Subject access ---------------------------------------------------------------------------------


@transaction.atomic
def subject_access_request_create(
    *,
    young_person: YoungPerson,
    via: str,
    received_on: datetime.date | None = None,
    requester_name: str = "",
    logged_by: User | None = None,
) -> SubjectAccessRequest:
    """Log a subject access request, due one calendar month after it was received.

    The portal calls this with ``via=SubjectAccessRequest.Via.PORTAL`` and no ``logged_by`` (the young
    person asked for themselves); staff log requests received in other ways from the privacy pages.
    """
    received = received_on or timezone.localdate()
    if received > timezone.localdate():
        raise ValidationError({"received_on": "The date received must be today or in the past"})
    if via not in SubjectAccessRequest.Via.values:
        raise ValidationError({"via": "Select how the request was made"})
    request = SubjectAccessRequest(
        council=young_person.council,
        person=young_person,
        via=via,
        requester_name=requester_name.strip(),
        received_on=received,
        due_on=one_calendar_month_after(received),
        logged_by=logged_by,
    )
    request.full_clean(exclude=["council", "person", "logged_by"])
    request.save()
    audit_record(
        actor=logged_by,
        action=Action.CREATE,
        council=young_person.council,
        obj=request,
        summary=f"Subject access request for {young_person.child_id}, via {request.get_via_display().lower()}",
    )
    return request


@transaction.atomic
def subject_access_gather(*, request: SubjectAccessRequest, acting_user: User) -> SubjectAccessRequest:
    """Gather the bundle now (fixed from here on) with the values marked for redaction review."""
    locked = _locked(request)
    if locked.status not in (SubjectAccessRequest.Status.OPEN, SubjectAccessRequest.Status.IN_REVIEW):
        raise ValidationError("This request's bundle has been approved: it cannot be gathered again")
    person = YoungPerson.objects.get(pk=locked.person_id)
    bundle, flags = bundles.gather(person)
    locked.bundle, locked.flags, locked.redactions = bundle, flags, []
    locked.status = SubjectAccessRequest.Status.IN_REVIEW
    locked.gathered_by, locked.gathered_at = acting_user, timezone.now()
    locked.reviewed_by, locked.reviewed_at = None, None
    locked.save()
    audit_record(
        actor=acting_user,
        action=Action.VIEW,
        council=locked.council,
        obj=person,
        summary=f"Gathered the subject access bundle ({len(bundles.held_keys(bundle))} records, "
        f"{len(flags)} values for redaction review)",
    )
    return locked


@transaction.atomic
def subject_access_review(
    *, request: SubjectAccessRequest, acting_user: User, redactions: list[str]
) -> SubjectAccessRequest:
    """Record which of the marked values are redacted (the others are released as they are)."""
    locked = _locked(request)
    if locked.status != SubjectAccessRequest.Status.IN_REVIEW:
        raise ValidationError("Gather the bundle before reviewing it")
    known = {flag["id"] for flag in locked.flags}
    unknown = set(redactions) - known
    if unknown:
        raise ValidationError("Select only values marked for review in this bundle")
    locked.redactions = sorted(set(redactions))
    locked.reviewed_by, locked.reviewed_at = acting_user, timezone.now()
    locked.save(update_fields=["redactions", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.council,
        obj=locked,
        summary=f"Redaction review: {len(locked.redactions)} of {len(known)} marked values redacted",
    )
    return locked


@transaction.atomic
def subject_access_approve(*, request: SubjectAccessRequest, acting_user: User) -> SubjectAccessRequest:
    """The approver signs the reviewed bundle off for release."""
    locked = _locked(request)
    if locked.status != SubjectAccessRequest.Status.IN_REVIEW or locked.reviewed_at is None:
        raise ValidationError("The bundle must be gathered and its redactions reviewed before it is approved")
    locked.status = SubjectAccessRequest.Status.APPROVED
    locked.approved_by, locked.approved_at = acting_user, timezone.now()
    locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_record(
        actor=acting_user, action=Action.CHANGE, council=locked.council, obj=locked, summary="Approved for release"
    )
    return locked


@transaction.atomic
def subject_access_release(*, request: SubjectAccessRequest, acting_user: User, file_format: str) -> dict[str, Any]:
    """The approved bundle with its redactions applied, for download; the first download marks it released."""
    locked = _locked(request)
    if locked.status not in (SubjectAccessRequest.Status.APPROVED, SubjectAccessRequest.Status.RELEASED):
        raise ValidationError("The bundle is released only after it is approved")
    if locked.status == SubjectAccessRequest.Status.APPROVED:
        locked.status, locked.released_at = SubjectAccessRequest.Status.RELEASED, timezone.now()
        locked.save(update_fields=["status", "released_at", "updated_at"])
    audit_record(
        actor=acting_user,
        action=Action.EXPORT,
        council=locked.council,
        obj=locked,
        summary=f"Subject access bundle for {locked.person.child_id} downloaded as {file_format.upper()}",
    )
    return bundles.released(locked.bundle, locked.flags, locked.redactions)


@transaction.atomic
def subject_access_withdraw(*, request: SubjectAccessRequest, acting_user: User) -> SubjectAccessRequest:
    locked = _locked(request)
    if not locked.is_open:
        raise ValidationError("Only an open request can be withdrawn")
    locked.status = SubjectAccessRequest.Status.WITHDRAWN
    locked.save(update_fields=["status", "updated_at"])
    audit_record(actor=acting_user, action=Action.CHANGE, council=locked.council, obj=locked, summary="Withdrawn")
    return locked


# Restriction and rectification ------------------------------------------------------------------


@transaction.atomic
def restriction_place(*, acting_user: User, person: YoungPerson, reason: str, allowed_roles: list[str]) -> Restriction:
    """Restrict the record: it stays, but only users holding one of ``allowed_roles`` see it."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the restriction"})
    unknown = [key for key in allowed_roles if key not in ROLES_BY_KEY]
    if unknown:
        raise ValidationError({"allowed_roles": "Select roles from the list"})
    YoungPerson.objects.select_for_update().get(pk=person.pk)
    if Restriction.objects.filter(person=person, lifted_at__isnull=True).exists():
        raise ValidationError("This record is already restricted: lift that restriction first")
    restriction = Restriction(
        council=person.council,
        person=person,
        reason=reason.strip(),
        allowed_roles=Restriction.encode_roles(allowed_roles),
        restricted_by=acting_user,
    )
    restriction.full_clean(exclude=["council", "person", "restricted_by"])
    restriction.save()
    names = ", ".join(ROLES_BY_KEY[key].name for key in sorted(allowed_roles)) or "no role"
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=person.council,
        obj=restriction,
        summary=f"Restricted {person.child_id}: seen only by {names}. Reason: {reason.strip()}",
    )
    return restriction


@transaction.atomic
def restriction_lift(*, acting_user: User, restriction: Restriction, reason: str) -> Restriction:
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for lifting the restriction"})
    locked = Restriction.objects.select_for_update().get(pk=restriction.pk)
    if locked.lifted_at is not None:
        raise ValidationError("This restriction has already been lifted")
    locked.lifted_at, locked.lifted_by, locked.lift_reason = timezone.now(), acting_user, reason.strip()
    locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason", "updated_at"])
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.council,
        obj=locked,
        summary=f"Restriction lifted. Reason: {reason.strip()}",
    )
    return locked


def _value(value: Any) -> Any:
    """A value as kept in a correction: a linked record (an EET record's setting) by its name."""
    return str(value) if isinstance(value, models.Model) else bundles._plain(value)


def _plain_changes(before: Any, after: Any, names: Any) -> dict[str, list[Any]]:
    return {
        name: [_value(getattr(before, name)), _value(getattr(after, name))]
        for name in names
        if getattr(before, name) != getattr(after, name)
    }


def _close_request(
    *, request: RectificationRequest, acting_user: User, status: str, outcome: str
) -> RectificationRequest:
    """Close an open correction request with its outcome (a later correction under it keeps it closed), and
    answer what the young person said in their own service with the same words."""
    locked = RectificationRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_open:
        return locked
    locked.status, locked.outcome = status, outcome
    locked.decided_by, locked.decided_at = acting_user, timezone.now()
    locked.save(update_fields=["status", "outcome", "decided_by", "decided_at", "updated_at"])
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.council,
        obj=locked,
        summary=f"Request to correct the record {locked.get_status_display().lower()}: {outcome}",
    )
    if locked.statement_id is not None:
        statement = Statement.objects.filter(pk=locked.statement_id, resolved_at__isnull=True).first()
        if statement is not None:
            portal_services.statement_resolve(acting_user=acting_user, statement=statement, response=outcome)
    return locked


def _rectification_add(
    *,
    acting_user: User,
    person: YoungPerson,
    changes: dict[str, list[Any]],
    reason: str,
    asked_via: str,
    request: RectificationRequest | None,
    record: models.Model | None = None,
) -> Rectification:
    if request is not None and request.person_id != person.pk:
        raise ValidationError("This request is about someone else")
    rectification = Rectification(
        council=person.council,
        person=person,
        changes=changes,
        reason=reason,
        asked_via=request.via if request is not None else asked_via,
        recorded_by=acting_user,
        request=request,
        record_type=record._meta.label if record is not None else "",
        record_id=record.pk if record is not None else None,
    )
    rectification.full_clean(exclude=["council", "person", "recorded_by", "request"])
    rectification.save()
    what = f"{record._meta.verbose_name} record" if record is not None else "details"
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=person.council,
        obj=rectification,
        changes=changes,
        summary=f"Corrected the young person's {what} at their request: {reason}",
    )
    if request is not None:
        _close_request(
            request=request,
            acting_user=acting_user,
            status=RectificationRequest.Status.CORRECTED,
            outcome=f"Corrected: {reason}",
        )
    return rectification


@transaction.atomic
def rectification_record(
    *,
    acting_user: User,
    person: YoungPerson,
    version: int,
    reason: str,
    asked_via: str = SubjectAccessRequest.Via.IN_PERSON,
    request: RectificationRequest | None = None,
    **fields: Any,
) -> Rectification:
    """Correct a young person's own details at their request: the change goes through ``people.services``
    (its own audit entry with old and new values), and the correction is kept with who made it and why.
    Under a ``request``, the request is closed as corrected."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the record is being corrected"})
    before = YoungPerson.objects.get(pk=person.pk)
    updated = person_update(acting_user=acting_user, person=person, version=version, **fields)
    changes = _plain_changes(before, updated, fields)
    if not changes:
        raise ValidationError("Change at least one detail, or cancel")
    return _rectification_add(
        acting_user=acting_user,
        person=updated,
        changes=changes,
        reason=reason.strip(),
        asked_via=asked_via,
        request=request,
    )


# The history records a correction page may correct, with the people service that corrects each.
CORRECTABLE_HISTORY: dict[str, tuple[type[models.Model], Any]] = {
    "eet": (
        EETSpell,
        lambda user, record, reason, **f: people_services.eet_correct(
            acting_user=user, spell=record, reason=reason, **f
        ),
    ),
    "accommodation": (
        AccommodationSpell,
        lambda user, record, reason, **f: people_services.accommodation_correct(
            acting_user=user, spell=record, reason=reason, **f
        ),
    ),
    "contact": (
        Contact,
        lambda user, record, reason, **f: people_services.contact_correct(
            acting_user=user, contact=record, reason=reason, **f
        ),
    ),
}


@transaction.atomic
def rectification_correct_history(
    *,
    acting_user: User,
    kind: str,
    record: models.Model,
    reason: str,
    asked_via: str = SubjectAccessRequest.Via.IN_PERSON,
    request: RectificationRequest | None = None,
    **fields: Any,
) -> Rectification:
    """Correct one of a young person's history records (EET, accommodation, contact) at their request.
    ``people.services`` (the one writer of the history) keeps the old record, superseded, with the reason
    and who made it; the correction is kept here with the old and new values."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the record is being corrected"})
    model, correct = CORRECTABLE_HISTORY[kind]
    if not isinstance(record, model):
        raise ValidationError("Select a record of this kind")
    person = YoungPerson.objects.get(pk=record.person_id)  # type: ignore[attr-defined]
    try:
        corrected = correct(acting_user, record, reason.strip(), **fields)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "correction_reason" in error.error_dict:
            raise ValidationError({"reason": error.error_dict.pop("correction_reason")}) from None
        raise
    changes = _plain_changes(record, corrected, fields)
    if not changes:
        raise ValidationError("Change at least one value, or cancel")
    return _rectification_add(
        acting_user=acting_user,
        person=person,
        changes=changes,
        reason=reason.strip(),
        asked_via=asked_via,
        request=request,
        record=corrected,
    )


@transaction.atomic
def rectification_request_create(
    *,
    person: YoungPerson,
    via: str,
    text: str,
    received_on: datetime.date | None = None,
    logged_by: User | None = None,
    record: models.Model | None = None,
    statement_id: int | None = None,
) -> RectificationRequest:
    """Log a request to correct a young person's record, due one calendar month after it was received. The
    portal's "this is wrong" logs one (``via`` the portal, ``statement_id`` what they said there)."""
    received = received_on or timezone.localdate()
    if received > timezone.localdate():
        raise ValidationError({"received_on": "The date received must be today or in the past"})
    if not text.strip():
        raise ValidationError({"text": "Enter what the young person says is wrong"})
    request = RectificationRequest(
        council=person.council,
        person=person,
        via=via,
        text=text.strip(),
        record_type=record._meta.label if record is not None else "",
        record_id=record.pk if record is not None else None,
        statement_id=statement_id,
        received_on=received,
        due_on=one_calendar_month_after(received),
        logged_by=logged_by,
    )
    request.full_clean(exclude=["council", "person", "logged_by"])
    request.save()
    audit_record(
        actor=logged_by,
        action=Action.CREATE,
        council=person.council,
        obj=request,
        summary=f"Request to correct the record of {person.child_id}, via {request.get_via_display().lower()}",
    )
    return request


@transaction.atomic
def rectification_decline(*, acting_user: User, request: RectificationRequest, reason: str) -> RectificationRequest:
    """Decline a request to correct the record (the record is right), with the reason the young person is told."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the record is not being corrected"})
    if not RectificationRequest.objects.get(pk=request.pk).is_open:
        raise ValidationError("This request has already been answered")
    return _close_request(
        request=request,
        acting_user=acting_user,
        status=RectificationRequest.Status.DECLINED,
        outcome=reason.strip(),
    )


# Legal holds ----------------------------------------------------------------------------------------


@transaction.atomic
def legal_hold_place(*, acting_user: User, person: YoungPerson, reason: str) -> LegalHold:
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the legal hold"})
    hold = LegalHold(council=person.council, person=person, reason=reason.strip(), placed_by=acting_user)
    hold.full_clean(exclude=["council", "person", "placed_by"])
    hold.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=person.council,
        obj=hold,
        summary=f"Legal hold on {person.child_id}: {reason.strip()}",
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, acting_user: User, hold: LegalHold) -> LegalHold:
    locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if locked.lifted_at is not None:
        raise ValidationError("This legal hold has already been lifted")
    locked.lifted_at, locked.lifted_by = timezone.now(), acting_user
    locked.save(update_fields=["lifted_at", "lifted_by", "updated_at"])
    audit_record(
        actor=acting_user, action=Action.CHANGE, council=locked.council, obj=locked, summary="Legal hold lifted"
    )
    return locked
