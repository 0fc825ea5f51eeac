"""A token of council B (or of B's partners and employers) reaches nothing of council A's, on every
endpoint of the OpenAPI document: A's records answer 403 or 404, lists hold none of A's, nothing changes."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.utils import timezone

from onward.api.api import api as ninja_api
from onward.api.routes import HISTORIES, history_version
from onward.audit.models import AuditEvent
from onward.people.models import EETSpell
from tests.api.conftest import make_token
from tests.api.world import add_api_world


def _bodies(tenant: Any) -> dict[str, dict[str, Any]]:
    today = timezone.localdate().isoformat()
    return {
        "/eet": {"activity": "apprenticeship", "start": today},
        "/eet/{record_id}/corrections": {"activity": "apprenticeship", "start": today, "reason": "Wrong"},
        "/accommodation": {"accommodation_type": "B", "suitability": "suitable", "start": today},
        "/accommodation/{record_id}/corrections": {
            "accommodation_type": "B",
            "suitability": "suitable",
            "start": today,
            "reason": "Wrong",
        },
        "/contacts": {"date": today, "method": "phone", "in_touch": "YES"},
        "/decline": {"reason": "No"},
        "/outcome": {"status": "in_contact", "day": today},
        "/notes": {"note": "Hello"},
        "/status": {"status": "applied"},
        "/ssda903": {"year": 2026},
        "/nccis": {"month": "2026-10"},
    }


def _body_for(path: str, bodies: dict[str, dict[str, Any]]) -> dict[str, Any]:
    for suffix, body in sorted(bodies.items(), key=lambda item: -len(item[0])):
        if path.endswith(suffix):
            return body
    return {}


def test_council_b_reaches_nothing_of_council_as_on_any_endpoint(world: Any) -> None:
    a, b = world["A"], world["B"]
    a_world = add_api_world(a, "Alderley")
    b_world = add_api_world(b, "Brockmoor")
    ids = {
        "person_id": a.person.pk,
        "record_id": a.spell.pk,
        "send_id": a.send.pk,
        "opportunity_id": a.opportunity.pk,
        "application_id": a.application.pk,
        "job_id": a_world.job.pk,
    }
    a_markers = ["Alderley", a.person.legal_family_name, a.person.child_id]
    if a.person.legal_family_name == b.person.legal_family_name:
        a_markers.remove(a.person.legal_family_name)
    if a.person.child_id == b.person.child_id:
        a_markers.remove(a.person.child_id)
    bodies = _bodies(a)
    b_users = [*b.users.values(), b_world.council_system, b_world.partner_system, b_world.employer_system]
    document = ninja_api.get_openapi_schema(path_prefix="/api/v1")
    operations = [(method.upper(), path) for path, ops in document["paths"].items() for method in ops]
    assert len(operations) >= 20
    a_send_version = a.send.version
    a_eet = EETSpell.objects.filter(person=a.person).count()
    failures = []
    for user in b_users:
        headers = {"Authorization": f"Bearer {make_token(user, rate=6000)}"}
        client = Client()
        for method, template in operations:
            path = re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), template)
            if method == "GET":
                answer = client.get(path, headers=headers)
            else:
                version = a.send.version if "/referrals/" in template else a.application.version
                for name, model in HISTORIES.items():
                    if f"/{name}" in template:
                        version = history_version(model, a.person.pk)
                answer = client.post(
                    path,
                    _body_for(template, bodies),
                    content_type="application/json",
                    headers={**headers, "If-Match": f'"{version}"'},
                )
            text = answer.content.decode(errors="replace")
            has_ids = "{" in template
            reached = answer.status_code < 400 and (has_ids or any(marker in text for marker in a_markers))
            if reached or answer.status_code >= 500:
                failures.append(f"{user.email} {method} {path}: {answer.status_code} {text[:200]}")
    assert not failures, "\n".join(failures)
    a.send.refresh_from_db()
    assert a.send.version == a_send_version
    assert EETSpell.objects.filter(person=a.person).count() == a_eet
    # Nothing B did is in A's audit trail; every refusal of a record answered as "not there" or "not allowed".
    assert not AuditEvent.objects.filter(
        council=a.council, actor__organisation__in=[u.organisation for u in b_users]
    ).exists()
