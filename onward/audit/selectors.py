"""Reads of the audit trail, always starting from the access module's scope."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from onward.accounts.models import User
from onward.audit import access as audit_access
from onward.audit.models import AuditEvent

LONDON = ZoneInfo("Europe/London")


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=LONDON)


def audit_event_list(*, user: User, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The user's council's audit trail, filtered by user, record, action and date range (inclusive)."""
    events = audit_access.audit_events_visible_to(user)
    if filters.get("user"):
        events = events.filter(actor_email__icontains=filters["user"].strip())
    record = (filters.get("record") or "").strip()
    if record:
        parts = record.split()
        if len(parts) == 2 and "." in parts[0]:
            events = events.filter(object_type__iexact=parts[0], object_id=parts[1])
        else:
            events = events.filter(Q(object_repr__icontains=record) | Q(object_type__iexact=record))
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("date_from"):
        events = events.filter(occurred_at__gte=_start_of(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(occurred_at__lt=_start_of(filters["date_to"] + datetime.timedelta(days=1)))
    return events.select_related("actor").order_by("-occurred_at", "-id")
