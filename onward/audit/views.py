from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.audit.forms import AuditFilterForm
from onward.audit.models import AuditEvent
from onward.audit.selectors import audit_event_list
from onward.audit.services import audit_record
from onward.core import exports


@require_safe
@access.require_perm(Perm.VIEW_AUDIT)
def event_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = audit_event_list(user=user, filters=filters) if not form.errors else AuditEvent.objects.none()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_export": user.can(Perm.EXPORT_AUDIT)},
    )


@require_safe
@access.require_perm(Perm.VIEW_AUDIT, Perm.EXPORT_AUDIT)
def event_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered audit trail as CSV. The export itself is recorded in the trail first."""
    user: User = request.user  # type: ignore[assignment]
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request, "audit/event_list.html", {"form": form, "page": None, "query": "", "can_export": True}, status=400
        )
    filters = form.cleaned_data if form.is_bound else {}
    with transaction.atomic():
        events = list(audit_event_list(user=user, filters=filters))
        audit_record(
            actor=user,
            action=AuditEvent.Action.EXPORT,
            council=user.organisation,
            object_type="audit.AuditEvent",
            summary=f"Exported {len(events)} audit entries (filters: {request.GET.urlencode() or 'none'})",
        )
    header = ["time", "user", "action", "record type", "record id", "record", "summary", "changes", "ip address"]
    rows = (
        [
            timezone.localtime(event.occurred_at).isoformat(),
            event.actor_email,
            event.get_action_display(),
            event.object_type,
            event.object_id,
            event.object_repr,
            event.summary,
            json.dumps(event.changes, sort_keys=True),
            event.ip_address or "",
        ]
        for event in events
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    return exports.csv_streaming_response(f"audit-trail-{stamp}.csv", rows, header=header)
