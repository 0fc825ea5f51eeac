"""Changes to employers, opportunities and applications. Each writes its history and audit entry."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record, diff, snapshot
from onward.core import codelists
from onward.core.concurrency import lock_for_change
from onward.opportunities.models import (
    Application,
    ApplicationEvent,
    Employer,
    EmployerContact,
    Engagement,
    Opportunity,
    Support,
    SustainmentCheck,
)
from onward.people import categories
from onward.people import services as people_services
from onward.people.models import YoungPerson
from onward.people.selectors import category_of

Action = AuditEvent.Action
S = Application.Status
TRANSITIONS: dict[str, set[str]] = {
    S.INTEREST: {S.APPLIED, S.UNSUCCESSFUL, S.WITHDRAWN},
    S.APPLIED: {S.INTERVIEW, S.OFFER, S.UNSUCCESSFUL, S.WITHDRAWN},
    S.INTERVIEW: {S.OFFER, S.UNSUCCESSFUL, S.WITHDRAWN},
    S.OFFER: {S.STARTED, S.WITHDRAWN},
    S.STARTED: {S.ENDED},
}
# What a start means in the young person's EET history (None: not a change of EET status).
KIND_ACTIVITY: dict[str, str | None] = {
    Opportunity.Kind.APPRENTICESHIP: codelists.EETActivity.APPRENTICESHIP,
    Opportunity.Kind.TRAINEESHIP: codelists.EETActivity.TRAINEESHIP,
    Opportunity.Kind.JOB: codelists.EETActivity.EMPLOYMENT_FULL_TIME,
    Opportunity.Kind.GUARANTEED_INTERVIEW: codelists.EETActivity.EMPLOYMENT_FULL_TIME,
    Opportunity.Kind.RING_FENCED: codelists.EETActivity.EMPLOYMENT_FULL_TIME,
    Opportunity.Kind.SUPPORTED_INTERNSHIP: codelists.EETActivity.SUPPORTED_INTERNSHIP,
    Opportunity.Kind.VOLUNTEERING: codelists.EETActivity.VOLUNTEERING,
    Opportunity.Kind.EMPLOYMENT_PROGRAMME: codelists.EETActivity.RE_ENGAGEMENT,
    Opportunity.Kind.WORK_EXPERIENCE: None,
    Opportunity.Kind.MENTORING: None,
}
CHECK_POINTS = [
    (SustainmentCheck.Point.WEEKS_4, datetime.timedelta(weeks=4)),
    (SustainmentCheck.Point.MONTHS_3, datetime.timedelta(days=91)),
    (SustainmentCheck.Point.MONTHS_6, datetime.timedelta(days=182)),
]


def _not_future(day: datetime.date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: "The date must be today or in the past"})


@transaction.atomic
def employer_save(
    *, acting_user: User, council: Organisation, employer: Employer | None, version: int | None = None, **fields: Any
) -> Employer:
    if employer is not None:
        target = lock_for_change(Employer, employer.pk, version, "employer")
        before = snapshot(target)
        target.version += 1
    else:
        target, before = Employer(council=council), {}
    clash = Employer.objects.filter(council=council, name__iexact=str(fields.get("name", "")).strip())
    if employer is not None:
        clash = clash.exclude(pk=employer.pk)
    if clash.exists():
        raise ValidationError({"name": "An employer with this name is already in the network"})
    for name, value in fields.items():
        setattr(target, name, value.strip() if isinstance(value, str) else value)
    # A champion since the day the status became champion, so plan measures count champions as at a date.
    if target.status != Employer.Status.CHAMPION:
        target.champion_since = None
    elif target.champion_since is None:
        target.champion_since = timezone.localdate()
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if employer else Action.CREATE,
        council=council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


@transaction.atomic
def employer_contact_add(
    *, acting_user: User, employer: Employer, name: str, role: str = "", email: str = "", phone: str = ""
) -> EmployerContact:
    """Add a person to speak to at ``employer``; checked in full and audited."""
    contact = EmployerContact(
        employer=employer, name=name.strip(), role=role.strip(), email=email.strip(), phone=phone.strip()
    )
    contact.full_clean()
    contact.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=employer.council,
        obj=contact,
        summary=f"Added a contact at {employer.name}",
    )
    return contact


@transaction.atomic
def engagement_record(
    *, acting_user: User, employer: Employer, date: datetime.date, kind: str, summary: str
) -> Engagement:
    _not_future(date, "date")
    engagement = Engagement(employer=employer, date=date, kind=kind, summary=summary.strip(), recorded_by=acting_user)
    engagement.full_clean()
    engagement.save()
    if employer.status == Employer.Status.PROSPECT and kind in (Engagement.Kind.PLEDGE, Engagement.Kind.OFFER):
        Employer.objects.filter(pk=employer.pk).update(status=Employer.Status.ENGAGED)
    audit_record(actor=acting_user, action=Action.CREATE, council=employer.council, obj=engagement)
    return engagement


@transaction.atomic
def opportunity_save(
    *,
    acting_user: User,
    council: Organisation,
    opportunity: Opportunity | None,
    version: int | None = None,
    **fields: Any,
) -> Opportunity:
    if opportunity is not None:
        target = lock_for_change(Opportunity, opportunity.pk, version, "opportunity")
        before = snapshot(target)
        target.version += 1
    else:
        target, before = Opportunity(council=council), {}
    for name, value in fields.items():
        setattr(target, name, value)
    if target.employer.council_id != council.pk:
        raise ValidationError({"employer": "Select an employer in the council's network"})
    if target.min_age > target.max_age:
        raise ValidationError({"max_age": "The oldest age must be the same as or more than the youngest"})
    if target.starts_on and target.ends_on and target.ends_on < target.starts_on:
        raise ValidationError({"ends_on": "The end date must be the same as or after the start date"})
    if target.places < 1:
        raise ValidationError({"places": "There must be at least 1 place"})
    target.service_area = target.service_area.strip()
    if target.service_area and not target.employer.is_council:
        raise ValidationError({"service_area": "Leave the service area blank for an employer other than the council"})
    target.full_clean()
    target.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE if opportunity else Action.CREATE,
        council=council,
        obj=target,
        changes=diff(before, snapshot(target)),
    )
    return target


def eligibility_problem(opportunity: Opportunity, person: YoungPerson, day: datetime.date) -> str:
    """Why the young person cannot be put forward, or an empty string."""
    age = categories.age_on(person.date_of_birth, day)
    if not opportunity.min_age <= age <= opportunity.max_age:
        return f"The opportunity is for ages {opportunity.min_age} to {opportunity.max_age}"
    if opportunity.care_experienced_only and category_of(person, day) in (
        categories.Category.NONE,
        categories.Category.DIED,
        categories.Category.TRANSFERRED,
        categories.Category.ADOPTED,
    ):
        return "The opportunity is ring-fenced for care-experienced young people"
    if opportunity.closing_on and opportunity.closing_on < day:
        return "The closing date has passed"
    return ""


@transaction.atomic
def put_forward(
    *,
    acting_user: User,
    opportunity: Opportunity,
    person: YoungPerson,
    consent_given: bool,
    consent_given_on: datetime.date | None,
    consent_method: str,
) -> Application:
    """Put a young person forward for an opportunity; their consent to share with the employer is required."""
    if not consent_given or consent_given_on is None or not consent_method:
        raise ValidationError(
            {"consent_given": "The young person must agree that their details may be shared with the employer"}
        )
    _not_future(consent_given_on, "consent_given_on")
    if person.council_id != opportunity.council_id:
        raise ValidationError("Select a young person of the council")
    problem = eligibility_problem(opportunity, person, timezone.localdate())
    if problem:
        raise ValidationError({"person": problem})
    if Application.objects.filter(opportunity=opportunity, person=person).exists():
        raise ValidationError({"person": "This young person has already been put forward for this opportunity"})
    application = Application.objects.create(
        opportunity=opportunity,
        person=person,
        put_forward_by=acting_user,
        consent_given_on=consent_given_on,
        consent_method=consent_method,
        guaranteed_interview=opportunity.guaranteed_interview,
    )
    ApplicationEvent.objects.create(
        application=application, actor=acting_user, to_status=application.status, note="Put forward with consent"
    )
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=opportunity.council,
        obj=application,
        summary=f"Put forward for {opportunity.title}",
    )
    return application


@transaction.atomic
def application_update(
    *,
    acting_user: User,
    application: Application,
    to_status: str,
    version: int,
    day: datetime.date | None = None,
    reason: str = "",
) -> Application:
    """Move an application along its path (from the ``version`` the editor saw); a start adds the activity to the EET history and schedules sustainment checks."""
    locked = lock_for_change(Application, application.pk, version, "application")
    if to_status not in TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            {
                "to_status": f"An application that is {locked.get_status_display().lower()} cannot become {S(to_status).label.lower()}"
            }
        )
    if to_status in (S.UNSUCCESSFUL, S.WITHDRAWN) and not reason.strip():
        raise ValidationError({"reason": "Enter the reason"})
    if to_status in (S.INTERVIEW, S.OFFER, S.STARTED, S.ENDED) and day is None:
        raise ValidationError({"day": "Enter the date"})
    if to_status != S.INTERVIEW:
        _not_future(day, "day")
    before = locked.status
    locked.status = to_status
    locked.reason = reason.strip() or locked.reason
    if to_status == S.INTERVIEW:
        locked.interview_on = day
    elif to_status == S.OFFER:
        locked.offer_on = day
    elif to_status == S.STARTED:
        assert day is not None  # noqa: S101 - checked above
        locked.started_on = day
        activity = KIND_ACTIVITY.get(locked.opportunity.kind)
        if activity:
            people_services.eet_record(
                acting_user=acting_user,
                person=locked.person,
                activity=activity,
                start=day,
                provider=locked.opportunity.employer.name,
                source=codelists.ActivitySource.WORKER,
            )
        for point, after in CHECK_POINTS:
            SustainmentCheck.objects.create(application=locked, point=point, due_on=day + after)
    elif to_status == S.ENDED:
        if locked.started_on and day and day < locked.started_on:
            raise ValidationError({"day": "The end must be on or after the start"})
        locked.ended_on = day
    locked.version += 1
    locked.save()
    ApplicationEvent.objects.create(
        application=locked, actor=acting_user, from_status=before, to_status=to_status, note=reason.strip()
    )
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.opportunity.council,
        obj=locked,
        changes={"status": [before, to_status]},
    )
    return locked


@transaction.atomic
def check_record(
    *,
    acting_user: User,
    check: SustainmentCheck,
    checked_on: datetime.date,
    still_there: bool,
    version: int,
    note: str = "",
) -> SustainmentCheck:
    """Record a sustainment check (from the ``version`` of the check the editor saw)."""
    check = lock_for_change(SustainmentCheck, check.pk, version, "check")
    _not_future(checked_on, "checked_on")
    started_on = check.application.started_on
    if started_on is None or checked_on < started_on:
        raise ValidationError({"checked_on": "The check must be on or after the start"})
    check.version += 1
    check.checked_on, check.still_there, check.note, check.checked_by = (
        checked_on,
        still_there,
        note.strip(),
        acting_user,
    )
    check.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=check.application.opportunity.council,
        obj=check,
        summary="Sustainment check recorded",
    )
    return check


@transaction.atomic
def support_record(
    *, acting_user: User, application: Application, kind: str, given_on: datetime.date, note: str = ""
) -> Support:
    _not_future(given_on, "given_on")
    support = Support(application=application, kind=kind, given_on=given_on, note=note.strip(), recorded_by=acting_user)
    support.full_clean()
    support.save()
    audit_record(actor=acting_user, action=Action.CREATE, council=application.opportunity.council, obj=support)
    return support


@transaction.atomic
def consent_withdraw(*, acting_user: User, application: Application) -> Application:
    """The young person no longer agrees to share with the employer: the employer loses sight of it."""
    if application.consent_withdrawn_at is not None:
        raise ValidationError("Consent has already been withdrawn")
    application.consent_withdrawn_at = timezone.now()
    application.save(update_fields=["consent_withdrawn_at", "updated_at"])
    ApplicationEvent.objects.create(
        application=application,
        actor=acting_user,
        from_status=application.status,
        to_status=application.status,
        note="Consent to share with the employer withdrawn",
    )
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=application.opportunity.council,
        obj=application,
        summary="Consent withdrawn",
    )
    return application
