"""Changes to referrals: create with consent, triage, send, progress, outcome, withdraw consent.

Every change writes an Event (the referral's own history) and an audit entry in one transaction;
nobody outside the council sees a referral unless its consent covers their organisation.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from onward.accounts import access
from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record
from onward.core import codelists, imports
from onward.core.concurrency import lock_for_change
from onward.people import services as people_services
from onward.people.models import YoungPerson
from onward.referrals.consent import consent_covers
from onward.referrals.models import (
    NEEDS,
    SHARED_FIELDS,
    Consent,
    Event,
    Feedback,
    PartnerListReturn,
    Referral,
    Send,
    Service,
)

Action = AuditEvent.Action

# The states a send may move to from each state.
TRANSITIONS: dict[str, set[str]] = {
    Send.Status.SENT: {Send.Status.ACCEPTED, Send.Status.DECLINED, Send.Status.WITHDRAWN},
    Send.Status.ACCEPTED: {Send.Status.IN_CONTACT, Send.Status.STARTED, Send.Status.LEFT_EARLY, Send.Status.WITHDRAWN},
    Send.Status.IN_CONTACT: {Send.Status.STARTED, Send.Status.LEFT_EARLY, Send.Status.WITHDRAWN},
    Send.Status.STARTED: {Send.Status.COMPLETED, Send.Status.LEFT_EARLY, Send.Status.MOVED_ON},
}
ACTIVE = {Send.Status.SENT, Send.Status.ACCEPTED, Send.Status.IN_CONTACT, Send.Status.STARTED}

# What a start with each kind of service means in the young person's EET history (None: support, not EET).
KIND_ACTIVITY: dict[str, str | None] = {
    Service.Kind.COLLEGE_COURSE: codelists.EETActivity.FURTHER_EDUCATION,
    Service.Kind.APPRENTICESHIP: codelists.EETActivity.APPRENTICESHIP,
    Service.Kind.TRAINEESHIP: codelists.EETActivity.TRAINEESHIP,
    Service.Kind.EMPLOYABILITY: codelists.EETActivity.RE_ENGAGEMENT,
    Service.Kind.RE_ENGAGEMENT: codelists.EETActivity.RE_ENGAGEMENT,
    Service.Kind.HE_ACCESS: codelists.EETActivity.FURTHER_EDUCATION,
    Service.Kind.VOLUNTEERING: codelists.EETActivity.VOLUNTEERING,
}


def working_days_after(day: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days (Monday to Friday) after ``day``."""
    current = day
    while days > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def _event(
    referral: Referral, actor: User, to_status: str, *, send: Send | None = None, from_status: str = "", note: str = ""
) -> None:
    Event.objects.create(
        referral=referral, send=send, actor=actor, from_status=from_status, to_status=to_status, note=note
    )


def _notify(users: Any, subject: str, body: str) -> None:
    emails = sorted({u.email for u in users if u.is_active and u.email})
    if emails:
        transaction.on_commit(lambda: send_mail(subject, body, None, emails, fail_silently=True))


def _council_users_with(council: Organisation, role: str) -> Any:
    return User.objects.filter(organisation=council, groups__name=role, is_active=True)


@transaction.atomic
def referral_create(
    *,
    acting_user: User,
    person: YoungPerson,
    needs: list[str],
    preferences: str,
    barriers: str,
    availability: str,
    priority: str,
    consent: dict[str, Any],
) -> Referral:
    """Record the common referral and the young person's consent; it joins the triage queue."""
    valid_needs = {key for key, _ in NEEDS}
    if not needs or set(needs) - valid_needs:
        raise ValidationError({"needs": "Select at least one need"})
    organisations = list(consent.get("organisations") or [])
    if not organisations:
        raise ValidationError(
            {"organisations": "Select the organisations the young person agreed may receive the referral"}
        )
    from onward.accounts.access import partner_ids as live_partner_ids

    partner_ids = set(live_partner_ids(person.council))
    if any(o.pk not in partner_ids for o in organisations):
        raise ValidationError({"organisations": "Select organisations that work with the council"})
    if set(consent.get("shared_fields") or []) - {k for k, _ in SHARED_FIELDS}:
        raise ValidationError({"shared_fields": "Select what may be shared from the list"})
    today = timezone.localdate()
    if consent["given_on"] > today:
        raise ValidationError({"given_on": "The date consent was given must be today or in the past"})
    if consent["expires_on"] <= today:
        raise ValidationError({"expires_on": "The date consent lasts until must be in the future"})
    referral = Referral(
        council=person.council,
        person=person,
        made_by=acting_user,
        needs=sorted(needs),
        preferences=preferences,
        barriers=barriers,
        availability=availability,
        priority=priority,
        triage_due=working_days_after(today, settings.ONWARD_TRIAGE_WORKING_DAYS),
    )
    referral.full_clean()
    referral.save()
    record = Consent(
        referral=referral,
        given_by=consent["given_by"],
        given_on=consent["given_on"],
        method=consent["method"],
        shared_fields=sorted(consent.get("shared_fields") or []),
        purpose=consent["purpose"],
        expires_on=consent["expires_on"],
        recorded_by=acting_user,
    )
    record.full_clean()
    record.save()
    record.organisations.set(organisations)
    _event(referral, acting_user, referral.status, note="Referral made with consent")
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=referral.council,
        obj=referral,
        summary=f"Referral made for {person.child_id} with consent to {len(organisations)} organisations",
    )
    _notify(
        _council_users_with(referral.council, "triage_coordinator"),
        "A new referral is waiting for triage",
        f"A referral for {person.child_id} is waiting for triage in Onward. It is due by {referral.triage_due:%-d %B %Y}.",
    )
    return referral


@transaction.atomic
def referral_triage(
    *,
    acting_user: User,
    referral: Referral,
    decision: str,
    services: list[Service] | None = None,
    note: str = "",
    priority: str | None = None,
    override_reason: str = "",
    version: int,
) -> Referral:
    """Decide (from the ``version`` the triager saw): refer to one or more services, ask for more information, or decline with a reason."""
    locked = lock_for_change(Referral, referral.pk, version, "referral")
    by_partner = acting_user.organisation_id != locked.council_id
    if by_partner and not access.triage_councils_for(acting_user).filter(pk=locked.council_id).exists():
        # Checked again under the lock: the council may have just taken the power away.
        raise ValidationError(f"{acting_user.organisation.name} may not triage {locked.council.name}'s referrals")
    if locked.status not in (Referral.Status.AWAITING_TRIAGE, Referral.Status.MORE_INFO):
        raise ValidationError("This referral has already been triaged")
    before = locked.status
    if decision == "refer":
        chosen = list(services or [])
        if not chosen:
            raise ValidationError({"services": "Select at least one service"})
        network = {locked.council_id, *access.partner_ids(locked.council)}
        for service in chosen:
            if service.provider_id not in network:
                raise ValidationError({"services": f"{service.name} is not in {locked.council.name}'s directory"})
            _check_can_send(acting_user, locked, service, override_reason)
        locked.status = Referral.Status.REFERRED
        for service in chosen:
            _send(acting_user, locked, service, override_reason=override_reason)
    elif decision == "more_info":
        if not note.strip():
            raise ValidationError({"note": "Enter what more information is needed"})
        locked.status = Referral.Status.MORE_INFO
        _notify(
            [locked.made_by],
            "A referral needs more information",
            f"Triage needs more information about the referral for {locked.person.child_id}: {note}",
        )
    elif decision == "decline":
        if not note.strip():
            raise ValidationError({"note": "Enter the reason for declining the referral"})
        locked.status = Referral.Status.DECLINED
        _notify(
            [locked.made_by],
            "A referral was declined",
            f"Triage declined the referral for {locked.person.child_id}: {note}",
        )
    else:
        raise ValidationError({"decision": "Select a decision"})
    if priority:
        locked.priority = priority
    locked.triaged_by = acting_user
    locked.triage_note = note.strip()
    locked.version += 1
    locked.save()
    _event(locked, acting_user, locked.status, from_status=before, note=note.strip())
    # A partner's triage touches two organisations: the event goes in both trails (ADR 14).
    for organisation in (locked.council, acting_user.organisation) if by_partner else (locked.council,):
        audit_record(
            actor=acting_user,
            action=Action.CHANGE,
            council=organisation,
            obj=locked,
            changes={"status": [before, locked.status]},
            summary=f"Triaged by {acting_user.organisation.name}" if by_partner else "Triaged",
        )
    return locked


def _check_can_send(acting_user: User, referral: Referral, service: Service, override_reason: str) -> None:
    consent = getattr(referral, "consent", None)
    if consent_covers(consent, service.provider):
        return
    if not acting_user.can(Perm.OVERRIDE_CONSENT):
        raise ValidationError(
            {"services": f"The young person has not agreed that {service.provider} may receive the referral"}
        )
    if not override_reason.strip():
        raise ValidationError(
            {"override_reason": f"Enter why the referral goes to {service.provider} without the young person's consent"}
        )


def _send(
    acting_user: User, referral: Referral, service: Service, *, override_reason: str = "", previous: Send | None = None
) -> Send:
    covered = consent_covers(getattr(referral, "consent", None), service.provider)
    send = Send.objects.create(
        referral=referral,
        service=service,
        previous=previous,
        sent_by=acting_user,
        consent_override_reason="" if covered else override_reason.strip(),
    )
    if not covered:
        audit_record(
            actor=acting_user,
            action=Action.CHANGE,
            council=referral.council,
            obj=send,
            summary=f"Sent without covering consent: {override_reason.strip()}",
        )
    _event(referral, acting_user, send.status, send=send, note=f"Sent to {service.name}")
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=referral.council,
        obj=send,
        summary=f"Referral sent to {service.name}",
    )
    _notify(
        User.objects.filter(organisation=service.provider, groups__name="partner_provider"),
        "A referral has been sent to you",
        f"A referral has been sent to {service.name} in Onward.",
    )
    return send


@transaction.atomic
def send_onward(
    *,
    acting_user: User,
    send: Send,
    service: Service,
    version: int,
    end_current: bool,
    override_reason: str = "",
) -> Send:
    """Refer the young person on to another service (from the ``version`` of the send the partner saw); the chain is kept.

    ``end_current`` says whether they have moved on from the current service (it is then ended
    today) or are still on it (it carries on: a course they go on with while they start something
    else). A service whose provider the consent does not cover is refused on the ``service`` field.
    """
    locked = lock_for_change(Send, send.pk, version, "referral")
    if service.pk == locked.service_id:
        raise ValidationError({"service": "Select a different service"})
    referral = locked.referral
    if not consent_covers(getattr(referral, "consent", None), service.provider) and not acting_user.can(
        Perm.OVERRIDE_CONSENT
    ):
        raise ValidationError(
            {
                "service": f"{referral.person.display_name} has not agreed that {service.provider} may receive this "
                "referral: choose a service their consent covers, or ask their personal adviser to record their "
                "consent first"
            }
        )
    _check_can_send(acting_user, referral, service, override_reason)
    if end_current and locked.status in ACTIVE:
        before = locked.status
        locked.status = Send.Status.MOVED_ON
        locked.ended_on = locked.ended_on or timezone.localdate()
        locked.version += 1
        locked.save()
        _event(
            referral,
            acting_user,
            locked.status,
            send=locked,
            from_status=before,
            note=f"Referred on to {service.name}",
        )
    elif locked.status in ACTIVE:
        _event(
            referral,
            acting_user,
            locked.status,
            send=locked,
            from_status=locked.status,
            note=f"Referred on to {service.name}; still on {locked.service.name}",
        )
    return _send(acting_user, referral, service, override_reason=override_reason, previous=locked)


@transaction.atomic
def send_update(
    *,
    acting_user: User,
    send: Send,
    to_status: str,
    version: int,
    day: datetime.date | None = None,
    reason: str = "",
    note: str = "",
) -> Send:
    """Move a send on through its lifecycle (from the ``version`` the partner saw); anything else is refused with a reason."""
    locked = lock_for_change(Send, send.pk, version, "referral")
    if to_status not in TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            {
                "to_status": f"A referral that is {locked.get_status_display().lower()} cannot become {Send.Status(to_status).label.lower()}"
            }
        )
    today = timezone.localdate()
    if day is not None and day > today:
        raise ValidationError({"day": "The date must be today or in the past"})
    if to_status == Send.Status.DECLINED and not reason.strip():
        raise ValidationError({"reason": "Enter the reason for declining"})
    if (
        to_status
        in (
            Send.Status.IN_CONTACT,
            Send.Status.STARTED,
            Send.Status.COMPLETED,
            Send.Status.LEFT_EARLY,
            Send.Status.MOVED_ON,
        )
        and day is None
    ):
        raise ValidationError({"day": "Enter the date"})
    before = locked.status
    locked.status = to_status
    if to_status == Send.Status.DECLINED:
        locked.decline_reason = reason.strip()
    if to_status == Send.Status.IN_CONTACT:
        locked.first_contact_on = day
    if to_status == Send.Status.STARTED:
        if locked.first_contact_on and day and day < locked.first_contact_on:
            raise ValidationError({"day": "The start must be on or after the first contact"})
        locked.started_on = day
        locked.first_contact_on = locked.first_contact_on or day
    if to_status in (Send.Status.COMPLETED, Send.Status.LEFT_EARLY, Send.Status.MOVED_ON):
        if locked.started_on and day and day < locked.started_on:
            raise ValidationError({"day": "The end must be on or after the start"})
        locked.ended_on = day
    locked.version += 1
    locked.save()
    _event(locked.referral, acting_user, to_status, send=locked, from_status=before, note=(reason or note).strip())
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.referral.council,
        obj=locked,
        changes={"status": [before, to_status]},
    )
    if (
        to_status == Send.Status.STARTED
        and settings.ONWARD_REFERRAL_STARTS_DIRECT
        and KIND_ACTIVITY.get(locked.service.kind)
    ):
        start_confirm(acting_user=acting_user, send=locked, activity=str(KIND_ACTIVITY[locked.service.kind]))
    if to_status in (Send.Status.STARTED, Send.Status.COMPLETED, Send.Status.LEFT_EARLY, Send.Status.DECLINED):
        _notify(
            [locked.referral.made_by],
            "An outcome was recorded on a referral",
            f"{locked.service.name}: {locked.get_status_display()} for {locked.referral.person.child_id}.",
        )
    return locked


@transaction.atomic
def start_confirm(*, acting_user: User, send: Send, activity: str) -> Send:
    """A recorded start becomes an EET spell in the young person's history."""
    locked = Send.objects.select_for_update().select_related("referral__person", "service__provider").get(pk=send.pk)
    if locked.start_confirmed:
        raise ValidationError("This start is already in the young person's history")
    if locked.started_on is None:
        raise ValidationError("The provider has not recorded a start")
    people_services.eet_record(
        acting_user=acting_user,
        person=locked.referral.person,
        activity=activity,
        start=locked.started_on,
        provider=locked.service.provider.name,
        source=codelists.ActivitySource.PARTNER,
    )
    locked.start_confirmed = True
    locked.save(update_fields=["start_confirmed", "updated_at"])
    _event(
        locked.referral,
        acting_user,
        locked.status,
        send=locked,
        from_status=locked.status,
        note="Start added to the EET history",
    )
    return locked


@transaction.atomic
def consent_withdraw(*, acting_user: User, referral: Referral, reason: str) -> Consent:
    """Withdrawal stops further sharing at once: partners lose sight of the referral."""
    consent = Consent.objects.select_for_update().get(referral=referral)
    if consent.withdrawn_at is not None:
        raise ValidationError("Consent has already been withdrawn")
    if not reason.strip():
        raise ValidationError({"reason": "Enter how the young person withdrew consent"})
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = acting_user
    consent.withdrawal_reason = reason.strip()
    consent.save()
    for send in referral.sends.filter(status__in=ACTIVE):
        before = send.status
        send.status = Send.Status.WITHDRAWN
        send.version += 1
        send.save()
        _event(referral, acting_user, send.status, send=send, from_status=before, note="Consent withdrawn")
    _event(referral, acting_user, referral.status, note=f"Consent withdrawn: {reason.strip()}")
    audit_record(
        actor=acting_user, action=Action.CHANGE, council=referral.council, obj=consent, summary="Consent withdrawn"
    )
    return consent


@transaction.atomic
def service_save(
    *, acting_user: User, service: Service | None, provider: Organisation, version: int | None = None, **fields: Any
) -> Service:
    """Add a directory entry, or change one from the ``version`` the editor opened (refused without it, or if stale)."""
    if service is not None:
        locked = lock_for_change(Service, service.pk, version, "service")
        if locked.provider_id != acting_user.organisation_id:
            raise ValidationError({"provider": "Only the organisation that provides a service can change it"})
        target = locked
        target.version += 1
    else:
        if provider.pk != acting_user.organisation_id:
            raise ValidationError({"provider": "Add services of your own organisation only"})
        target = Service(provider=provider)
    for name, value in fields.items():
        setattr(target, name, value)
    if target.min_age > target.max_age:
        raise ValidationError({"max_age": "The oldest age must be the same as or more than the youngest"})
    if target.active_to and target.active_to < target.active_from:
        raise ValidationError({"active_to": "The end date must be after the start date"})
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE if service is None else Action.CHANGE,
        council=target.provider,
        obj=target,
        summary="Directory entry saved",
    )
    return target


@transaction.atomic
def feedback_record(
    *, acting_user: User, person: YoungPerson, service: Service, rating: int, comment: str, given_on: datetime.date
) -> Feedback:
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": "The date must be today or in the past"})
    if not Send.objects.filter(referral__person=person, service=service).exists():
        raise ValidationError({"service": "Select a service the young person was referred to"})
    feedback = Feedback(
        service=service,
        person=person,
        rating=rating,
        comment=comment.strip(),
        given_on=given_on,
        recorded_by=acting_user,
    )
    feedback.full_clean()
    feedback.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=person.council,
        obj=feedback,
        summary=f"Feedback on {service.name}",
    )
    return feedback


def _normalise(name: str) -> str:
    return " ".join(name.lower().split())


_LIST_COLUMNS = ("name", "date of birth", "status")


def _list_reader(content: str) -> tuple[Any, dict[str, str]]:
    import csv
    import io

    reader = csv.DictReader(io.StringIO(content))
    columns = {c.strip().lower(): c for c in reader.fieldnames or []}
    return reader, columns


def _list_sends(acting_user: User, council: Organisation | None) -> Any:
    from onward.referrals import access as referral_access

    sends = referral_access.sends_received_by(acting_user).select_related("referral__person", "referral__council")
    if council is not None:
        sends = sends.filter(referral__council=council)
    return sends


def _list_match(acting_user: User, council: Organisation, content: str) -> tuple[list[Any], list[Any]]:
    """Each row of the list matched against the young people sent to the partner by ``council``."""
    reader, columns = _list_reader(content)
    sends = _list_sends(acting_user, council)
    people = {(_normalise(s.referral.person.legal_name), s.referral.person.date_of_birth): s for s in sends}
    people.update({(_normalise(s.referral.person.display_name), s.referral.person.date_of_birth): s for s in sends})
    matched, unmatched = [], []
    for number, row in enumerate(reader, start=1):
        name_value = (row.get(columns["name"]) or "").strip()
        status = (row.get(columns["status"]) or "").strip().lower()
        try:
            born = datetime.datetime.strptime((row.get(columns["date of birth"]) or "").strip(), "%d/%m/%Y").date()  # noqa: DTZ007
        except ValueError:
            unmatched.append(
                {"row": number, "name": name_value, "reason": "The date of birth is not in the form dd/mm/yyyy"}
            )
            continue
        if status not in ("on roll", "left"):
            unmatched.append({"row": number, "name": name_value, "reason": "The status must be on roll or left"})
            continue
        send = people.get((_normalise(name_value), born))
        if send is None:
            unmatched.append(
                {
                    "row": number,
                    "name": name_value,
                    "reason": "No young person referred to you has this name and date of birth",
                }
            )
        else:
            matched.append(
                {"row": number, "name": name_value, "status": status, "send": send.pk, "referral": send.referral_id}
            )
    return matched, unmatched


class PartnerListKind(imports.ImportKind):
    """Partners' lists in the core import flow: matched (at once, or in the background above the
    threshold) and saved in one step. Rows that do not match are kept for review, not refused."""

    kind = "partner_list"
    model = PartnerListReturn
    noun = "the list"
    commit_when_clean = True
    title = "A partner's list"

    def rows(self, run: Any) -> int:
        return max(len(run.content.splitlines()) - 1, 0)

    def check(self, run: Any) -> imports.Checked:
        matched, unmatched = _list_match(run.created_by, run.council, run.content)
        return imports.Checked(problems=[], summary={"matched": len(matched), "unmatched": len(unmatched)})

    def apply(self, run: Any, acting_user: Any) -> str:
        run.matched, run.unmatched = _list_match(run.created_by, run.council, run.content)
        run.summary = {"matched": len(run.matched), "unmatched": len(run.unmatched)}
        run.content = ""  # matched: the rows that count are kept, the file is not
        return f"{run.organisation.name} sent its list: {len(run.matched)} matched, {len(run.unmatched)} to review"

    def forget(self, run: Any) -> list[str]:
        run.content = ""
        return ["content"]


def partner_list_match(
    *, acting_user: User, name: str, content: bytes, council: Organisation | None = None, background: bool = True
) -> PartnerListReturn:
    """Match a partner's own list (name, date of birth, status) against the young people sent to it.

    Only young people whose consent covers the partner can match; every other row is unmatched,
    for review. Nothing about a young person is changed: the council sees what the latest list says
    of each young person on their referral, and the counts on referral monitoring. A partner
    working with several councils says which council's referrals the list answers (``council``);
    only that council's young people can match, and the result is that council's.

    The file's columns and the council are checked at once (a ``ValidationError`` for the form); the
    rows are matched at once, or in the background above ``ONWARD_BACKGROUND_IMPORT_ROWS`` (the run
    is then returned still busy, and its page shows the progress).
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"upload": "The file must be saved as UTF-8"}) from None
    _, columns = _list_reader(text)
    missing = [c for c in _LIST_COLUMNS if c not in columns]
    if missing:
        raise ValidationError(
            {"upload": f"The file needs the columns name, date of birth and status (missing: {', '.join(missing)})"}
        )
    sends = _list_sends(acting_user, council)
    first = sends.first()
    if first is None:
        if council is not None:
            raise ValidationError({"upload": f"{council.name} has not referred any young people to you yet"})
        raise ValidationError({"upload": "No young people have been referred to your organisation yet"})
    councils = set(sends.values_list("referral__council_id", flat=True).order_by().distinct())
    if council is None and len(councils) > 1:
        raise ValidationError({"council": "Select the council whose referrals this list answers"})
    council = first.referral.council
    with transaction.atomic():
        result = PartnerListReturn.objects.create(
            organisation=acting_user.organisation,
            council=council,
            created_by=acting_user,
            status=imports.Status.QUEUED,
            file_name=name[:200],
            content=text,
        )
        checked: PartnerListReturn = imports.begin(run=result, background=background)
        if checked.busy:
            audit_record(
                actor=acting_user,
                action=Action.CREATE,
                council=council,
                obj=result,
                summary=f"{acting_user.organisation.name} sent its list of {PartnerListKind().rows(result)} rows",
            )
    return checked


@transaction.atomic
def send_note(*, acting_user: User, send: Send, note: str) -> Event:
    """A progress note on a referral, kept in its history without changing its state."""
    if not note.strip():
        raise ValidationError({"note": "Enter the progress note"})
    locked = Send.objects.select_for_update().select_related("referral").get(pk=send.pk)
    event = Event.objects.create(
        referral=locked.referral,
        send=locked,
        actor=acting_user,
        from_status=locked.status,
        to_status=locked.status,
        note=note.strip(),
    )
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.referral.council,
        obj=locked,
        summary="Progress note added",
    )
    return event
