"""Changes made in the young people's own service, and by staff to it. Each audited in its transaction.

What a young person does is recorded in the audit trail with the council's *young people's service*
user (:func:`portal_actor`, an inactive account nobody signs in with) as the actor and the young
person's account named in the summary, because the audit trail and the referral events name a staff
user (ADR 29).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.audit.services import Action, audit_record
from onward.core.concurrency import lock_for_change
from onward.opportunities.models import Opportunity
from onward.people.models import EETSpell, YoungPerson
from onward.portal import data_rights
from onward.portal.models import (
    Goal,
    LocalOffer,
    LocalOfferSection,
    OfferHeading,
    PortalAccount,
    Reminder,
    ReturnerEnquiry,
    SignInCode,
    Statement,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    Theme,
)
from onward.referrals import services as referral_services
from onward.referrals.models import Consent, Referral, Send

logger = logging.getLogger(__name__)

CODE_ATTEMPTS = 5
CODES_PER_QUARTER_HOUR = 5

# Time limits for the adviser, from the day the young person asked.
RECTIFICATION_DAYS = 30  # a calendar month at most (UK GDPR article 12(3)), for "this is wrong"
INTERESTED_WORKING_DAYS = 10
HELP_WORKING_DAYS = 2


def portal_actor(council: Organisation) -> User:
    """The council's young people's service user: named as the actor of what young people do.

    Inactive, with no roles and no usable password, so nobody can sign in as it.
    """
    email = f"young-peoples-service.{council.pk}@onward.invalid"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email,
            given_name="Young people's",
            family_name="service",
            job_title="Actions taken by young people in their own service",
            organisation=council,
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
    return user


def _audit(account: PortalAccount, action: str, summary: str, obj: object | None = None) -> None:
    council = account.person.council
    audit_record(
        actor=portal_actor(council),
        action=action,
        council=council,
        obj=obj or account,  # type: ignore[arg-type]
        summary=f"{summary} (young person's portal account {account.pk})",
    )


def _mail(to: list[str], subject: str, body: str) -> None:
    to = [address for address in to if address]
    if to:
        transaction.on_commit(lambda: send_mail(subject, body, None, to, fail_silently=True))


# Access ---------------------------------------------------------------------------------------


@transaction.atomic
def account_invite(
    *,
    acting_user: User,
    person: YoungPerson,
    email: str,
    consent_given_on: datetime.date,
    consent_method: str,
    sign_in_url: str = "",
) -> PortalAccount:
    """Open (or reopen) the young person's portal access and email them how to sign in."""
    email = email.strip().lower()
    existing = PortalAccount.objects.select_for_update().filter(person=person).first()
    if existing is not None and existing.is_open:
        raise ValidationError({"email": "This young person already has access to their own service"})
    if PortalAccount.objects.filter(email__iexact=email, status__in=["invited", "active"]).exists():
        raise ValidationError({"email": "Another young person's account uses this email address"})
    if consent_given_on > timezone.localdate():
        raise ValidationError({"consent_given_on": "The date they agreed must be today or in the past"})
    account = existing or PortalAccount(person=person)
    account.email = email
    account.status = PortalAccount.Status.INVITED
    account.consent_given_on = consent_given_on
    account.consent_method = consent_method
    account.invited_by = acting_user
    account.invited_at = timezone.now()
    account.ended_at = None
    account.ended_by = None
    account.end_reason = ""
    account.full_clean()
    account.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE if existing is None else Action.CHANGE,
        council=person.council,
        obj=account,
        summary=f"Invited to the young person's own service (consent given {consent_given_on:%d/%m/%Y}, "
        f"{account.get_consent_method_display().lower()})",
    )
    _mail(
        [email],
        "Your own Onward page",
        f"Hello {person.preferred_name or person.legal_given_name},\n\n"
        f"{acting_user.full_name} has set up your own page with {person.council.name}.\n"
        f"Sign in at {sign_in_url or reverse('my:sign-in')} with this email address. We will email you a "
        "code each time: there is no password to remember.\n",
    )
    return account


@transaction.atomic
def account_end(*, acting_user: User, account: PortalAccount, reason: str) -> PortalAccount:
    """End portal access at once: every session the young person has is refused at its next request."""
    account = PortalAccount.objects.select_for_update().select_related("person__council").get(pk=account.pk)
    if not account.is_open:
        raise ValidationError("Access to their own service has already ended")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why access is ending"})
    account.status = PortalAccount.Status.ENDED
    account.ended_at = timezone.now()
    account.ended_by = acting_user
    account.end_reason = reason.strip()
    account.session_epoch += 1
    account.save()
    SignInCode.objects.filter(account=account, used_at__isnull=True).update(used_at=account.ended_at)
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=account.person.council,
        obj=account,
        summary=f"Access to the young person's own service ended: {account.end_reason}",
    )
    return account


def _hash(account: PortalAccount, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{account.pk}:{code}".encode(), hashlib.sha256).hexdigest()


def _open_account(email: str) -> PortalAccount | None:
    return (
        PortalAccount.objects.select_related("person__council")
        .filter(email__iexact=email.strip(), status__in=["invited", "active"])
        .first()
    )


@transaction.atomic
def code_send(*, email: str) -> None:
    """Email a one-time code to the account with this address, if there is one open.

    Says nothing either way (the page shows the same message), so the form does not reveal who has an
    account. At most a few codes a quarter of an hour per account.
    """
    account = _open_account(email)
    if account is None:
        return
    now = timezone.now()
    recent = SignInCode.objects.filter(account=account, created_at__gte=now - datetime.timedelta(minutes=15))
    if recent.count() >= CODES_PER_QUARTER_HOUR:
        return
    SignInCode.objects.filter(account=account, used_at__isnull=True).update(used_at=now)  # one live code
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = settings.ONWARD_PORTAL_CODE_MINUTES
    SignInCode.objects.create(
        account=account, code_hash=_hash(account, code), expires_at=now + datetime.timedelta(minutes=minutes)
    )
    _audit(account, Action.CHANGE, "Sign-in code sent")
    _mail(
        [account.email],
        f"Your sign-in code is {code}",
        f"Your code to sign in to your own Onward page is {code}.\n\nIt works once, for {minutes} minutes. "
        "If you did not ask for it, you can ignore this email.\n",
    )


@transaction.atomic
def code_check(*, email: str, code: str) -> PortalAccount | None:
    """The account signed in by this code, or None (wrong, used, expired or too many tries)."""
    account = _open_account(email)
    if account is None:
        return None
    now = timezone.now()
    live = (
        SignInCode.objects.select_for_update()
        .filter(account=account, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if live is None or live.attempts >= CODE_ATTEMPTS:
        _audit(account, Action.SIGN_IN_FAILED, "Sign-in refused: no live code")
        return None
    live.attempts += 1
    if not hmac.compare_digest(live.code_hash, _hash(account, code.strip())):
        live.save(update_fields=["attempts"])
        _audit(account, Action.SIGN_IN_FAILED, "Sign-in refused: wrong code")
        return None
    live.used_at = now
    live.save(update_fields=["attempts", "used_at"])
    account.status = PortalAccount.Status.ACTIVE
    account.last_signed_in_at = now
    account.save(update_fields=["status", "last_signed_in_at", "updated_at"])
    _audit(account, Action.SIGN_IN, "Signed in to their own service")
    return account


@transaction.atomic
def signed_out(*, account: PortalAccount) -> None:
    _audit(account, Action.SIGN_OUT, "Signed out of their own service")


# Goals and actions ----------------------------------------------------------------------------


@transaction.atomic
def goal_add(
    *,
    person: YoungPerson,
    area: str,
    text: str,
    owner: str,
    owner_name: str = "",
    deadline: datetime.date | None = None,
    goal: Goal | None = None,
    account: PortalAccount | None = None,
    acting_user: User | None = None,
) -> Goal:
    """Add a goal (or an action towards ``goal``), by the young person (``account``) or a member of staff."""
    if (account is None) == (acting_user is None):
        raise ValueError("A goal is added by the young person or by a member of staff")
    if goal is not None and (goal.person_id != person.pk or goal.goal_id is not None):
        raise ValidationError({"goal": "Select one of the goals in this plan"})
    item = Goal(
        person=person,
        goal=goal,
        area=goal.area if goal is not None else area,
        text=text.strip(),
        owner=owner,
        owner_name=owner_name.strip(),
        deadline=deadline,
        added_by_young_person=account is not None,
        added_by=acting_user,
    )
    item.full_clean()
    item.save()
    if account is not None:
        _audit(account, Action.CREATE, f"Added {'an action' if goal else 'a goal'} to their plan", item)
    else:
        audit_record(actor=acting_user, action=Action.CREATE, council=person.council, obj=item)
    return item


@transaction.atomic
def goal_done(*, goal: Goal, account: PortalAccount | None = None, acting_user: User | None = None) -> Goal:
    """Mark a goal or action done, once; who and when are kept."""
    if (account is None) == (acting_user is None):
        raise ValueError("A goal is marked done by the young person or by a member of staff")
    goal = Goal.objects.select_for_update().select_related("person__council").get(pk=goal.pk)
    if goal.done_at is not None:
        raise ValidationError("This is already marked done")
    goal.done_at = timezone.now()
    goal.done_by_young_person = account is not None
    goal.done_by = acting_user
    goal.save()
    if account is not None:
        _audit(account, Action.CHANGE, "Marked done in their plan", goal)
    else:
        audit_record(actor=acting_user, action=Action.CHANGE, council=goal.person.council, obj=goal, summary="Done")
    return goal


# What the young person says -------------------------------------------------------------------


def _statement(account: PortalAccount, *, kind: str, due: datetime.date | None, **fields: object) -> Statement:
    person = account.person
    statement = Statement(council=person.council, person=person, kind=kind, task_due_on=due, **fields)
    statement.full_clean()
    statement.save()
    _audit(account, Action.CREATE, statement.get_kind_display(), statement)
    if due is not None and person.personal_adviser is not None and person.personal_adviser.is_active:
        _mail(
            [person.personal_adviser.email],
            f"{person.display_name}: {statement.get_kind_display().lower()}",
            f"{person.display_name} said something in their own service that needs you by {due:%d %B %Y}.\n"
            f"See their record: {reverse('people:person-detail', kwargs={'pk': person.pk})}\n",
        )
    return statement


@transaction.atomic
def eet_wrong(*, account: PortalAccount, spell: EETSpell | None, text: str) -> Statement:
    """'This is wrong': a task for the adviser, kept as a request to correct the record (rectification)."""
    if not text.strip():
        raise ValidationError({"text": "Enter what is wrong"})
    today = timezone.localdate()
    statement = _statement(
        account,
        kind=Statement.Kind.EET_WRONG,
        due=today + datetime.timedelta(days=RECTIFICATION_DAYS),
        eet_spell=spell,
        text=text.strip(),
    )
    rights = data_rights.registered()
    if rights is not None:
        rights.record_wrong(statement)  # a request to correct the record, in the data protection queue
    return statement


@transaction.atomic
def copy_ask(*, account: PortalAccount) -> data_rights.DataRequest:
    """The young person asks for a copy of everything held about them (a subject access request, logged
    by the data protection app as made through the portal, due in one calendar month)."""
    rights = data_rights.registered()
    if rights is None:
        raise ValidationError("You cannot ask for your records here yet: ask your adviser")
    request = rights.copy_asked(account.person)
    _audit(account, Action.CREATE, "Asked for a copy of their records")
    return request


@transaction.atomic
def interested(*, account: PortalAccount, opportunity: Opportunity, text: str = "") -> Statement:
    """'I'm interested': a task for the adviser to talk it through. Never an application."""
    if statements_open_for(account, Statement.Kind.INTERESTED).filter(opportunity=opportunity).exists():
        raise ValidationError("You have already told your adviser you are interested in this")
    today = timezone.localdate()
    return _statement(
        account,
        kind=Statement.Kind.INTERESTED,
        due=referral_services.working_days_after(today, INTERESTED_WORKING_DAYS),
        opportunity=opportunity,
        text=text.strip(),
    )


def statements_open_for(account: PortalAccount, kind: str) -> QuerySet[Statement]:
    return Statement.objects.filter(person_id=account.person_id, kind=kind, resolved_at__isnull=True)


@transaction.atomic
def check_in(*, account: PortalAccount, mood: str, wants_help: bool, text: str = "") -> Statement:
    """The monthly check-in: Good, OK or Bad; 'I'd like help' makes a task for the adviser with a time limit."""
    if mood not in Statement.Mood.values:
        raise ValidationError({"mood": "Select how things are going"})
    today = timezone.localdate()
    return _statement(
        account,
        kind=Statement.Kind.CHECK_IN,
        due=referral_services.working_days_after(today, HELP_WORKING_DAYS) if wants_help else None,
        mood=mood,
        wants_help=wants_help,
        text=text.strip(),
    )


@transaction.atomic
def service_feedback(
    *, account: PortalAccount, send: Send, rating: int, text: str = "", share: bool = False
) -> Statement:
    """The young person's own feedback on a service they were referred to. With ``share`` the organisation
    providing the service may read their words (``access.service_feedback_received_by``); it sees the rating
    counted either way."""
    if send.referral.person_id != account.person_id:
        raise ValidationError("Select one of your referrals")
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": "Select how good the service was"})
    return _statement(
        account,
        kind=Statement.Kind.SERVICE_FEEDBACK,
        due=None,
        send=send,
        rating=rating,
        text=text.strip(),
        shared_with_service=share and bool(text.strip()),
    )


@transaction.atomic
def statement_resolve(*, acting_user: User, statement: Statement, response: str) -> Statement:
    """Staff record what they did about what the young person said; kept, never deleted."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.resolved_at is not None:
        raise ValidationError("This has already been dealt with")
    if not response.strip():
        raise ValidationError({"response": "Enter what you did"})
    statement.resolved_at = timezone.now()
    statement.resolved_by = acting_user
    statement.response = response.strip()
    statement.save()
    audit_record(
        actor=acting_user, action=Action.CHANGE, council=statement.council, obj=statement, summary="Dealt with"
    )
    return statement


@transaction.atomic
def consent_withdraw(*, account: PortalAccount, referral: Referral, reason: str) -> Consent:
    """The young person withdraws a consent: the referrals service does what it does for staff (sharing stops,
    partners lose sight of the referral), with the young people's service user as the actor."""
    if referral.person_id != account.person_id:
        raise ValidationError("Select one of your referrals")
    consent = referral_services.consent_withdraw(
        acting_user=portal_actor(referral.council),
        referral=referral,
        reason=f"Withdrawn by the young person in their own service: {reason.strip() or 'no reason given'}",
    )
    _audit(account, Action.CHANGE, "Withdrew their consent", consent)
    return consent


# The local offer ------------------------------------------------------------------------------


@transaction.atomic
def offer_draft_start(*, acting_user: User, council: Organisation) -> LocalOffer:
    """A new draft version, starting from the latest version's text (or empty under every heading)."""
    if LocalOffer.objects.select_for_update().filter(council=council, status=LocalOffer.Status.DRAFT).exists():
        raise ValidationError("There is already a draft: change that one")
    latest = LocalOffer.objects.filter(council=council).order_by("-number").first()
    offer = LocalOffer(
        council=council,
        number=(latest.number + 1) if latest else 1,
        introduction=latest.introduction if latest else "",
        created_by=acting_user,
    )
    offer.full_clean()
    offer.save()
    previous = {s.heading: s for s in latest.sections.all()} if latest else {}
    LocalOfferSection.objects.bulk_create(
        LocalOfferSection(
            offer=offer,
            heading=heading,
            text=previous[heading].text if heading in previous else "",
            entitlements=previous[heading].entitlements if heading in previous else "",
            contacts=previous[heading].contacts if heading in previous else "",
        )
        for heading in OfferHeading.values
    )
    audit_record(actor=acting_user, action=Action.CREATE, council=council, obj=offer, summary="Draft started")
    return offer


@transaction.atomic
def offer_draft_save(
    *,
    acting_user: User,
    offer: LocalOffer,
    introduction: str,
    sections: dict[str, dict[str, str]],
    version: int | None,
) -> LocalOffer:
    """Change a draft's text (refused if another editor saved it since ``version``); a published version
    is never changed."""
    offer = lock_for_change(LocalOffer, offer.pk, version, "local offer")
    if offer.status != LocalOffer.Status.DRAFT:
        raise ValidationError("A published version cannot be changed: start a new version")
    offer.introduction = introduction.strip()
    offer.version += 1
    offer.save()
    for section in offer.sections.all():
        values = sections.get(section.heading, {})
        for name in ("text", "entitlements", "contacts"):
            setattr(section, name, str(values.get(name, "")).strip())
        section.save()
    audit_record(actor=acting_user, action=Action.CHANGE, council=offer.council, obj=offer, summary="Draft changed")
    return offer


@transaction.atomic
def offer_publish(*, acting_user: User, offer: LocalOffer) -> LocalOffer:
    """Publish a draft: dated, public at once, and the version in force until the next is published."""
    offer = LocalOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != LocalOffer.Status.DRAFT:
        raise ValidationError("This version is already published")
    if not any(s.text.strip() or s.entitlements.strip() for s in offer.sections.all()):
        raise ValidationError("Write what you offer under at least one heading before publishing")
    offer.status = LocalOffer.Status.PUBLISHED
    offer.version += 1
    offer.published_at = timezone.now()
    offer.published_by = acting_user
    offer.save()
    audit_record(actor=acting_user, action=Action.CHANGE, council=offer.council, obj=offer, summary="Published")
    return offer


@transaction.atomic
def offer_comment(*, account: PortalAccount, offer: LocalOffer, text: str) -> Statement:
    """A young person's comment on the local offer in force (the council's duty to consult)."""
    if offer.council_id != account.person.council_id or offer.status != LocalOffer.Status.PUBLISHED:
        raise ValidationError("Select your council's local offer")
    if not text.strip():
        raise ValidationError({"text": "Enter your comment"})
    return _statement(account, kind=Statement.Kind.OFFER_COMMENT, due=None, local_offer=offer, text=text.strip())


# The well-being survey ------------------------------------------------------------------------


@transaction.atomic
def question_add(*, acting_user: User, council: Organisation, text: str, kind: str) -> SurveyQuestion:
    question = SurveyQuestion(council=council, text=text.strip(), kind=kind, created_by=acting_user)
    question.full_clean()
    question.save()
    audit_record(actor=acting_user, action=Action.CREATE, council=council, obj=question)
    return question


@transaction.atomic
def question_retire(*, acting_user: User, question: SurveyQuestion) -> SurveyQuestion:
    """Take a question out of the bank for new surveys; answers already given keep it."""
    question = SurveyQuestion.objects.select_for_update().get(pk=question.pk)
    if question.retired_at is None:
        question.retired_at = timezone.now()
        question.save()
        audit_record(actor=acting_user, action=Action.CHANGE, council=question.council, obj=question, summary="Retired")
    return question


@transaction.atomic
def survey_schedule(
    *,
    acting_user: User,
    council: Organisation,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    questions: list[SurveyQuestion],
) -> Survey:
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "The closing date must be on or after the opening date"})
    if any(q.council_id != council.pk or q.retired_at is not None for q in questions):
        raise ValidationError({"questions": "Select questions from your question bank"})
    survey = Survey(
        council=council, title=title.strip(), opens_on=opens_on, closes_on=closes_on, created_by=acting_user
    )
    survey.full_clean()
    survey.save()
    survey.questions.set(questions)
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=council,
        obj=survey,
        summary=f"Scheduled {opens_on:%d/%m/%Y} to {closes_on:%d/%m/%Y}",
    )
    return survey


@transaction.atomic
def survey_answer(*, account: PortalAccount, survey: Survey, answers: dict[str, object]) -> SurveyResponse:
    """A young person's answers, once per survey, while it is open."""
    today = timezone.localdate()
    if survey.council_id != account.person.council_id or not survey.opens_on <= today <= survey.closes_on:
        raise ValidationError("This survey is not open")
    if SurveyResponse.objects.filter(survey=survey, person_id=account.person_id).exists():
        raise ValidationError("You have already answered this survey")
    response = SurveyResponse(survey=survey, person=account.person, answers=answers)
    response.full_clean()
    response.save()
    _audit(account, Action.CREATE, "Answered a well-being survey", response)
    return response


# "You said, we did" ---------------------------------------------------------------------------


@transaction.atomic
def theme_save(
    *,
    acting_user: User,
    council: Organisation,
    theme: Theme | None,
    title: str,
    you_said: str,
    we_did: str,
    statements: list[Statement],
    version: int | None = None,
) -> Theme:
    """Create or change a theme and the feedback grouped into it (feedback of the council's own only). A
    change is refused if another editor saved the theme since ``version``."""
    if theme is not None:
        theme = lock_for_change(Theme, theme.pk, version, "theme")
        theme.version += 1
    if any(s.council_id != council.pk for s in statements):
        raise ValidationError({"statements": "Select what your own young people said"})
    creating = theme is None
    theme = theme or Theme(council=council, created_by=acting_user)
    theme.title, theme.you_said, theme.we_did = title.strip(), you_said.strip(), we_did.strip()
    theme.full_clean()
    theme.save()
    Statement.objects.filter(theme=theme).exclude(pk__in=[s.pk for s in statements]).update(theme=None)
    Statement.objects.filter(pk__in=[s.pk for s in statements]).update(theme=theme)
    audit_record(
        actor=acting_user,
        action=Action.CREATE if creating else Action.CHANGE,
        council=council,
        obj=theme,
        summary=f"{len(statements)} pieces of feedback in the theme",
    )
    return theme


@transaction.atomic
def theme_publish(*, acting_user: User, theme: Theme) -> Theme:
    """Publish 'You said, we did' to the council's young people."""
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    if not theme.you_said or not theme.we_did:
        raise ValidationError("Write what young people said and what you did before publishing")
    theme.published_at = timezone.now()
    theme.published_by = acting_user
    theme.version += 1
    theme.save()
    audit_record(actor=acting_user, action=Action.CHANGE, council=theme.council, obj=theme, summary="Published")
    return theme


# Returners aged 21 to 25 ----------------------------------------------------------------------


@transaction.atomic
def ask_for_support_again(
    *,
    council: Organisation,
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date,
    contact: str,
    needs: str,
) -> None:
    """A returner's request for support from the public form. When exactly one of the council's care leavers
    aged 21 to 24 matches the name and date of birth, it becomes a request in the register's own flow
    (``people.services.support_request_record``, with its assessment time limit). Otherwise it is kept as a
    :class:`ReturnerEnquiry` for the council to check who it is: nobody who asks for help is lost because
    their name was spelt differently or their record was never brought into Onward. The caller shows the
    same page either way."""
    from onward.people import services as people_services
    from onward.people.categories import age_on
    from onward.people.models import SupportRequest
    from onward.portal.access import register_matches

    today = timezone.localdate()
    matches = register_matches(council.pk, given_name=given_name, family_name=family_name, date_of_birth=date_of_birth)
    person = matches[0] if len(matches) == 1 else None
    if person is None or not 21 <= age_on(person.date_of_birth, today) < 25:
        reason = (
            ReturnerEnquiry.Reason.SEVERAL
            if len(matches) > 1
            else ReturnerEnquiry.Reason.AGE
            if person is not None
            else ReturnerEnquiry.Reason.NO_MATCH
        )
        enquiry = ReturnerEnquiry.objects.create(
            council=council,
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            date_of_birth=date_of_birth,
            contact=contact.strip(),
            needs=needs.strip(),
            received_on=today,
            reason=reason,
        )
        audit_record(
            actor=None,
            action=Action.CREATE,
            council=council,
            obj=enquiry,
            summary="A request for support again from the public form, to check who it is: "
            + enquiry.get_reason_display().lower(),
        )
        return
    if SupportRequest.objects.filter(
        person=person, superseded_at__isnull=True, outcome=SupportRequest.Outcome.PENDING
    ).exists():
        return  # already waiting for assessment
    people_services.support_request_record(
        acting_user=portal_actor(council),
        person=person,
        date=today,
        needs=f"{needs.strip()}\n\nAsked through the public form. How to contact them: {contact.strip()}",
    )


def _open_enquiry(enquiry: ReturnerEnquiry) -> ReturnerEnquiry:
    found = ReturnerEnquiry.objects.select_for_update().get(pk=enquiry.pk)
    if found.status != ReturnerEnquiry.Status.OPEN:
        raise ValidationError("This request has already been dealt with: it is " + found.get_status_display().lower())
    return found


@transaction.atomic
def returner_enquiry_match(*, acting_user: User, enquiry: ReturnerEnquiry, person: YoungPerson) -> ReturnerEnquiry:
    """Match a request for support again to the young person it came from: it opens a request for support
    in the register, dated when they asked (so the assessment's time limit runs from then). ``person``
    must be one the caller may see (the view fetches it through the access policy)."""
    from onward.people import services as people_services

    enquiry = _open_enquiry(enquiry)
    if person.council_id != enquiry.council_id:
        raise ValidationError({"person": "Choose a young person of this council"})
    people_services.support_request_record(
        acting_user=acting_user,
        person=person,
        date=enquiry.received_on,
        needs=f"{enquiry.needs}\n\nAsked through the public form. How to contact them: {enquiry.contact}",
    )
    enquiry.status = ReturnerEnquiry.Status.MATCHED
    enquiry.person = person
    enquiry.closed_at = timezone.now()
    enquiry.closed_by = acting_user
    enquiry.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=enquiry.council,
        obj=enquiry,
        summary="Request for support again matched to the young person's record",
    )
    return enquiry


@transaction.atomic
def returner_enquiry_close(*, acting_user: User, enquiry: ReturnerEnquiry, note: str) -> ReturnerEnquiry:
    """Close a request for support again that matches no one the council supports, saying what was done
    (for example: not a care leaver of this council, told who to contact instead)."""
    enquiry = _open_enquiry(enquiry)
    if not note.strip():
        raise ValidationError({"note": "Enter what was done"})
    enquiry.status = ReturnerEnquiry.Status.CLOSED
    enquiry.note = note.strip()
    enquiry.closed_at = timezone.now()
    enquiry.closed_by = acting_user
    enquiry.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=enquiry.council,
        obj=enquiry,
        summary="Request for support again closed: " + enquiry.note[:200],
    )
    return enquiry


# Reminders ------------------------------------------------------------------------------------


@dataclass
class RemindersSent:
    check_ins: int = 0
    surveys: int = 0
    failed: int = 0


def _remind(account: PortalAccount, *, kind: str, period: str, survey: Survey | None, subject: str, body: str) -> bool:
    """Email one reminder and record it, in one transaction: if the email cannot be sent nothing is recorded (the
    next run tries again); if it is already recorded (another run got there first) nothing is sent."""
    with transaction.atomic():
        if Reminder.objects.filter(account=account, kind=kind, period=period).exists():
            return False
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    account=account, kind=kind, period=period, survey=survey, sent_at=timezone.now()
                )
        except IntegrityError:
            return False
        _audit(account, Action.CREATE, f"Reminder emailed: {reminder.get_kind_display().lower()}", reminder)
        send_mail(subject, body, None, [account.email])
    return True


def reminders_send(*, day: datetime.date, base_url: str = "", check_in_from_day: int = 1) -> RemindersSent:
    """Email young people with an active account (signed in at least once, not ended) who have not checked in
    this calendar month (from ``check_in_from_day`` of the month), and those who have not answered a survey
    of their council open on ``day``. Once per account a month for the check-in and once per survey, however
    often it runs (``Reminder``)."""
    sent = RemindersSent()
    accounts = PortalAccount.objects.filter(status=PortalAccount.Status.ACTIVE).select_related("person__council")
    root = base_url.rstrip("/")

    def name(account: PortalAccount) -> str:
        return account.person.preferred_name or account.person.legal_given_name

    def attempt(account: PortalAccount, **reminder: object) -> bool | None:
        try:
            return _remind(account, **reminder)  # type: ignore[arg-type]
        except Exception:
            logger.exception("portal reminder not sent", extra={"account": account.pk})
            sent.failed += 1
            return None

    month = f"{day:%Y-%m}"
    if day.day >= check_in_from_day:
        checked_in = Statement.objects.filter(
            kind=Statement.Kind.CHECK_IN, created_at__date__gte=day.replace(day=1), created_at__date__lte=day
        ).values("person_id")
        due = accounts.exclude(person_id__in=checked_in).exclude(
            pk__in=Reminder.objects.filter(kind=Reminder.Kind.CHECK_IN, period=month).values("account_id")
        )
        for account in due.order_by("pk"):
            if attempt(
                account,
                kind=Reminder.Kind.CHECK_IN,
                period=month,
                survey=None,
                subject="How are things going this month?",
                body=f"Hello {name(account)},\n\nYou have not checked in with {account.person.council.name} this "
                f"month. It takes a minute: say how things are going, and ask for help if you would like it.\n\n"
                f"Check in at {root}{reverse('my:check-in')}\n",
            ):
                sent.check_ins += 1
    for survey in Survey.objects.filter(opens_on__lte=day, closes_on__gte=day).order_by("pk"):
        period = f"survey-{survey.pk}"
        due = (
            accounts.filter(person__council_id=survey.council_id)
            .exclude(person_id__in=survey.responses.values("person_id"))
            .exclude(pk__in=Reminder.objects.filter(kind=Reminder.Kind.SURVEY, period=period).values("account_id"))
        )
        for account in due.order_by("pk"):
            if attempt(
                account,
                kind=Reminder.Kind.SURVEY,
                period=period,
                survey=survey,
                subject="Tell us how you are: a short survey",
                body=f"Hello {name(account)},\n\n{account.person.council.name} would like to know how you are. "
                f"The survey is open until {survey.closes_on:%-d %B %Y}.\n\n"
                f"Answer it at {root}{reverse('my:survey')}\n",
            ):
                sent.surveys += 1
    return sent


def closure_letter_audit(*, account: PortalAccount, closure: object) -> None:
    """Record, before the letter is made, that the young person downloaded their case closure letter from
    their own page (an export of their data, as when staff make it)."""
    _audit(account, Action.EXPORT, "Case closure letter downloaded by the young person", obj=closure)
