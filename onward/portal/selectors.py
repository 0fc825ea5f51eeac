"""Reads for the young people's own service: their page, in plain English, and what staff see of their voice."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, QuerySet, prefetch_related_objects

from onward.accounts.models import User
from onward.core.compiled import PERSON_PROBES, OncePerProcess
from onward.opportunities.models import Application
from onward.people import selectors as people_selectors
from onward.people.models import EETSpell, YoungPerson
from onward.portal import access
from onward.portal.models import (
    Goal,
    LocalOffer,
    LocalOfferSection,
    OfferHeading,
    PortalAccount,
    Statement,
    Survey,
)
from onward.referrals.models import Consent, Referral, Send, Service
from onward.referrals.registry import EMPTY, RatingSpread


@dataclass
class Stage:
    """Where something is, and what happens next, in plain English."""

    status: str
    stage: str
    next_step: str


def referral_stage(referral: Referral) -> Stage:
    status = referral.get_status_display()
    match referral.status:
        case Referral.Status.AWAITING_TRIAGE:
            return Stage(
                status,
                "Your referral is waiting to be looked at.",
                f"The referrals team will decide which service can help you by {referral.triage_due:%-d %B %Y}.",
            )
        case Referral.Status.MORE_INFO:
            return Stage(status, "The referrals team needs to know a bit more.", "Your adviser will ask you.")
        case Referral.Status.DECLINED:
            return Stage(
                status, "This referral was not taken forward.", "Your adviser will talk to you about other options."
            )
        case Referral.Status.CLOSED:
            return Stage(status, "This referral is closed.", "Nothing else will happen with it.")
        case _:
            return Stage(status, "Your referral has been sent to the services below.", "See each service.")


def send_stage(send: Send) -> Stage:
    service = send.service.name
    status = send.get_status_display()
    steps = {
        Send.Status.SENT: (f"Sent to {service}.", "They will decide whether they can help you."),
        Send.Status.ACCEPTED: (f"{service} said yes.", "They will get in touch to arrange when you start."),
        Send.Status.DECLINED: (
            f"{service} could not help this time.",
            "Your adviser will look at other services with you.",
        ),
        Send.Status.IN_CONTACT: (f"{service} is in touch with you.", "Agree a start date with them."),
        Send.Status.STARTED: (f"You have started with {service}.", "Tell us how it is going."),
        Send.Status.COMPLETED: (f"You finished with {service}.", "Tell us what you thought of it."),
        Send.Status.LEFT_EARLY: (f"You left {service} early.", "Your adviser can help you find something else."),
        Send.Status.MOVED_ON: (f"You moved on from {service}.", "Nothing else will happen with it."),
        Send.Status.WITHDRAWN: (f"The referral to {service} was withdrawn.", "Nothing else will happen with it."),
    }
    stage, next_step = steps.get(send.status, (status, ""))  # type: ignore[call-overload]
    return Stage(status, stage, next_step)


def application_stage(application: Application) -> Stage:
    status = application.get_status_display()
    steps = {
        Application.Status.INTEREST: ("You have been put forward.", "Your adviser will help you apply."),
        Application.Status.APPLIED: ("You have applied.", "The employer will let you know about an interview."),
        Application.Status.INTERVIEW: (
            "You have an interview"
            + (f" on {application.interview_on:%-d %B %Y}." if application.interview_on else "."),
            "Your adviser can help you get ready.",
        ),
        Application.Status.OFFER: ("You have been offered a place.", "Agree your start date."),
        Application.Status.STARTED: ("You have started.", "We will check in with you at 4 weeks, 3 and 6 months."),
        Application.Status.UNSUCCESSFUL: (
            "This time it did not work out.",
            "Your adviser will look at others with you.",
        ),
        Application.Status.WITHDRAWN: ("This application was withdrawn.", "Nothing else will happen with it."),
        Application.Status.ENDED: ("You have left.", "Your adviser can help you with what comes next."),
    }
    stage, next_step = steps.get(application.status, (status, ""))  # type: ignore[call-overload]
    return Stage(status, stage, next_step)


@dataclass
class ReferralRow:
    referral: Referral
    stage: Stage
    sends: list[tuple[Send, Stage]]
    consent: Consent | None
    feedback_given: set[int] = field(default_factory=set)


@dataclass
class MyPage:
    person: YoungPerson
    adviser: User | None
    eet: EETSpell | None
    goals: list[Goal]
    done_goals: list[Goal]
    referrals: list[ReferralRow]
    applications: list[tuple[Application, Stage]]
    statements: list[Statement]
    last_check_in: Statement | None


def my_page(account: PortalAccount, day: datetime.date) -> MyPage:
    """Everything on the young person's own page, in a fixed number of queries."""
    person = account.person
    goals = list(
        access.goals_of(account)
        .filter(goal__isnull=True)
        .prefetch_related(Prefetch("actions", queryset=access.goals_of(account).order_by("done_at", "deadline", "pk")))
    )
    referrals = list(
        access.referrals_of(account)
        .select_related("consent")
        .prefetch_related(Prefetch("sends", queryset=access.sends_of(account).select_related("service").order_by("pk")))
        .order_by("-created_at")
    )
    statements = list(access.statements_of(account).select_related("opportunity", "send__service")[:20])
    feedback_given = {s.send_id for s in access.statements_of(account).filter(kind=Statement.Kind.SERVICE_FEEDBACK)}
    rows = []
    for referral in referrals:
        consent = getattr(referral, "consent", None) if hasattr(referral, "consent") else None
        rows.append(
            ReferralRow(
                referral=referral,
                stage=referral_stage(referral),
                sends=[(send, send_stage(send)) for send in referral.sends.all()],
                consent=consent,
                feedback_given={pk for pk in feedback_given if pk is not None},
            )
        )
    adviser = person.personal_adviser if person.personal_adviser_id else None
    return MyPage(
        person=person,
        adviser=adviser if adviser is not None and adviser.is_active else None,
        eet=people_selectors.eet_spell_on(person, day),
        goals=[g for g in goals if g.done_at is None],
        done_goals=[g for g in goals if g.done_at is not None],
        referrals=rows,
        applications=[(a, application_stage(a)) for a in access.applications_of(account).order_by("-created_at")],
        statements=statements,
        last_check_in=access.statements_of(account).filter(kind=Statement.Kind.CHECK_IN).first(),
    )


def check_in_due(last: Statement | None, day: datetime.date) -> bool:
    """A check-in is asked for once a calendar month."""
    if last is None:
        return True
    made = last.created_at.date()
    return (made.year, made.month) != (day.year, day.month)


# Staff ----------------------------------------------------------------------------------------


@dataclass
class Voice:
    account: PortalAccount | None
    open_tasks: list[Statement]
    statements: list[Statement]
    goals: list[Goal]


# What a young person said in their own service, as :func:`voice_of` reads it: their latest 50
# statements, their account (the first, if ever more than one), their goals.
_VOICE_KINDS: tuple[Callable[[int], QuerySet[Any]], ...] = (
    lambda person: Statement.objects.filter(person_id=person)[:50],
    lambda person: PortalAccount.objects.filter(person_id=person).order_by("pk")[:1],
    lambda person: Goal.objects.filter(person_id=person),
)


# Each of ``_VOICE_KINDS``, compiled once for a kind of database (``core.compiled``).
VOICE_READS = tuple(OncePerProcess(kind, PERSON_PROBES) for kind in _VOICE_KINDS)


def _read(kind: int, person: int) -> list[Any]:
    return VOICE_READS[kind].instances({"person": person})


def voice_of(person: YoungPerson) -> Voice:
    """What the young person said in their own service, for the staff who may see their record.

    Most young people on the record page have said nothing in it yet: each list is read plainly and
    the records it names are fetched after, only when it has rows (a query joining the directory's
    services, say, costs more to build than to run, and would be built for nothing)."""
    statements, accounts, goals = (_read(kind, person.pk) for kind in range(len(_VOICE_KINDS)))
    prefetch_related_objects(statements, "opportunity", "send__service", "resolved_by")
    account = accounts[0] if accounts else None
    if account is not None:
        prefetch_related_objects([account], "invited_by", "ended_by")
    prefetch_related_objects(goals, "goal", "added_by", "done_by")
    return Voice(
        account=account,
        open_tasks=sorted(
            (s for s in statements if s.is_open_task), key=lambda s: (s.task_due_on or datetime.date.max, s.pk)
        ),
        statements=statements,
        goals=goals,
    )


def open_tasks_for(people: QuerySet[YoungPerson]) -> QuerySet[Statement]:
    return Statement.objects.filter(person__in=people, task_due_on__isnull=False, resolved_at__isnull=True)


# The local offer ------------------------------------------------------------------------------

# Which kinds of directory service each heading links to.
HEADING_SERVICES: dict[str, tuple[str, ...]] = {
    "health": ("wellbeing",),
    "relationships": ("mentoring",),
    "education": ("college_course", "he_access", "traineeship", "re_engagement"),
    "employment": ("apprenticeship", "employability", "cv_interview"),
    "participation": ("volunteering",),
    "money": ("money_advice",),
}


@dataclass
class OfferPage:
    offer: LocalOffer
    sections: list[tuple[LocalOfferSection, list[Service]]]
    earlier: list[LocalOffer]


def offer_in_force(council_id: int, number: int | None = None) -> OfferPage | None:
    """The published local offer of a council (the latest, or version ``number``), its headings in the
    statutory order with the directory services under each, and the earlier published versions."""
    published = LocalOffer.objects.filter(council_id=council_id, status=LocalOffer.Status.PUBLISHED)
    offer = (published.filter(number=number) if number is not None else published).order_by("-number").first()
    if offer is None:
        return None
    order = {heading: i for i, heading in enumerate(OfferHeading.values)}
    day = people_selectors.today()
    services = [
        s
        for s in access.directory_of(council_id).order_by("name")
        if s.active_from <= day and (s.active_to is None or s.active_to >= day)
    ]
    sections = sorted(offer.sections.all(), key=lambda s: order.get(s.heading, 99))
    return OfferPage(
        offer=offer,
        sections=[
            (section, [s for s in services if s.kind in HEADING_SERVICES.get(section.heading, ())])
            for section in sections
            if section.text or section.entitlements or section.contacts
        ],
        earlier=list(published.exclude(pk=offer.pk).order_by("-number")),
    )


# The well-being survey ------------------------------------------------------------------------

SMALLEST_GROUP = 5  # fewer answers than this and no average is shown


def open_survey(account: PortalAccount, day: datetime.date) -> Survey | None:
    """The survey open today that the young person has not answered yet."""
    return (
        access.surveys_for(account)
        .filter(opens_on__lte=day, closes_on__gte=day)
        .exclude(responses__person_id=account.person_id)
        .order_by("closes_on", "pk")
        .first()
    )


@dataclass
class QuestionResult:
    text: str
    answers: int
    summary: str


def survey_results(survey: Survey) -> list[QuestionResult]:
    """Each question's number of answers and its average (0 to 10), or the share answering yes; averages
    of fewer than SMALLEST_GROUP answers are not shown. Never anyone's own words or name."""
    from onward.portal.models import ONS4

    responses = [r.answers for r in survey.responses.all()]
    questions = [(key, text, "scale") for key, text in ONS4] + [
        (f"q{q.pk}", q.text, q.kind) for q in survey.questions.all() if q.kind != q.Kind.TEXT
    ]
    results = []
    for key, text, kind in questions:
        values = [r[key] for r in responses if r.get(key) not in (None, "")]
        if len(values) < SMALLEST_GROUP:
            summary = f"Fewer than {SMALLEST_GROUP} answers" if values else "No answers"
        elif kind == "scale":
            summary = f"Average {sum(int(v) for v in values) / len(values):.1f} out of 10"
        else:
            yes = sum(1 for v in values if v == "yes")
            summary = f"{round(100 * yes / len(values))}% said yes"
        results.append(QuestionResult(text, len(values), summary))
    return results


# Feedback counts and "You said, we did" -------------------------------------------------------


@dataclass
class FeedbackRow:
    label: str
    count: int


def feedback_counts(statements: QuerySet[Statement], since: datetime.date) -> list[FeedbackRow]:
    """How many times young people said each kind of thing since ``since``, and check-ins by mood."""
    recent = statements.filter(created_at__date__gte=since)
    by_kind = {row["kind"]: row["n"] for row in recent.values("kind").annotate(n=Count("pk"))}
    by_mood = {
        row["mood"]: row["n"]
        for row in recent.filter(kind=Statement.Kind.CHECK_IN).values("mood").annotate(n=Count("pk"))
    }
    rows = [FeedbackRow(label, by_kind.get(kind, 0)) for kind, label in Statement.Kind.choices]
    rows += [FeedbackRow(f"Check-ins: {label}", by_mood.get(mood, 0)) for mood, label in Statement.Mood.choices]
    rows.append(
        FeedbackRow("Check-ins asking for help", recent.filter(kind=Statement.Kind.CHECK_IN, wants_help=True).count())
    )
    return rows


# Young people's own ratings of services -----------------------------------------------------------


def rating_spreads(feedback: QuerySet[Statement]) -> dict[int, RatingSpread]:
    """How many of ``feedback`` (service feedback) gave each rating, 1 to 5, by the service's id. One query."""
    found: dict[int, list[int]] = {}
    rows = (
        feedback.filter(kind=Statement.Kind.SERVICE_FEEDBACK, send__isnull=False, rating__isnull=False)
        .order_by()
        .values_list("send__service_id", "rating")
        .annotate(n=Count("pk"))
    )
    for service_id, rating, n in rows:
        counts = found.setdefault(service_id, [0, 0, 0, 0, 0])
        counts[rating - 1] += n
    return {pk: RatingSpread((c[0], c[1], c[2], c[3], c[4])) for pk, c in found.items()}


def given_between(
    statements: QuerySet[Statement], start: datetime.date | None, end: datetime.date | None
) -> QuerySet[Statement]:
    """What was said from ``start`` to ``end`` inclusive (local dates; either may be open)."""
    if start is not None:
        statements = statements.filter(created_at__date__gte=start)
    if end is not None:
        statements = statements.filter(created_at__date__lte=end)
    return statements


def service_voice(user: User, start: datetime.date | None, end: datetime.date | None) -> dict[int, RatingSpread]:
    """Referral monitoring's source of young people's own ratings (registered in ``referrals.registry``)."""
    return rating_spreads(given_between(access.service_feedback_counted_for(user), start, end))


@dataclass
class PartnerService:
    """One of a partner's services: the spread of young people's ratings, and the words they shared."""

    service: Service
    spread: RatingSpread
    words: list[Statement]


def feedback_for_partner(user: User) -> list[PartnerService]:
    """What young people said about the user's organisation's services, within the partner's rules
    (``access.service_feedback_received_by``): ratings counted, words only where the young person agreed."""
    received = access.service_feedback_received_by(user)
    spreads = rating_spreads(received)
    words: dict[int, list[Statement]] = {}
    shared = access.words_shared(received).annotate(service_id=F("send__service_id"))
    for statement in shared.order_by("-created_at", "-pk")[:200]:
        words.setdefault(statement.service_id, []).append(statement)
    services = Service.objects.filter(pk__in=set(spreads) | set(words)).select_related("provider").order_by("name")
    return [PartnerService(s, spreads.get(s.pk, EMPTY), words.get(s.pk, [])) for s in services]
