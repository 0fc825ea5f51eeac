"""Writing the audit trail. Call :func:`audit_record` inside the transaction of the change."""

from __future__ import annotations

import datetime
import decimal
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from onward.audit.models import AuditEvent
from onward.core import request_context

if TYPE_CHECKING:
    from onward.accounts.models import Organisation, User

Action = AuditEvent.Action


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


NOT_AUDITED = frozenset({"created_at", "updated_at", "next_date"})


def snapshot(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The audited state of a record: its concrete fields' values, ready to compare and store.

    Fields named ``password`` are never captured, nor are ``exclude``d ones, nor the ones the
    database keeps for itself (``NOT_AUDITED``: timestamps and the history chain's ``next_date``).
    """
    state: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.name == "password" or field.name in NOT_AUDITED:
            continue
        state[field.name] = _jsonable(getattr(instance, field.attname))
    return state


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field differences as ``{field: [old, new]}``, only for fields whose value changed."""
    changed: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = _jsonable(before.get(key)), _jsonable(after.get(key))
        if old != new:
            changed[key] = [old, new]
    return changed


def audit_record(
    *,
    actor: User | None,
    action: str,
    council: Organisation | None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    summary: str = "",
) -> AuditEvent:
    """Append one entry to the audit trail.

    Must run inside the transaction of the change it records (it refuses to run outside one, so
    a change can never be saved without its audit entry, nor an entry without its change). The
    client address and request id come from the request being served, if any.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic().")
    context = request_context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    event = AuditEvent(
        council=council,
        actor=actor if actor is not None and actor.pk else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        changes=changes or {},
        summary=summary[:500],
        ip_address=context.ip_address if context else None,
        request_id=context.request_id if context else "",
    )
    event.full_clean(exclude=["council", "actor"])  # both come from loaded objects; skip re-fetching them
    event.save()
    return event


@transaction.atomic
def audit_view(*, actor: User, council: Organisation | None, obj: models.Model, summary: str = "") -> AuditEvent:
    """Record that ``actor`` viewed ``obj`` (a record holding personal data)."""
    return audit_record(actor=actor, action=Action.VIEW, council=council, obj=obj, summary=summary)


@transaction.atomic
def audit_list(*, actor: User, council: Organisation | None, object_type: str, summary: str) -> AuditEvent:
    """Record that ``actor`` viewed a list of personal data records (with its filters in ``summary``)."""
    return audit_record(actor=actor, action=Action.LIST, council=council, object_type=object_type, summary=summary)
