"""Who may read the audit trail.

This app's access policy, built on the tenancy and permission kernel in :mod:`onward.accounts.access`.

``<things>_visible_to(user)`` is everything of that kind in the user's scope (empty when their roles
give them no business with it); ``access_<thing>(user, pk)`` fetches one record and authorises it in
one call, raising ``Http404`` for "missing" and "not yours" alike.
"""

from __future__ import annotations

from django.db.models import QuerySet

from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.audit.models import AuditEvent


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """The audit trail of the user's own organisation (a council's, or a partner organisation's), for
    those allowed to read it. ``AuditEvent.council`` names the organisation whose trail holds the event."""
    if not user.is_authenticated or not user.is_active or not user.can(Perm.VIEW_AUDIT):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(council_id=user.organisation_id)
