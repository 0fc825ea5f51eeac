"""Recording financial support: every change here, audited in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from onward.accounts.models import User
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record, diff, snapshot
from onward.core.concurrency import lock_for_change
from onward.finance.models import SupportPayment
from onward.people.models import YoungPerson

Action = AuditEvent.Action

PAYMENT_FIELDS = ("kind", "amount_pence", "date", "status", "note")


def _payment_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PAYMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown payment fields: {sorted(unknown)}")
    return {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}


@transaction.atomic
def payment_save(
    *,
    acting_user: User,
    person: YoungPerson,
    payment: SupportPayment | None = None,
    version: int | None = None,
    **fields: Any,
) -> SupportPayment:
    """Record a payment for ``person`` (``payment`` None), or change one (``version`` as the editor opened
    it; a stale version is refused). Audited in the same transaction."""
    cleaned = _payment_fields(fields)
    if payment is None:
        target = SupportPayment(person=person, recorded_by=acting_user, **cleaned)
        target.full_clean()
        target.save()
        audit_record(actor=acting_user, action=Action.CREATE, council=person.council, obj=target)
        return target
    target = lock_for_change(SupportPayment, payment.pk, version, "payment")
    if target.person_id != person.pk:
        raise ValidationError("This payment is for another young person")
    before = snapshot(target)
    for name, value in cleaned.items():
        setattr(target, name, value)
    target.version += 1
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=person.council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target
