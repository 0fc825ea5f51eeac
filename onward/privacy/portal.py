"""What this app does for the young person's own service (``onward.portal.data_rights``), registered in
``PrivacyConfig.ready()``: "this is wrong" becomes a request to correct the record; "ask for a copy" logs a
subject access request made through the portal; their page shows both kinds of request and the answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from onward.people.models import YoungPerson
from onward.portal.data_rights import DataRequest, DataRights
from onward.portal.models import Statement
from onward.privacy import services
from onward.privacy.models import RectificationRequest, SubjectAccessRequest

# What the young person reads for each status (plain words, not the officer's).
SAR_STATUS = {
    SubjectAccessRequest.Status.OPEN: "We are gathering your records",
    SubjectAccessRequest.Status.IN_REVIEW: "We are checking your records before we send them",
    SubjectAccessRequest.Status.APPROVED: "Ready: we will send your copy",
    SubjectAccessRequest.Status.RELEASED: "Sent to you",
    SubjectAccessRequest.Status.WITHDRAWN: "Withdrawn",
}
CORRECTION_STATUS = {
    RectificationRequest.Status.OPEN: "We are checking it",
    RectificationRequest.Status.CORRECTED: "We corrected your record",
    RectificationRequest.Status.DECLINED: "We did not change your record",
}


def record_wrong(statement: Statement) -> None:
    services.rectification_request_create(
        person=statement.person,
        via=SubjectAccessRequest.Via.PORTAL,
        text=statement.text,
        record=statement.eet_spell,
        statement_id=statement.pk,
    )


def copy_asked(person: YoungPerson) -> DataRequest:
    already = SubjectAccessRequest.objects.filter(
        person=person,
        status__in=(
            SubjectAccessRequest.Status.OPEN,
            SubjectAccessRequest.Status.IN_REVIEW,
            SubjectAccessRequest.Status.APPROVED,
        ),
    ).first()
    if already is not None:
        raise ValidationError(
            f"You asked for a copy on {already.received_on:%-d %B %Y}: we will send it by {already.due_on:%-d %B %Y}"
        )
    request = services.subject_access_request_create(young_person=person, via=SubjectAccessRequest.Via.PORTAL)
    return _sar(request)


def _sar(request: SubjectAccessRequest) -> DataRequest:
    return DataRequest(
        what="A copy of your records",
        made_on=request.received_on,
        due_on=request.due_on,
        status=SAR_STATUS[SubjectAccessRequest.Status(request.status)],
    )


def requests_of(person: YoungPerson) -> list[DataRequest]:
    """The young person's own requests, newest first (their own only: the portal passes its account's person)."""
    found = [_sar(request) for request in SubjectAccessRequest.objects.filter(person=person)]
    found += [
        DataRequest(
            what=f"A correction: {request.text[:80]}{'…' if len(request.text) > 80 else ''}",
            made_on=request.received_on,
            due_on=request.due_on,
            status=CORRECTION_STATUS[RectificationRequest.Status(request.status)],
            outcome="" if request.is_open else request.outcome,
        )
        for request in RectificationRequest.objects.filter(person=person)
    ]
    return sorted(found, key=lambda item: item.made_on, reverse=True)


def correction_page(statement: Statement) -> str | None:
    """The correction request "this is wrong" opened, where staff correct the record or decline."""
    from django.urls import reverse

    request = RectificationRequest.objects.filter(statement_id=statement.pk).only("pk").first()
    return reverse("privacy:correction-detail", args=[request.pk]) if request is not None else None


RIGHTS = DataRights(
    record_wrong=record_wrong, copy_asked=copy_asked, requests_of=requests_of, correction_page=correction_page
)
