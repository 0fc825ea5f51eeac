"""The open API: tokens, rate limits, problem details, cursor pages, optimistic locking, audit,
a partner's system running a referral from received to outcome, export jobs (ADR 27)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from onward.api.models import ApiToken, ExportJob, RateWindow
from onward.audit.models import AuditEvent
from onward.people.models import EETSpell
from onward.referrals.models import Event, Send
from tests.api.world import add_api_world
from tests.factories import YoungPersonFactory

PROBLEM = "application/problem+json"


def test_a_partners_system_runs_a_referral_from_received_to_outcome_through_the_api_alone(
    world: Any, api_as: Any
) -> None:
    tenant = world["A"]
    api = api_as(add_api_world(tenant, "Alderley").partner_system)

    received = api.get("/referrals/received")
    assert received.status_code == 200
    [item] = received.json()["items"]
    assert item["status"] == "sent"
    assert item["contact"] is None  # consent shares needs only
    assert item["needs"]["needs"] == ["Job search"]
    send_id = item["id"]

    detail = api.get(f"/referrals/received/{send_id}")
    assert detail.status_code == 200
    assert detail["ETag"] == '"1"'
    assert detail.json()["allowed_next"] == ["accepted", "declined"]

    accepted = api.post(f"/referrals/received/{send_id}/accept", version=1)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    assert accepted["ETag"] == '"2"'

    stale = api.post(f"/referrals/received/{send_id}/accept", version=1)
    assert stale.status_code in (409, 412)
    assert stale["Content-Type"] == PROBLEM

    note = api.post(f"/referrals/received/{send_id}/notes", {"note": "Met at the job centre; keen to start"})
    assert note.status_code == 201
    assert note.json()["events"][-1]["note"] == "Met at the job centre; keen to start"

    today = timezone.localdate()
    version = 2
    for status in ("in_contact", "started", "completed"):
        answer = api.post(
            f"/referrals/received/{send_id}/outcome", {"status": status, "day": today.isoformat()}, version=version
        )
        assert answer.status_code == 200, answer.content
        assert answer.json()["status"] == status
        version = answer.json()["version"]

    send = Send.objects.get(pk=send_id)
    assert send.status == Send.Status.COMPLETED
    assert send.started_on == today and send.ended_on == today
    moves = list(Event.objects.filter(send=send).order_by("id").values_list("to_status", flat=True))
    assert moves == ["accepted", "accepted", "in_contact", "started", "completed"]
    assert all(e.actor.email.startswith("referrals-system") for e in Event.objects.filter(send=send))
    # Audited as the page would be: the views and the changes, as the token's user.
    viewed = AuditEvent.objects.filter(actor__email__startswith="referrals-system", action="view")
    assert viewed.exists()
    assert AuditEvent.objects.filter(actor__email__startswith="referrals-system", action="change").count() >= 4


def test_a_partner_declines_with_a_reason(world: Any, api_as: Any) -> None:
    tenant = world["A"]
    api = api_as(tenant.users["partner_provider"])
    missing = api.post(f"/referrals/received/{tenant.send.pk}/decline", {"reason": ""}, version=1)
    assert missing.status_code == 422
    assert missing["Content-Type"] == PROBLEM
    assert missing.json()["errors"]
    declined = api.post(f"/referrals/received/{tenant.send.pk}/decline", {"reason": "Course is full"}, version=1)
    assert declined.status_code == 200
    tenant.send.refresh_from_db()
    assert tenant.send.status == "declined" and tenant.send.decline_reason == "Course is full"


def test_history_writes_need_the_version_and_go_through_the_service(world: Any, api_as: Any) -> None:
    tenant = world["A"]
    adviser = tenant.users["personal_adviser"]
    api = api_as(adviser)
    path = f"/people/{tenant.person.pk}/eet"
    start = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    body = {"activity": "apprenticeship", "start": start, "provider": "Depot"}

    missing = api.post(path, body)
    assert missing.status_code == 428
    assert missing["Content-Type"] == PROBLEM
    assert missing.json()["status"] == 428

    version = api.get(f"/people/{tenant.person.pk}").json()["versions"]["eet"]
    stale = api.post(path, body, version=version + 5)
    assert stale.status_code == 412

    created = api.post(path, body, version=version)
    assert created.status_code == 201, created.content
    assert created["ETag"] == f'"{version + 1}"'
    spell = EETSpell.objects.get(pk=created.json()["id"])
    assert spell.recorded_by == adviser and spell.provider == "Depot"
    tenant.spell.refresh_from_db()
    assert tenant.spell.end is not None  # the open activity was ended by the service, as on the page
    assert AuditEvent.objects.filter(actor=adviser, action="create", object_id=str(spell.pk)).exists()

    again = api.post(path, body, version=version)  # the same version again: someone changed it since
    assert again.status_code == 412

    corrected = api.post(
        f"/people/{tenant.person.pk}/eet/{spell.pk}/corrections",
        {**body, "provider": "The Depot", "reason": "Typo"},
        version=version + 1,
    )
    assert corrected.status_code == 201, corrected.content
    spell.refresh_from_db()
    assert spell.superseded_at is not None

    bad = api.post(
        f"/people/{tenant.person.pk}/contacts", {"date": "2999-01-01", "method": "phone", "in_touch": "YES"}, version=0
    )
    assert bad.status_code == 422
    assert "date" in bad.json()["errors"]


def test_a_read_only_token_cannot_write_and_roles_still_apply(world: Any, api_as: Any) -> None:
    tenant = world["A"]
    reader = api_as(tenant.users["personal_adviser"], scope="read")
    answer = reader.post(
        f"/people/{tenant.person.pk}/contacts", {"date": "2026-01-01", "method": "phone", "in_touch": "YES"}, version=0
    )
    assert answer.status_code == 403
    councillor = api_as(tenant.users["councillor"])
    assert councillor.get("/people").status_code == 403
    assert councillor.get(f"/people/{tenant.person.pk}").status_code == 403
    assert councillor.get("/indicators").status_code == 200


def test_revoked_expired_and_unknown_tokens_are_refused(world: Any, api_as: Any) -> None:
    tenant = world["A"]
    api = api_as(tenant.users["personal_adviser"])
    assert api.get("/me").status_code == 200
    token = ApiToken.objects.get(user=tenant.users["personal_adviser"])
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = api.get("/me")
    assert expired.status_code == 401
    assert expired["Content-Type"] == PROBLEM
    assert expired["WWW-Authenticate"].startswith("Bearer")
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=1), revoked_at=timezone.now()
    )
    assert api.get("/me").status_code == 401
    api.headers["Authorization"] = "Bearer onw_api_not-a-token"
    assert api.get("/me").status_code == 401
    # A deactivated user's token stops with them.
    other = api_as(tenant.users["team_manager"])
    tenant.users["team_manager"].is_active = False
    tenant.users["team_manager"].save()
    assert other.get("/me").status_code == 401


def test_rate_limits_are_per_token_and_kept_in_the_database(world: Any, api_as: Any) -> None:
    tenant = world["A"]
    limited = api_as(tenant.users["personal_adviser"], rate=2)
    assert limited.get("/me").status_code == 200
    assert limited.get("/me").status_code == 200
    refused = limited.get("/me")
    assert refused.status_code == 429
    assert refused["Content-Type"] == PROBLEM
    assert 1 <= int(refused["Retry-After"]) <= 60
    token = ApiToken.objects.get(user=tenant.users["personal_adviser"])
    assert RateWindow.objects.get(token=token).count == 3
    other = api_as(tenant.users["team_manager"], rate=2)
    assert other.get("/me").status_code == 200  # another token has its own count


def test_cursor_pagination(world: Any, api_as: Any) -> None:
    tenant = world["A"]
    for _ in range(4):
        YoungPersonFactory(council=tenant.council, team=tenant.team)
    api = api_as(tenant.users["performance_officer"])
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        answer = api.get("/people", **params)
        assert answer.status_code == 200
        seen += [item["id"] for item in answer.json()["items"]]
        cursor = answer.json()["next_cursor"]
        pages += 1
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5
    bad = api.get("/people", cursor="not-a-cursor")
    assert bad.status_code == 400
    assert bad["Content-Type"] == PROBLEM
    assert AuditEvent.objects.filter(actor=tenant.users["performance_officer"], action="list").count() == 3


def test_history_as_at_a_date(world: Any, api_as: Any) -> None:
    tenant = world["A"]
    api = api_as(tenant.users["personal_adviser"])
    before = (tenant.spell.start - datetime.timedelta(days=1)).isoformat()
    then = api.get(f"/people/{tenant.person.pk}", as_at=before).json()
    assert then["eet_history"] == [] and then["status"]["eet_activity"] is None
    now = api.get(f"/people/{tenant.person.pk}").json()
    assert now["status"]["eet_activity"] == "further_education"
    assert api.get(f"/people/{tenant.person.pk}", as_at="1.5").status_code == 422
    assert api.get(f"/people/{tenant.person.pk}", as_at="0001-01-01").status_code == 422


@pytest.mark.parametrize("kind", ["nccis", "ssda903"])
def test_statutory_files_are_made_in_the_background(
    kind: str, world: Any, api_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    tenant = world["A"]
    api = api_as(tenant.users["performance_officer"])
    body = {"month": "2026-10"} if kind == "nccis" else {"year": 2026}
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(f"/exports/{kind}", body)
    assert started.status_code == 202, started.content
    job_id = started.json()["id"]
    assert started["Location"].endswith(f"/api/v1/exports/{job_id}")
    job = api.get(f"/exports/{job_id}").json()
    assert job["status"] == "done", job
    download = api.get(f"/exports/{job_id}/file")
    assert download.status_code == 200
    assert download["Content-Type"] == ("text/csv" if kind == "nccis" else "application/zip")
    assert AuditEvent.objects.filter(actor=tenant.users["performance_officer"], action="export").count() >= 2
    # Someone who may not produce returns sees no job at all.
    assert api_as(tenant.users["personal_adviser"]).get(f"/exports/{job_id}").status_code == 403
    not_ready = ExportJob.objects.create(
        council=tenant.council, requested_by=tenant.users["performance_officer"], kind="nccis", parameter="2026-11"
    )
    assert api.get(f"/exports/{not_ready.pk}/file").status_code == 409


def test_the_openapi_document_is_served(client: Any, db: None) -> None:
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/referrals/received/{send_id}/accept" in document["paths"]
    responses = document["paths"]["/api/v1/people"]["get"]["responses"]
    assert list(responses["404"]["content"]) == [PROBLEM]


def test_a_method_an_address_does_not_take_answers_problem_details(client: Any, db: None) -> None:
    answer = client.get("/api/v1/exports/nccis")
    assert answer.status_code == 405
    assert answer["Content-Type"] == PROBLEM
    assert answer["Allow"] == "POST"


def test_an_application_moves_on_through_the_service_with_its_version(world: Any, api_as: Any) -> None:
    tenant = world["A"]
    api = api_as(tenant.users["employer_engagement_worker"])
    path = f"/applications/{tenant.application.pk}/status"
    assert api.post(path, {"status": "applied"}).status_code == 428
    applied = api.post(path, {"status": "applied"}, version=1)
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "applied" and applied["ETag"] == '"2"'
    assert api.post(path, {"status": "started"}, version=2).status_code == 409
    assert api.post(path, {"status": "interview"}, version=1).status_code == 412
    interview = api.post(path, {"status": "interview", "day": timezone.localdate().isoformat()}, version=2)
    assert interview.status_code == 200
    assert AuditEvent.objects.filter(actor=tenant.users["employer_engagement_worker"], action="change").count() == 2
    reader = api_as(tenant.users["personal_adviser"], scope="read")
    assert reader.post(path, {"status": "offer", "day": "2026-01-01"}, version=3).status_code == 403


def test_writes_need_no_csrf_token_only_the_bearer_token(world: Any, token_for: Any) -> None:
    from django.test import Client

    tenant = world["A"]
    client = Client(enforce_csrf_checks=True)
    answer = client.post(
        f"/api/v1/referrals/received/{tenant.send.pk}/notes",
        {"note": "From a system, not a browser"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(tenant.users['partner_provider'])}"},
    )
    assert answer.status_code == 201


def test_a_nul_byte_in_the_address_gets_problem_details(world: Any, api_as: Any) -> None:
    api = api_as(world["A"].users["personal_adviser"])
    answer = api.client.get("/api/v1/people?cursor=%00", headers=api.headers)
    assert answer.status_code == 400
    assert answer["Content-Type"] == PROBLEM
    assert "NUL" in answer.json()["detail"]
