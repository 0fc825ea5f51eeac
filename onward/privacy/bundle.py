"""The subject access bundle: everything Onward holds about one young person.

What the bundle holds is found by walking the models, not listed by hand: the young person's own
record, every record of a model with a foreign key to it, every record of a model with a foreign key
to one of those (consents, sends and events of their referrals; events, checks and support of their
applications), and so on. A new model that points at a young person is in the next bundle without a
change here; ``tests/privacy/test_subject_access.py`` derives the same set from the relations and
compares. To it are added the mentions of the young person in improvement plans (text search of
the plans' words for their names and child identifier) and the audit trail of every one of these
records: who viewed, changed or exported each, and when.

Values that may need redacting before release are marked (``flags``): third parties' names and
staff's notes, by field (``REVIEW_FIELDS``), and every plan mention. A reviewer chooses which to
redact; :func:`released` applies the choice.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.people.models import YoungPerson

REDACTED = "[Redacted]"

# Fields left out of the bundle: a request's own copy of an earlier bundle, and secrets.
LEFT_OUT: dict[str, frozenset[str]] = {
    "privacy.SubjectAccessRequest": frozenset({"bundle", "flags", "redactions"}),
}

THIRD_PARTY = "Names or words about someone else (a third party)"
STAFF_NOTE = "A staff member's note"

# (model label, field) -> why the value is marked for redaction review.
REVIEW_FIELDS: dict[tuple[str, str], str] = {
    ("people.Allocation", "worker_name"): THIRD_PARTY,
    ("people.Contact", "note"): STAFF_NOTE,
    ("people.CaseClosure", "note"): STAFF_NOTE,
    ("people.PathwayPlanReview", "summary"): STAFF_NOTE,
    ("people.SupportRequest", "assessment"): STAFF_NOTE,
    ("people.GuidanceAppointment", "adviser"): THIRD_PARTY,
    ("people.PathwayPlanAudit", "eet_needs_note"): STAFF_NOTE,
    ("referrals.Referral", "triage_note"): STAFF_NOTE,
    ("referrals.Referral", "barriers"): THIRD_PARTY,
    ("referrals.Send", "decline_reason"): STAFF_NOTE,
    ("referrals.Send", "consent_override_reason"): STAFF_NOTE,
    ("referrals.Event", "note"): STAFF_NOTE,
    ("opportunities.ApplicationEvent", "note"): STAFF_NOTE,
    ("opportunities.SustainmentCheck", "note"): STAFF_NOTE,
    ("opportunities.Support", "note"): STAFF_NOTE,
    ("privacy.SubjectAccessRequest", "requester_name"): THIRD_PARTY,
    ("privacy.Restriction", "reason"): STAFF_NOTE,
    ("privacy.LegalHold", "reason"): STAFF_NOTE,
    # The people around the young person (issue 27): carers are third parties; staff's notes on the records.
    ("supporters.Carer", "name"): THIRD_PARTY,
    ("supporters.Carer", "named_contact"): THIRD_PARTY,
    ("supporters.Carer", "phone"): THIRD_PARTY,
    ("supporters.Carer", "email"): THIRD_PARTY,
    ("supporters.MentorMatch", "end_reason"): STAFF_NOTE,
    ("supporters.MentorMeeting", "note"): STAFF_NOTE,
    ("supporters.MoveOnPlan", "notes"): STAFF_NOTE,
    ("supporters.EHCPlan", "notes"): STAFF_NOTE,
    ("supporters.TransitionReferral", "decision_note"): STAFF_NOTE,
}
NOTE_NAMES = ("note", "notes")

# Where a young person may be mentioned by name in words rather than linked: the plans' text.
MENTION_APPS = ("plans",)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _links_to(model: type[models.Model], target: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The foreign keys (and one-to-ones) of ``model`` that point at ``target`` (never at itself)."""
    if model is target:
        return []
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation and (field.many_to_one or field.one_to_one) and field.related_model is target
    ]


def holding_models() -> list[type[models.Model]]:
    """Every model whose records belong to a young person: the young person, and each model reached from
    it by foreign keys pointing back, in the order they are found."""
    found: list[type[models.Model]] = [YoungPerson]
    queue: list[type[models.Model]] = [YoungPerson]
    every = [m for m in apps.get_models() if m is not AuditEvent]
    while queue:
        parent = queue.pop(0)
        for model in every:
            if model not in found and _links_to(model, parent):
                found.append(model)
                queue.append(model)
    return found


def records_of(person: YoungPerson) -> dict[type[models.Model], list[models.Model]]:
    """Every record of each holding model that belongs to ``person``."""
    found: dict[type[models.Model], dict[Any, models.Model]] = {YoungPerson: {person.pk: person}}
    for model in holding_models()[1:]:
        conditions = [
            Q(**{f"{field.name}__in": list(rows)})
            for parent, rows in found.items()
            if rows
            for field in _links_to(model, parent)
        ]
        condition = Q()
        for one in conditions:
            condition |= one
        rows_here = model._default_manager.filter(condition).order_by("pk") if conditions else []
        found[model] = {row.pk: row for row in rows_here}
    return {model: list(rows.values()) for model, rows in found.items()}


def _value(row: models.Model, field: models.Field[Any, Any]) -> Any:
    if field.is_relation:
        related = getattr(row, field.name)
        if related is None:
            return None
        full_name = getattr(related, "full_name", None)
        return full_name if isinstance(full_name, str) else str(related)
    if field.choices:
        return getattr(row, f"get_{field.name}_display")()
    return _plain(getattr(row, field.attname))


def _row(row: models.Model) -> dict[str, Any]:
    label = row._meta.label
    left_out = LEFT_OUT.get(label, frozenset())
    values: dict[str, Any] = {}
    for field in row._meta.concrete_fields:
        if field.name in left_out or field.name == "password":
            continue
        values[field.name] = _value(row, field)
    for m2m in row._meta.many_to_many:  # e.g. the organisations a consent names
        values[m2m.name] = sorted(str(related) for related in getattr(row, m2m.name).all())
    return values


def _review_reason(label: str, field: str) -> str:
    return REVIEW_FIELDS.get((label, field)) or (STAFF_NOTE if field in NOTE_NAMES else "")


def plan_mentions(person: YoungPerson) -> list[dict[str, Any]]:
    """Text in the council's plans naming the young person (legal or preferred name, or child identifier)."""
    names = {person.legal_name, person.display_name, person.child_id}
    names = {name for name in names if name and len(name) > 3}
    mentions: list[dict[str, Any]] = []
    for model in apps.get_models():
        if model._meta.app_label not in MENTION_APPS:
            continue
        text_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.TextField | models.CharField)]
        if not text_fields:
            continue
        condition = Q(pk__in=[])
        for field in text_fields:
            for name in names:
                condition |= Q(**{f"{field.name}__icontains": name})
        council_path = _council_path(model)
        if not council_path:
            continue  # a model that cannot be tied to the council is never searched (no other council's words)
        rows = model._default_manager.filter(condition).filter(**{council_path: person.council_id})
        for row in rows.order_by("pk"):
            for field in text_fields:
                text = getattr(row, field.attname) or ""
                if any(name.lower() in text.lower() for name in names):
                    mentions.append(
                        {
                            "model": model._meta.label,
                            "pk": row.pk,
                            "record": str(row),
                            "field": field.name,
                            "text": text,
                        }
                    )
    return mentions


def _council_path(model: type[models.Model]) -> str:
    """How a plans model reaches its council (``council_id``, ``plan__council_id``...), or ''."""
    for path in (
        "council",
        "plan__council",
        "scheme__council",
        "item__plan__council",
        "meeting__plan__council",
        "measure__item__plan__council",
    ):
        head = path.split("__")[0]
        if any(field.name == head for field in model._meta.concrete_fields):
            return path
    return ""


def audit_trail(records: dict[type[models.Model], list[models.Model]]) -> list[dict[str, Any]]:
    """Who viewed, changed or exported each of these records, and when (oldest first)."""
    condition = Q(pk__in=[])
    for model, rows in records.items():
        if rows:
            condition |= Q(object_type=model._meta.label, object_id__in=[str(row.pk) for row in rows])
    events = AuditEvent.objects.filter(condition).order_by("occurred_at", "id")
    return [
        {
            "id": event.pk,
            "when": _plain(event.occurred_at),
            "who": event.actor_email or "Onward (automatic)",
            "action": event.get_action_display(),
            "record_type": event.object_type,
            "record_id": event.object_id,
            "record": event.object_repr,
            "summary": event.summary,
        }
        for event in events
    ]


def gather(person: YoungPerson) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The bundle (plain JSON values) and the values marked for redaction review."""
    records = records_of(person)
    sections: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    for model, rows in records.items():
        label = model._meta.label
        section_rows = []
        for row in rows:
            values = _row(row)
            section_rows.append(values)
            for name, value in values.items():
                reason = _review_reason(label, name)
                if reason and value not in (None, "", []):
                    flags.append(
                        {"id": f"{label}:{row.pk}:{name}", "model": label, "pk": row.pk, "field": name}
                        | {"reason": reason, "value": value}
                    )
        sections.append(
            {
                "model": label,
                "title": str(model._meta.verbose_name_plural).capitalize(),
                "rows": section_rows,
            }
        )
    mentions = plan_mentions(person)
    for mention in mentions:
        flags.append(
            {
                "id": f"mention:{mention['model']}:{mention['pk']}:{mention['field']}",
                "model": f"mention:{mention['model']}",
                "pk": mention["pk"],
                "field": mention["field"],
                "reason": "Mentioned in an improvement plan: may name others",
                "value": mention["text"],
            }
        )
    bundle = {
        "format": "onward-subject-access/1",
        "young_person": {"child_id": person.child_id, "name": person.legal_name},
        "gathered_at": _plain(timezone.now()),
        "sections": sections,
        "plan_mentions": mentions,
        "audit_trail": audit_trail(records),
    }
    return bundle, flags


def held_keys(bundle: dict[str, Any]) -> set[tuple[str, int]]:
    """(model label, primary key) of every record in a bundle."""
    return {(section["model"], row["id"]) for section in bundle["sections"] for row in section["rows"]}


def released(bundle: dict[str, Any], flags: Iterable[dict[str, Any]], redactions: Iterable[str]) -> dict[str, Any]:
    """The bundle with the values the reviewer chose to redact replaced by ``[Redacted]``."""
    chosen = set(redactions)
    by_record = {(f["model"], f["pk"], f["field"]) for f in flags if f["id"] in chosen}
    copy: dict[str, Any] = {**bundle, "sections": [], "plan_mentions": []}
    for section in bundle["sections"]:
        rows = []
        for row in section["rows"]:
            rows.append(
                {name: (REDACTED if (section["model"], row["id"], name) in by_record else v) for name, v in row.items()}
            )
        copy["sections"].append({**section, "rows": rows})
    for mention in bundle["plan_mentions"]:
        hidden = (f"mention:{mention['model']}", mention["pk"], mention["field"]) in by_record
        copy["plan_mentions"].append({**mention, "text": REDACTED if hidden else mention["text"]})
    copy["redacted"] = len(by_record)
    return copy
