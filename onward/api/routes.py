"""The endpoints of /api/v1/. Each one reads and writes through the same access functions and
services as the pages, as the token's user, and is audited as the page would be (ADR 27)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, Path, Query, Router

from onward.accounts import access
from onward.accounts.permissions import Perm
from onward.api import access as api_access
from onward.api import schemas as s
from onward.api import services
from onward.api.http import Problem, check_day, etag, if_match, page, require, token_of, user_of
from onward.api.models import ExportJob
from onward.audit.services import audit_list, audit_view
from onward.core import exports, indicators
from onward.opportunities import access as opportunity_access
from onward.opportunities.models import Application, Opportunity
from onward.people import access as people_access
from onward.people import selectors as people_selectors
from onward.people import services as people_services
from onward.people.models import AccommodationSpell, Contact, EETSpell, YoungPerson
from onward.referrals import access as referral_access
from onward.referrals import services as referral_services
from onward.referrals.models import NEED_LABELS, Referral, Send

Id = Annotated[int, Path(ge=1, le=2**62)]
Limit = Annotated[int, Query(ge=1, le=100)]
IfMatch = Annotated[str | None, Header(alias="If-Match", description='The version you last read, like "3"')]

READ_ERRORS = dict.fromkeys((400, 401, 403, 404, 422, 429), s.ProblemOut)
WRITE_ERRORS = dict.fromkeys((400, 401, 403, 404, 412, 422, 428, 429), s.ProblemOut)

router = Router()


def _ok(model: Any) -> dict[int, Any]:
    return {200: model, **READ_ERRORS}


# Who am I ------------------------------------------------------------------------------------------


@router.get("/me", response=_ok(s.MeOut), tags=["Token"], summary="The token and the user it acts as")
def me(request: HttpRequest) -> dict[str, Any]:
    token = token_of(request)
    user = token.user
    return {
        "token": token.name,
        "scope": token.scope,
        "expires_at": token.expires_at,
        "rate_per_minute": token.rate_per_minute,
        "user": user.email,
        "organisation": user.organisation.name,
        "permissions": sorted(str(p.value) for p in user.permissions),
    }


# Young people ---------------------------------------------------------------------------------------

PEOPLE_PERMS = (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)


def _status(person: YoungPerson, day: datetime.date) -> dict[str, Any]:
    category = people_selectors.category_of(person, day)
    eet = people_selectors.eet_spell_on(person, day)
    accommodation = people_selectors.accommodation_on(person, day)
    contact = people_selectors.contact_on(person, day)
    from onward.people.categories import CATEGORY_LABELS

    return {
        "as_at": day,
        "category": str(category),
        "category_label": str(CATEGORY_LABELS[category]),
        "eet_activity": eet.activity if eet else None,
        "accommodation_type": accommodation.accommodation_type if accommodation else None,
        "in_touch": contact.in_touch if contact else None,
    }


def _summary(person: YoungPerson, day: datetime.date) -> dict[str, Any]:
    return {
        "id": person.pk,
        "child_id": person.child_id,
        "given_name": person.legal_given_name,
        "family_name": person.legal_family_name,
        "preferred_name": person.preferred_name,
        "date_of_birth": person.date_of_birth,
        "status": _status(person, day),
    }


def history_version(model: type[Any], person_id: int) -> int:
    """The version of one of a young person's histories: how many records it holds, corrected ones
    too. Every record and every correction adds one; nothing is ever deleted."""
    return int(model.objects.filter(person_id=person_id).count())


HISTORIES: dict[str, type[Any]] = {"eet": EETSpell, "accommodation": AccommodationSpell, "contacts": Contact}


def _eet(spell: EETSpell) -> dict[str, Any]:
    return {
        "id": spell.pk,
        "activity": spell.activity,
        "activity_label": spell.get_activity_display(),
        "part_time": spell.part_time,
        "provider": spell.provider,
        "hours_per_week": spell.hours_per_week,
        "start": spell.start,
        "end": spell.end,
        "source": spell.source,
    }


@router.get("/people", response=_ok(s.PeoplePage), tags=["Young people"], summary="Young people you may see")
def people_list(
    request: HttpRequest, as_at: s.IsoDate | None = None, cursor: str | None = None, limit: Limit = 50
) -> dict[str, Any]:
    user = require(request, user_of(request).can_any(PEOPLE_PERMS))
    day = check_day(as_at)
    rows, next_cursor = page(people_access.people_visible_to(user), cursor, limit)
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="people.YoungPerson",
        summary=f"Young people through the API (as at {day:%d/%m/%Y}), {len(rows)} records",
    )
    return {"items": [_summary(person, day) for person in rows], "next_cursor": next_cursor}


def _person_out(person: YoungPerson, day: datetime.date) -> dict[str, Any]:
    eet = EETSpell.objects.filter(person=person, superseded_at__isnull=True, start__lte=day).order_by("start", "id")
    accommodation = AccommodationSpell.objects.filter(
        person=person, superseded_at__isnull=True, start__lte=day
    ).order_by("start", "id")
    contacts = Contact.objects.filter(person=person, superseded_at__isnull=True, date__lte=day).order_by("date", "id")
    return {
        **_summary(person, day),
        "versions": {name: history_version(model, person.pk) for name, model in HISTORIES.items()},
        "eet_history": [_eet(spell) for spell in eet],
        "accommodation_history": [
            {
                "id": a.pk,
                "accommodation_type": a.accommodation_type,
                "accommodation_label": a.get_accommodation_type_display(),
                "suitability": a.suitability,
                "start": a.start,
                "end": a.end,
            }
            for a in accommodation
        ],
        "contacts": [
            {"id": c.pk, "date": c.date, "method": c.method, "in_touch": c.in_touch, "note": c.note} for c in contacts
        ],
    }


@router.get(
    "/people/{person_id}",
    response=_ok(s.PersonOut),
    tags=["Young people"],
    summary="A young person with their histories as at a date",
)
def person_detail(request: HttpRequest, person_id: Id, as_at: s.IsoDate | None = None) -> dict[str, Any]:
    user = require(request, user_of(request).can_any(PEOPLE_PERMS))
    day = check_day(as_at)
    person = people_access.access_person(user, person_id)
    audit_view(
        actor=user, council=person.council, obj=person, summary=f"Record read through the API (as at {day:%d/%m/%Y})"
    )
    return _person_out(person, day)


def _write_history(
    request: HttpRequest, person_id: int, history: str, write: Any, version_header: str | None
) -> tuple[int, dict[str, Any]]:
    """Lock the young person, check the caller's version of the history, write through the service."""
    user = require(request, people_access.can_change_person(user_of(request)), write=True)
    person = people_access.access_person(user, person_id)
    version = if_match(request)
    model = HISTORIES[history]
    with transaction.atomic():
        YoungPerson.objects.select_for_update().get(pk=person.pk)
        current = history_version(model, person.pk)
        if current != version:
            raise Problem(
                412,
                f"Someone else changed this history while you were working on it: it is at version {current}. "
                "Read it again and make your change again",
                title="The record has changed",
            )
        record = write(user, person)
        new_version = history_version(model, person.pk)
    return 201, {"id": record.pk, "version": new_version}


def _created(result: tuple[int, dict[str, Any]]) -> HttpResponse:
    status, body = result
    import json

    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["ETag"] = etag(body["version"])
    return response


CREATED_ERRORS = {201: s.RecordOut, **WRITE_ERRORS}


def _record(model: type[Any], person: YoungPerson, record_id: int) -> Any:
    from django.http import Http404

    found = model.objects.filter(person=person, pk=record_id).first()
    if found is None:
        raise Http404
    return found


@router.post("/people/{person_id}/eet", response=CREATED_ERRORS, tags=["Young people"], summary="Record EET activity")
def eet_create(request: HttpRequest, person_id: Id, body: s.EETIn, if_match_header: IfMatch = None) -> HttpResponse:
    data = body.dict()
    return _created(
        _write_history(
            request,
            person_id,
            "eet",
            lambda user, person: people_services.eet_record(acting_user=user, person=person, **data),
            if_match_header,
        )
    )


@router.post(
    "/people/{person_id}/eet/{record_id}/corrections",
    response=CREATED_ERRORS,
    tags=["Young people"],
    summary="Correct an EET record",
)
def eet_correct(
    request: HttpRequest, person_id: Id, record_id: Id, body: s.EETCorrectionIn, if_match_header: IfMatch = None
) -> HttpResponse:
    data = body.dict()
    reason = data.pop("reason")

    def write(user: Any, person: YoungPerson) -> Any:
        spell = _record(EETSpell, person, record_id)
        return people_services.eet_correct(acting_user=user, spell=spell, reason=reason, **data)

    return _created(_write_history(request, person_id, "eet", write, if_match_header))


@router.post(
    "/people/{person_id}/accommodation",
    response=CREATED_ERRORS,
    tags=["Young people"],
    summary="Record accommodation",
)
def accommodation_create(
    request: HttpRequest, person_id: Id, body: s.AccommodationIn, if_match_header: IfMatch = None
) -> HttpResponse:
    data = body.dict()
    return _created(
        _write_history(
            request,
            person_id,
            "accommodation",
            lambda user, person: people_services.accommodation_record(acting_user=user, person=person, **data),
            if_match_header,
        )
    )


@router.post(
    "/people/{person_id}/accommodation/{record_id}/corrections",
    response=CREATED_ERRORS,
    tags=["Young people"],
    summary="Correct an accommodation record",
)
def accommodation_correct(
    request: HttpRequest,
    person_id: Id,
    record_id: Id,
    body: s.AccommodationCorrectionIn,
    if_match_header: IfMatch = None,
) -> HttpResponse:
    data = body.dict()
    reason = data.pop("reason")

    def write(user: Any, person: YoungPerson) -> Any:
        spell = _record(AccommodationSpell, person, record_id)
        return people_services.accommodation_correct(acting_user=user, spell=spell, reason=reason, **data)

    return _created(_write_history(request, person_id, "accommodation", write, if_match_header))


@router.post("/people/{person_id}/contacts", response=CREATED_ERRORS, tags=["Young people"], summary="Record a contact")
def contact_create(
    request: HttpRequest, person_id: Id, body: s.ContactIn, if_match_header: IfMatch = None
) -> HttpResponse:
    data = body.dict()
    return _created(
        _write_history(
            request,
            person_id,
            "contacts",
            lambda user, person: people_services.contact_record(acting_user=user, person=person, **data),
            if_match_header,
        )
    )


# Referrals ------------------------------------------------------------------------------------------


def _referral(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "person_id": referral.person_id,
        "status": referral.status,
        "priority": referral.priority,
        "needs": list(referral.needs),
        "made_at": referral.created_at,
        "triage_due": referral.triage_due,
        "sends": [
            {"id": send.pk, "service": send.service.name, "status": send.status}
            for send in referral.sends.select_related("service").order_by("pk")
        ],
    }


@router.get("/referrals", response=_ok(s.ReferralPage), tags=["Referrals"], summary="Your council's referrals")
def referral_list(request: HttpRequest, cursor: str | None = None, limit: Limit = 50) -> dict[str, Any]:
    user = user_of(request)
    require(
        request,
        access.council_of(user) is not None
        and user.can_any(
            (Perm.TRIAGE_REFERRALS, Perm.CREATE_REFERRALS, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)
        ),
    )
    rows, next_cursor = page(referral_access.referrals_visible_to(user), cursor, limit)
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="referrals.Referral",
        summary=f"Referrals through the API, {len(rows)} records",
    )
    return {"items": [_referral(r) for r in rows], "next_cursor": next_cursor}


def _received(send: Send) -> dict[str, Any]:
    """A send as its receiving organisation sees it: what consent shares, no more (as the page)."""
    referral = send.referral
    person = referral.person
    shared = list(referral.consent.shared_fields)
    return {
        "id": send.pk,
        "version": send.version,
        "status": send.status,
        "service": send.service.name,
        "received_at": send.created_at,
        "first_contact_on": send.first_contact_on,
        "started_on": send.started_on,
        "ended_on": send.ended_on,
        "person_name": person.display_name,
        "shared_fields": shared,
        "contact": {"phone": person.phone, "email": person.email, "address": person.address}
        if "contact" in shared
        else None,
        "needs": {
            "needs": [str(NEED_LABELS.get(n, n)) for n in referral.needs],
            "preferences": referral.preferences,
            "barriers": referral.barriers,
            "availability": referral.availability,
        }
        if "needs" in shared
        else None,
        "support_needs": {"send": person.send, "ehcp": person.ehcp, "is_parent": person.is_parent}
        if "support_needs" in shared
        else None,
    }


@router.get(
    "/referrals/received",
    response=_ok(s.ReceivedPage),
    tags=["Referrals received"],
    summary="Referrals sent to your organisation",
)
def received_list(request: HttpRequest, cursor: str | None = None, limit: Limit = 50) -> dict[str, Any]:
    user = require(request, user_of(request).can(Perm.RECEIVE_REFERRALS))
    rows, next_cursor = page(referral_access.sends_received_by(user), cursor, limit)
    return {"items": [_received(send) for send in rows], "next_cursor": next_cursor}


def _received_detail(request: HttpRequest, send_id: int, *, audit: bool = True) -> tuple[Any, Send]:
    user = require(request, user_of(request).can(Perm.RECEIVE_REFERRALS))
    send = referral_access.access_received_send(user, send_id)
    if audit:
        audit_view(
            actor=user,
            council=send.referral.council,
            obj=send.referral,
            summary=f"Viewed as {user.organisation.name} through the API",
        )
    return user, send


def _received_detail_out(user: Any, send: Send) -> dict[str, Any]:
    shared = "eet_history" in send.referral.consent.shared_fields
    events = send.referral.events.filter(send__service__provider=user.organisation).order_by("at", "id")
    return {
        **_received(send),
        "eet_history": [_eet(spell) for spell in referral_access.eet_history_shared_with(user, send)]
        if shared
        else None,
        "events": [
            {"at": e.at, "from_status": e.from_status, "to_status": e.to_status, "note": e.note} for e in events
        ],
        "allowed_next": sorted(referral_services.TRANSITIONS.get(send.status, set()) - {Send.Status.WITHDRAWN}),
    }


def _versioned(data: dict[str, Any], status: int = 200) -> HttpResponse:
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    response = HttpResponse(json.dumps(data, cls=DjangoJSONEncoder), status=status, content_type="application/json")
    response["ETag"] = etag(data["version"])
    return response


@router.get(
    "/referrals/received/{send_id}",
    response=_ok(s.ReceivedDetailOut),
    tags=["Referrals received"],
    summary="One referral sent to your organisation",
)
def received_detail(request: HttpRequest, send_id: Id) -> HttpResponse:
    user, send = _received_detail(request, send_id)
    return _versioned(_received_detail_out(user, send))


def _move(request: HttpRequest, send_id: int, to_status: str, **fields: Any) -> HttpResponse:
    user, send = _received_detail(request, send_id, audit=False)
    require(request, True, write=True)
    version = if_match(request)
    if to_status not in referral_services.TRANSITIONS.get(send.status, set()) - {Send.Status.WITHDRAWN}:
        if send.version != version:
            raise Problem(412, "Someone else changed this referral: read it again", title="The record has changed")
        raise Problem(
            409,
            f"A referral that is {send.get_status_display().lower()} cannot become {Send.Status(to_status).label.lower()}",
            title="Not allowed from this status",
        )
    updated = referral_services.send_update(acting_user=user, send=send, to_status=to_status, version=version, **fields)
    fresh = referral_access.access_received_send(user, updated.pk)
    return _versioned(_received_detail_out(user, fresh))


MOVE_ERRORS = {200: s.ReceivedDetailOut, 409: s.ProblemOut, **WRITE_ERRORS}


@router.post(
    "/referrals/received/{send_id}/accept",
    response=MOVE_ERRORS,
    tags=["Referrals received"],
    summary="Accept a referral",
)
def received_accept(request: HttpRequest, send_id: Id, if_match_header: IfMatch = None) -> HttpResponse:
    return _move(request, send_id, Send.Status.ACCEPTED)


@router.post(
    "/referrals/received/{send_id}/decline",
    response=MOVE_ERRORS,
    tags=["Referrals received"],
    summary="Decline a referral, with the reason",
)
def received_decline(
    request: HttpRequest, send_id: Id, body: s.DeclineIn, if_match_header: IfMatch = None
) -> HttpResponse:
    return _move(request, send_id, Send.Status.DECLINED, reason=body.reason)


OUTCOMES = (
    Send.Status.IN_CONTACT,
    Send.Status.STARTED,
    Send.Status.COMPLETED,
    Send.Status.LEFT_EARLY,
    Send.Status.MOVED_ON,
)


@router.post(
    "/referrals/received/{send_id}/outcome",
    response=MOVE_ERRORS,
    tags=["Referrals received"],
    summary="Record progress or an outcome: in contact, started, completed, left early or moved on",
)
def received_outcome(
    request: HttpRequest, send_id: Id, body: s.OutcomeIn, if_match_header: IfMatch = None
) -> HttpResponse:
    if body.status not in OUTCOMES:
        raise Problem(
            422,
            "Some of what was sent is not valid",
            errors={"status": ["Choose in_contact, started, completed, left_early or moved_on"]},
        )
    check_day(body.day, "day")
    return _move(request, send_id, body.status, day=body.day, note=body.note)


@router.post(
    "/referrals/received/{send_id}/notes",
    response={201: s.ReceivedDetailOut, **READ_ERRORS},
    tags=["Referrals received"],
    summary="Add a progress note",
)
def received_note(request: HttpRequest, send_id: Id, body: s.NoteIn) -> HttpResponse:
    user, send = _received_detail(request, send_id, audit=False)
    require(request, True, write=True)
    referral_services.send_note(acting_user=user, send=send, note=body.note)
    return _versioned(_received_detail_out(user, referral_access.access_received_send(user, send.pk)), status=201)


# Opportunities and applications --------------------------------------------------------------------------


def _opportunity(o: Opportunity) -> dict[str, Any]:
    return {
        "id": o.pk,
        "title": o.title,
        "kind": o.kind,
        "employer": o.employer.name,
        "location": o.location,
        "starts_on": o.starts_on,
        "closing_on": o.closing_on,
        "places": o.places,
        "min_age": o.min_age,
        "max_age": o.max_age,
        "care_experienced_only": o.care_experienced_only,
        "guaranteed_interview": o.guaranteed_interview,
    }


@router.get(
    "/opportunities", response=_ok(s.OpportunityPage), tags=["Opportunities"], summary="Your council's opportunities"
)
def opportunity_list(request: HttpRequest, cursor: str | None = None, limit: Limit = 50) -> dict[str, Any]:
    user = user_of(request)
    require(request, access.council_of(user) is not None and user.can_any(opportunity_access.EMPLOYMENT_PERMS))
    rows, next_cursor = page(opportunity_access.opportunities_visible_to(user), cursor, limit)
    return {"items": [_opportunity(o) for o in rows], "next_cursor": next_cursor}


@router.get(
    "/opportunities/{opportunity_id}", response=_ok(s.OpportunityOut), tags=["Opportunities"], summary="One opportunity"
)
def opportunity_detail(request: HttpRequest, opportunity_id: Id) -> dict[str, Any]:
    user = user_of(request)
    require(request, access.council_of(user) is not None and user.can_any(opportunity_access.EMPLOYMENT_PERMS))
    return _opportunity(opportunity_access.access_opportunity(user, opportunity_id))


def _application(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk,
        "version": a.version,
        "opportunity_id": a.opportunity_id,
        "opportunity": a.opportunity.title,
        "person_name": a.person.display_name,
        "status": a.status,
        "interview_on": a.interview_on,
        "offer_on": a.offer_on,
        "started_on": a.started_on,
        "ended_on": a.ended_on,
    }


def _applications_for(request: HttpRequest) -> Any:
    """Council staff: the applications they may see; an employer's users: the candidates put forward to it."""
    user = user_of(request)
    if access.council_of(user) is not None:
        require(request, user.can_any((Perm.MANAGE_OPPORTUNITIES, Perm.PUT_FORWARD)))
        return user, opportunity_access.applications_visible_to(user)
    from onward.accounts.models import Organisation

    require(request, user.can(Perm.RECEIVE_REFERRALS) and user.organisation.kind == Organisation.Kind.EMPLOYER)
    return user, opportunity_access.applications_for_employer(user)


@router.get(
    "/applications", response=_ok(s.ApplicationPage), tags=["Opportunities"], summary="Applications you may see"
)
def application_list(request: HttpRequest, cursor: str | None = None, limit: Limit = 50) -> dict[str, Any]:
    user, applications = _applications_for(request)
    rows, next_cursor = page(applications, cursor, limit)
    audit_list(
        actor=user,
        council=access.council_of(user),
        object_type="opportunities.Application",
        summary=f"Applications through the API, {len(rows)} records",
    )
    return {"items": [_application(a) for a in rows], "next_cursor": next_cursor}


@router.get(
    "/applications/{application_id}", response=_ok(s.ApplicationOut), tags=["Opportunities"], summary="One application"
)
def application_detail(request: HttpRequest, application_id: Id) -> dict[str, Any]:
    user, applications = _applications_for(request)
    from django.http import Http404

    application = applications.filter(pk=application_id).first()
    if application is None:
        raise Http404
    audit_view(
        actor=user,
        council=application.opportunity.council,
        obj=application.person,
        summary=f"Viewed their application for {application.opportunity.title} through the API",
    )
    return _application(application)


@router.post(
    "/applications/{application_id}/status",
    response={200: s.ApplicationOut, 409: s.ProblemOut, **WRITE_ERRORS},
    tags=["Opportunities"],
    summary="Move an application on: applied, interview, offer, started, ended, unsuccessful or withdrawn",
)
def application_status(
    request: HttpRequest, application_id: Id, body: s.ApplicationStatusIn, if_match_header: IfMatch = None
) -> HttpResponse:
    from onward.opportunities import services as opportunity_services

    user = user_of(request)
    require(request, access.council_of(user) is not None, write=True)
    application = opportunity_access.access_application(user, application_id)
    version = if_match(request)
    if body.day is not None:
        check_day(body.day, "day")
    if body.status not in opportunity_services.TRANSITIONS.get(application.status, set()):
        if application.version != version:
            raise Problem(412, "Someone else changed this application: read it again", title="The record has changed")
        raise Problem(
            409,
            f"An application that is {application.get_status_display().lower()} cannot become {body.status}",
            title="Not allowed from this status",
        )
    updated = opportunity_services.application_update(
        acting_user=user,
        application=application,
        to_status=body.status,
        version=version,
        day=body.day,
        reason=body.reason,
    )
    return _versioned(_application(opportunity_access.access_application(user, updated.pk)))


# Indicators -------------------------------------------------------------------------------------------


@router.get("/indicators", response=_ok(s.IndicatorList), tags=["Indicators"], summary="Every indicator as at a date")
def indicator_list(request: HttpRequest, as_at: s.IsoDate | None = None) -> dict[str, Any]:
    user = user_of(request)
    council = access.council_of(user)
    require(request, council is not None and user.can(Perm.VIEW_AGGREGATES))
    if council is None:  # pragma: no cover - require() refused it
        raise Problem(403, "Your roles do not allow this")
    day = check_day(as_at)
    if day > timezone.localdate():
        raise Problem(
            422, "Some of what was sent is not valid", errors={"as_at": ["The date must be today or in the past"]}
        )
    items = []
    for source in indicators.registered_indicators():
        reading = indicators.read_indicator(source.code, council=council, as_at=day)
        items.append(
            {
                "code": source.code,
                "name": source.name,
                "unit": source.unit,
                "as_at": day,
                "shown": reading.shown if reading is not None else None,
            }
        )
    return {"items": items}


# Statutory files as background jobs -------------------------------------------------------------------


def _job(job: ExportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "parameter": job.parameter,
        "status": job.status,
        "file_name": job.file_name,
        "failure": job.failure,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def _start_job(request: HttpRequest, kind: str, parameter: str) -> HttpResponse:
    import json

    from django.core.serializers.json import DjangoJSONEncoder
    from django.urls import reverse

    from onward.api.tasks import run_export_job

    user = user_of(request)
    require(request, access.council_of(user) is not None and user.can(Perm.EXPORT_RETURNS), write=True)
    job = services.export_job_create(acting_user=user, kind=kind, parameter=parameter)
    transaction.on_commit(lambda: run_export_job.enqueue(job.pk))
    job.refresh_from_db()
    response = HttpResponse(json.dumps(_job(job), cls=DjangoJSONEncoder), status=202, content_type="application/json")
    response["Location"] = reverse("api-v1:export_detail", kwargs={"job_id": job.pk})
    return response


JOB_STARTED = {202: s.ExportJobOut, **READ_ERRORS}


@router.post(
    "/exports/ssda903",
    response=JOB_STARTED,
    tags=["Statutory files"],
    summary="Make the SSDA903 return in the background",
)
def export_ssda903(request: HttpRequest, body: s.SSDA903JobIn) -> HttpResponse:
    from onward.returns import ssda903

    try:
        ssda903.collection_window(body.year)
    except ssda903.CollectionYearError:
        raise Problem(
            422, "Some of what was sent is not valid", errors={"year": ["Onward cannot make the return for that year"]}
        ) from None
    return _start_job(request, ExportJob.Kind.SSDA903, str(body.year))


@router.post(
    "/exports/nccis",
    response=JOB_STARTED,
    tags=["Statutory files"],
    summary="Make the monthly NCCIS feed in the background",
)
def export_nccis(request: HttpRequest, body: s.NCCISJobIn) -> HttpResponse:
    from onward.participation import rules

    try:
        rules.parse_month(body.month)
    except ValueError as error:
        raise Problem(422, "Some of what was sent is not valid", errors={"month": [str(error)]}) from None
    return _start_job(request, ExportJob.Kind.NCCIS, body.month)


@router.get(
    "/exports/{job_id}", response=_ok(s.ExportJobOut), tags=["Statutory files"], summary="Where a job has got to"
)
def export_detail(request: HttpRequest, job_id: Id) -> dict[str, Any]:
    user = user_of(request)
    require(request, access.council_of(user) is not None and user.can(Perm.EXPORT_RETURNS))
    return _job(api_access.access_export_job(user, job_id))


@router.get(
    "/exports/{job_id}/file",
    response={200: None, 409: s.ProblemOut, **READ_ERRORS},
    tags=["Statutory files"],
    summary="The finished file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file: a ZIP of the SSDA903 CSV files, or the NCCIS CSV file",
                "content": {
                    exports.ZIP_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
                    "text/csv": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def export_file(request: HttpRequest, job_id: Id) -> HttpResponse:
    user = user_of(request)
    require(request, access.council_of(user) is not None and user.can(Perm.EXPORT_RETURNS))
    job = api_access.access_export_job(user, job_id)
    if job.status != ExportJob.Status.DONE:
        raise Problem(409, f"The file is not ready: the job is {job.get_status_display().lower()}", title="Not ready")
    from onward.audit.services import Action, audit_record

    with transaction.atomic():
        audit_record(
            actor=user,
            action=Action.EXPORT,
            council=job.council,
            obj=job,
            summary=f"Downloaded {job.file_name} through the API",
        )
    response = HttpResponse(bytes(job.content), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    return response
