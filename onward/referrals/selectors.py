"""Reads for referrals: the directory with its filters, suggested services, the triage queue, partners' lists."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from onward.accounts import access as accounts_access
from onward.accounts.models import Organisation
from onward.core.compiled import Compiled, CompiledList, compile_list
from onward.core.contributions import HomeTask
from onward.people.categories import CARE_LEAVER_CATEGORIES, age_on
from onward.people.selectors import category_of
from onward.referrals.models import NEEDS, Event, Feedback, PartnerListReturn, Referral, Send, Service


def active_on(services: QuerySet[Service], day: datetime.date) -> QuerySet[Service]:
    return services.filter(active_from__lte=day).filter(Q(active_to__isnull=True) | Q(active_to__gte=day))


def directory(services: QuerySet[Service], *, filters: dict[str, Any], day: datetime.date) -> list[Service]:
    """The directory, filtered by words, type, a need met, an age and SEND suitability."""
    result = active_on(services, day)
    for word in str(filters.get("q") or "").split():
        result = result.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(provider__name__icontains=word)
            | Q(area__icontains=word)
        )
    if filters.get("kind"):
        result = result.filter(kind=filters["kind"])
    if filters.get("age") is not None:
        result = result.filter(min_age__lte=filters["age"], max_age__gte=filters["age"])
    if filters.get("send_suitable"):
        result = result.filter(send_suitable=True)
    rows = list(result.order_by("name", "pk"))
    if filters.get("need"):
        rows = [s for s in rows if filters["need"] in (s.needs_met or [])]
    return rows


def suggested_services(services: QuerySet[Service], referral: Referral, day: datetime.date) -> list[Service]:
    """Services the young person is eligible for, those meeting most of their needs first."""
    person = referral.person
    age = age_on(person.date_of_birth, day)
    care_leaver = category_of(person, day) in CARE_LEAVER_CATEGORIES
    eligible = [
        s
        for s in active_on(services, day).filter(min_age__lte=age, max_age__gte=age)
        if (care_leaver or not s.care_leavers_only) and (s.send_suitable or not person.send)
    ]
    wanted = set(referral.needs)
    place = person.out_of_area_location.strip().lower() if person.lives_out_of_area else ""

    def near(service: Service) -> int:
        """Young people living elsewhere are offered services where they live first."""
        return 0 if place and place in service.area.lower() else 1

    return sorted(eligible, key=lambda s: (near(s), -len(wanted & set(s.needs_met or [])), s.name))


PRIORITY_ORDER = Case(
    When(priority=Referral.Priority.URGENT, then=Value(0)),
    When(priority=Referral.Priority.HIGH, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


LISTS: dict[str, Callable[[QuerySet[Referral]], QuerySet[Referral]]] = {
    "referrals": lambda referrals: referrals.order_by("-created_at", "-pk"),
    "triage": lambda referrals: triage_queue(referrals),
}
"""The lists of referrals a user reads a page at a time: every referral they may see, newest first;
the triage queue (:func:`triage_queue`)."""


def listed(referrals: QuerySet[Referral], kind: str) -> CompiledList | QuerySet[Referral]:
    """The ``kind`` of :data:`LISTS` of ``referrals`` (a user's, from the access policy), each row with
    the young person it names and nothing else related, to be read a page at a time: compiled once a
    process (``core.compiled``), with ``referrals`` put in."""
    compiled = _list_sql(connection.vendor, kind)
    if compiled is None or referrals.query.is_empty():
        return _list_of(kind, referrals)
    listing, counting = compiled
    return CompiledList(listing, counting, {}, referrals)


def _list_of(kind: str, referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return LISTS[kind](referrals).select_related(None).select_related("person")


@functools.cache
def _list_sql(vendor: str, kind: str) -> tuple[Compiled, Compiled] | None:
    return compile_list(lambda scope: _list_of(kind, scope), ({}, {}, {}), model=Referral)


def triage_queue(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Referrals waiting for a decision: urgent, then high, then normal priority; within each, the
    longest waiting first."""
    return referrals.filter(status__in=[Referral.Status.AWAITING_TRIAGE, Referral.Status.MORE_INFO]).order_by(
        PRIORITY_ORDER, "created_at", "pk"
    )


# Monitoring ----------------------------------------------------------------------------------------

SUSTAINED_DAYS = 91  # about 3 months


@dataclass
class ServiceFigures:
    service: Service
    referred: int
    accepted: int
    started: int
    sustained_3_months: int
    days_to_first_contact: float | None
    contacted: int
    """How many sends the time to first contact is averaged over."""
    feedback_count: int
    average_rating: float | None


def monitoring(
    services: QuerySet[Service], sends: QuerySet[Send], day: datetime.date, *, feedback: QuerySet[Feedback]
) -> list[ServiceFigures]:
    """For each service: referred, accepted, started, sustained at 3 months, time to first contact, feedback.

    ``sends`` and ``feedback`` come from the access module (``sends_counted_for``, ``feedback_counted_for``):
    a service shared by several councils counts only the asking council's young people."""
    by_service: dict[int, list[Send]] = {}
    for send in sends.select_related("service"):
        by_service.setdefault(send.service_id, []).append(send)
    reached = {
        (e.send_id, e.to_status)
        for e in Event.objects.filter(
            send__in=sends, to_status__in=[Send.Status.ACCEPTED, Send.Status.IN_CONTACT, Send.Status.STARTED]
        )
    }
    ratings: dict[int, list[int]] = {}
    for given in feedback.filter(service__in=services):
        ratings.setdefault(given.service_id, []).append(given.rating)
    figures = []
    for service in services.order_by("name"):
        rows = by_service.get(service.pk, [])
        contact_days = [(s.first_contact_on - s.created_at.date()).days for s in rows if s.first_contact_on]
        sustained = [
            s
            for s in rows
            if s.started_on
            and s.started_on + datetime.timedelta(days=SUSTAINED_DAYS) <= day
            and (
                s.ended_on is None
                or s.status == Send.Status.COMPLETED
                or s.ended_on >= s.started_on + datetime.timedelta(days=SUSTAINED_DAYS)
            )
        ]
        scores = ratings.get(service.pk, [])
        figures.append(
            ServiceFigures(
                service=service,
                referred=len(rows),
                accepted=sum(
                    1
                    for s in rows
                    if any(
                        (s.pk, st) in reached
                        for st in (Send.Status.ACCEPTED, Send.Status.IN_CONTACT, Send.Status.STARTED)
                    )
                ),
                started=sum(1 for s in rows if s.started_on),
                sustained_3_months=len(sustained),
                days_to_first_contact=round(sum(contact_days) / len(contact_days), 1) if contact_days else None,
                contacted=len(contact_days),
                feedback_count=len(scores),
                average_rating=round(sum(scores) / len(scores), 1) if scores else None,
            )
        )
    return figures


def made_between(
    referrals: QuerySet[Referral], start: datetime.date | None, end: datetime.date | None
) -> QuerySet[Referral]:
    """The referrals made from ``start`` to ``end`` inclusive (local dates; either may be open)."""
    if start is not None:
        referrals = referrals.filter(created_at__date__gte=start)
    if end is not None:
        referrals = referrals.filter(created_at__date__lte=end)
    return referrals


@dataclass(frozen=True)
class Outcomes:
    """How many referrals stand at each triage status, and how many sends at each outcome (non-zero only,
    in the order of the lifecycle)."""

    at_triage: list[tuple[str, int]]
    sent: list[tuple[str, int]]


def outcomes(referrals: QuerySet[Referral], sends: QuerySet[Send]) -> Outcomes:
    """Referrals by triage status and sends by outcome, in two queries."""
    triaged = dict(referrals.order_by().values_list("status").annotate(n=Count("pk")))
    sent = dict(sends.order_by().values_list("status").annotate(n=Count("pk")))
    return Outcomes(
        at_triage=[(str(label), triaged[value]) for value, label in Referral.Status.choices if triaged.get(value)],
        sent=[(str(label), sent[value]) for value, label in Send.Status.choices if sent.get(value)],
    )


@dataclass(frozen=True)
class Average:
    """An average and how many it was made from (so it can be suppressed when made from few)."""

    value: float | None
    count: int


def days_to_triage(referrals: QuerySet[Referral]) -> Average:
    """Average working time from a referral to its triage decision, in days, and how many were triaged."""
    first: dict[int, datetime.datetime] = {}
    for event in Event.objects.filter(
        referral__in=referrals,
        send__isnull=True,
        from_status__in=[Referral.Status.AWAITING_TRIAGE, Referral.Status.MORE_INFO],
    ).order_by("at"):
        first.setdefault(event.referral_id, event.at)
    created = dict(referrals.filter(pk__in=first).values_list("pk", "created_at"))
    spans = [(first[pk] - created[pk]).total_seconds() / 86400 for pk in first if pk in created]
    return Average(round(sum(spans) / len(spans), 1) if spans else None, len(spans))


def neet_with_active_referral(neet_people: QuerySet[Any], referrals: QuerySet[Referral]) -> tuple[int, int]:
    """How many of the NEET cohort have a referral still in progress, out of how many."""
    active = referrals.filter(
        Q(status__in=[Referral.Status.AWAITING_TRIAGE, Referral.Status.MORE_INFO])
        | Q(sends__status__in=[Send.Status.SENT, Send.Status.ACCEPTED, Send.Status.IN_CONTACT, Send.Status.STARTED])
    ).values("person_id")
    total = neet_people.count()
    return neet_people.filter(pk__in=active).count(), total


# Tasks ----------------------------------------------------------------------------------------------


def tasks_for(user: Any, referrals: QuerySet[Referral], received: QuerySet[Send], day: datetime.date) -> list[HomeTask]:
    """What is waiting for this user: triage, starts to confirm, more information asked for, new referrals to accept."""
    from django.urls import reverse

    from onward.accounts.permissions import Perm

    tasks: list[HomeTask] = []
    if user.can(Perm.TRIAGE_REFERRALS):
        queue = triage_queue(referrals)
        waiting, overdue = queue.count(), queue.filter(triage_due__lt=day).count()
        if waiting:
            tasks.append(
                HomeTask(
                    f"{waiting} referral{'s' if waiting != 1 else ''} waiting for triage"
                    + (f", {overdue} overdue" if overdue else ""),
                    reverse("referrals:triage-queue"),
                    waiting,
                    bool(overdue),
                )
            )
    if user.can(Perm.CREATE_REFERRALS):
        mine = referrals.filter(made_by=user)
        to_confirm = Send.objects.filter(
            referral__in=mine, started_on__isnull=False, start_confirmed=False
        ).select_related("referral")
        for send in to_confirm[:20]:
            tasks.append(
                HomeTask(
                    f"Confirm that {send.referral.person.display_name} started at {send.service.name}",
                    reverse("referrals:referral-detail", kwargs={"pk": send.referral_id}),
                    1,
                )
            )
        for referral in mine.filter(status=Referral.Status.MORE_INFO)[:20]:
            tasks.append(
                HomeTask(
                    f"Triage needs more information about {referral.person.display_name}'s referral",
                    reverse("referrals:referral-detail", kwargs={"pk": referral.pk}),
                    1,
                    True,
                )
            )
    if user.can(Perm.RECEIVE_REFERRALS):
        new = received.filter(status=Send.Status.SENT).count()
        if new:
            tasks.append(
                HomeTask(
                    f"{new} new referral{'s' if new != 1 else ''} to accept or decline",
                    reverse("referrals:received-list"),
                    new,
                )
            )
    return tasks


# Lists sent back by partners ----------------------------------------------------------------------


def latest_partner_lists(
    council: Organisation, organisation_ids: Iterable[int] | None = None
) -> list[PartnerListReturn]:
    """Each partner's latest list sent back to ``council`` (of ``organisation_ids`` only, if given), by name.

    One query, whatever the number of partners or of lists each has sent.
    """
    lists = PartnerListReturn.objects.filter(council=council, status=PartnerListReturn.COMMITTED_STATUS)
    if organisation_ids is not None:
        lists = lists.filter(organisation_id__in=organisation_ids)
    latest = lists.order_by().values("organisation_id").annotate(latest=Max("id")).values("latest")
    return list(
        PartnerListReturn.objects.filter(pk__in=Subquery(latest))
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


@dataclass(frozen=True)
class ListWord:
    """What a partner's latest list says of one young person referred to it."""

    organisation: str
    sent_on: datetime.date
    status: str  # "on roll", "left", or "" when they are not on the list

    @property
    def text(self) -> str:
        when = f"{self.sent_on.day} {self.sent_on:%b %Y}"
        if not self.status:
            return f"Not on {self.organisation}'s list of {when}"
        return f"{self.status.capitalize()}, says {self.organisation}'s list of {when}"


def partner_list_words(referral: Referral, sends: list[Send]) -> dict[int, ListWord]:
    """For each of ``sends`` (with ``service`` loaded), what its partner's latest list says, by send id.

    A send whose partner has sent back no list for the council has no entry.
    """
    providers = {send.service.provider_id for send in sends}
    if not providers:
        return {}
    lists = {found.organisation_id: found for found in latest_partner_lists(referral.council, providers)}
    words = {}
    for send in sends:
        found = lists.get(send.service.provider_id)
        if found is None:
            continue
        status = next((str(row.get("status", "")) for row in found.matched if row.get("send") == send.pk), "")
        words[send.pk] = ListWord(
            organisation=found.organisation.name, sent_on=timezone.localdate(found.created_at), status=status
        )
    return words


PARTNER_LIST_COLUMNS = ("name", "date of birth", "service", "status")


def partner_list_rows(sends: Iterable[Send]) -> list[list[Any]]:
    """The partner's download: one row per referral received (name, date of birth, service, status)."""
    return [
        [
            send.referral.person.display_name,
            send.referral.person.date_of_birth,
            send.service.name,
            send.get_status_display(),
        ]
        for send in sends
    ]


# NEET without a referral (Derby 4.14: everyone who becomes NEET referred to the NEET offer at once) ---


def council_directory(council: Organisation) -> QuerySet[Service]:
    """The directory a council's staff see (``access.services_visible_to``): the services of the council and
    of its partners with a live link (``accounts.access.partner_ids``). For figures about the council, with
    no user; services hold no personal data."""
    network = Q(provider=council) | Q(provider_id__in=accounts_access.partner_ids(council))
    return Service.objects.filter(network).select_related("provider")


def people_with_referrals_changed_since(since: datetime.datetime) -> QuerySet[Any]:
    """``person_id`` of each young person with a referral or a send changed after ``since``."""
    return (
        Referral.objects.filter(updated_at__gt=since)
        .order_by()
        .values("person_id")
        .union(Send.objects.filter(updated_at__gt=since).order_by().values("referral__person_id"))
    )


def open_referrals() -> QuerySet[Referral]:
    """Referrals in progress: waiting for triage or more information, or with a provider that has not yet
    finished with them. The one definition of an active referral (the at-risk rules read it too)."""
    from django.db.models import Exists, OuterRef

    return Referral.objects.filter(
        Q(status__in=[Referral.Status.AWAITING_TRIAGE, Referral.Status.MORE_INFO])
        | Q(
            Exists(
                Send.objects.filter(
                    referral=OuterRef("pk"),
                    status__in=[Send.Status.SENT, Send.Status.ACCEPTED, Send.Status.IN_CONTACT, Send.Status.STARTED],
                )
            )
        )
    )


def _neet_spells(person_ids: Any, upto: datetime.date) -> dict[int, list[tuple[datetime.date, datetime.date | None]]]:
    from onward.core.codelists import NEET_ACTIVITIES
    from onward.people.models import EETSpell

    spells: dict[int, list[tuple[datetime.date, datetime.date | None]]] = {}
    rows = (
        EETSpell.objects.filter(
            person_id__in=person_ids, superseded_at__isnull=True, activity__in=list(NEET_ACTIVITIES), start__lte=upto
        )
        .order_by("person_id", "start", "id")
        .values_list("person_id", "start", "end")
    )
    for person_id, start, end in rows:
        spells.setdefault(person_id, []).append((start, end))
    return spells


def _run_starts(spells: list[tuple[datetime.date, datetime.date | None]]) -> list[datetime.date]:
    """The days NEET began: NEET spells not following on from another NEET spell (a new NEET reason the
    day after the last is the same stretch of being NEET)."""
    starts: list[datetime.date] = []
    reached: datetime.date | None = None  # the last day covered by the NEET spells so far (None: open)
    for index, (start, end) in enumerate(spells):
        continues = index > 0 and (reached is None or start <= reached + datetime.timedelta(days=1))
        if not continues:
            starts.append(start)
            reached = end
        elif reached is not None:
            reached = None if end is None else max(reached, end)
    return starts


def neet_since(person_ids: Any, day: datetime.date) -> dict[int, datetime.date]:
    """For each of the young people NEET on ``day``, the day their unbroken stretch of being NEET began."""
    found: dict[int, datetime.date] = {}
    for person_id, spells in _neet_spells(person_ids, day).items():
        start, end = spells[-1]
        if end is not None and end < day:
            continue
        found[person_id] = max(s for s in _run_starts(spells) if s <= start)
    return found


@dataclass(frozen=True)
class NeetWithoutReferral:
    person: Any
    neet_since: datetime.date
    days: int
    overdue: bool


def neet_referral_days() -> int:
    from django.conf import settings

    return int(settings.ONWARD_NEET_REFERRAL_WORKING_DAYS)


def referral_due(neet_from: datetime.date) -> datetime.date:
    """The day a referral is due for a young person NEET from ``neet_from``: ``ONWARD_NEET_REFERRAL_WORKING_DAYS``
    working days later, counted as triage's deadline is (``services.working_days_after``)."""
    from onward.referrals.services import working_days_after

    return working_days_after(neet_from, neet_referral_days())


def neet_without_referral(people: QuerySet[Any], day: datetime.date) -> list[NeetWithoutReferral]:
    """Those of ``people`` (already scoped by the access policy) in the NEET cohort on ``day``
    (``people.cohort``) with no active referral, longest NEET first, each with the days since they became
    NEET and whether a referral is overdue. Three queries."""
    from onward.people.cohort import neet_cohort

    cohort = list(
        neet_cohort(people, day)
        .exclude(pk__in=open_referrals().values("person_id"))
        .select_related("personal_adviser", "team")
    )
    since = neet_since([person.pk for person in cohort], day)
    rows = [
        NeetWithoutReferral(
            person, since[person.pk], (day - since[person.pk]).days, referral_due(since[person.pk]) < day
        )
        for person in cohort
        if person.pk in since
    ]
    rows.sort(key=lambda row: (-row.days, row.person.legal_family_name, row.person.pk))
    return rows


def neet_starts(person_ids: Any, start: datetime.date, end: datetime.date) -> list[tuple[int, datetime.date]]:
    """Each time one of the young people became NEET from ``start`` to ``end``: (person id, day)."""
    found: list[tuple[int, datetime.date]] = []
    for person_id, spells in _neet_spells(person_ids, end).items():
        found.extend((person_id, day) for day in _run_starts(spells) if start <= day <= end)
    return found


# Impact: what became of those who started a service (Cambridgeshire 2.5; Derby 4.12; Leeds 2e) -------


def service_clocks(sends: QuerySet[Send], as_at: datetime.date) -> dict[int, Any]:
    """For each service, (started, not started): each young person once with the day they started it
    (their first start), and those referred to it who had not started by ``as_at`` with the day they were
    first referred. ``sends`` come from the access policy. One query."""
    from onward.performance.impact import first_days

    started: dict[int, list[tuple[int, datetime.date | None]]] = {}
    referred: dict[int, list[tuple[int, datetime.date | None]]] = {}
    for service_id, person_id, started_on, created_at in sends.order_by().values_list(
        "service_id", "referral__person_id", "started_on", "created_at"
    ):
        if started_on is not None and started_on <= as_at:
            started.setdefault(service_id, []).append((person_id, started_on))
        else:
            referred.setdefault(service_id, []).append((person_id, timezone.localdate(created_at)))
    return {
        service_id: (first_days(started.get(service_id, [])), first_days(referred.get(service_id, [])))
        for service_id in set(started) | set(referred)
    }


def service_impact(
    sends: QuerySet[Send], as_at: datetime.date, *, before: datetime.date | None = None
) -> dict[int, Any]:
    """Each service's impact groups (``performance.impact.impact``), by service id. Two queries."""
    from onward.performance.impact import impact_many

    return impact_many(service_clocks(sends, as_at), as_at, before=before)


# Needs against provision (Leeds quality mark objective 9; Cambridgeshire 4.1, 4.3) --------------------

WAITING_STATUSES = (Send.Status.SENT, Send.Status.ACCEPTED, Send.Status.IN_CONTACT)


def provision_wait_days() -> int:
    """The wait above which a need is flagged as a gap: ``ONWARD_PROVISION_WAIT_DAYS`` (default 28)."""
    from django.conf import settings

    return int(settings.ONWARD_PROVISION_WAIT_DAYS)


@dataclass(frozen=True)
class ProvisionRow:
    """One need (in one area, or everywhere when ``area`` is empty): what referrals asked for, against what
    the directory offers. ``measured_wait`` is the average days from a referral being sent to a service
    to the young person starting there (over ``measured_from`` starts)."""

    area: str
    need: str
    label: str
    referrals: int
    waiting: int
    services: int
    places: int
    places_unknown: int
    typical_wait: int | None
    measured_wait: float | None
    measured_from: int
    gaps: tuple[str, ...]


def _measure(sends: list[tuple[datetime.date, datetime.date | None]]) -> tuple[float | None, int]:
    spans = [(started - sent).days for sent, started in sends if started is not None]
    return (round(sum(spans) / len(spans), 1) if spans else None, len(spans))


def _gaps(
    services: int,
    waiting: int,
    places: int,
    places_unknown: int,
    typical: int | None,
    measured: float | None,
    threshold: int,
    demand: int,
) -> tuple[str, ...]:
    found = []
    if services == 0 and demand:
        found.append("No service meets this need")
    if typical is not None and typical > threshold:
        found.append(f"Shortest typical wait over {threshold} days")
    if measured is not None and measured > threshold:
        found.append(f"Young people waited over {threshold} days on average")
    if services and not places_unknown and waiting > places:
        found.append("More waiting than places")
    return tuple(found)


def needs_against_provision(
    referrals: QuerySet[Referral], sends: QuerySet[Send], services: QuerySet[Service], day: datetime.date
) -> tuple[list[ProvisionRow], list[ProvisionRow]]:
    """Referral needs against the directory's capacity and waits: (by need, by area and need).

    ``referrals`` and ``sends`` are those counted (from the access policy, for a period); ``services`` the
    directory the user sees, active on ``day``. Demand for a need: the referrals recording it, and the young
    people sent to a service meeting it still waiting to start (by the service's area in the second list).
    Supply: the services meeting it, their places (capacity) and shortest typical wait. A gap is flagged
    when no service meets a need referrals asked for, when the shortest typical wait or the measured wait
    from sending to starting is over ``ONWARD_PROVISION_WAIT_DAYS``, or when more are waiting than there
    are places. Three queries."""
    threshold = provision_wait_days()
    active = list(active_on(services, day).order_by("area", "name", "pk"))
    asked: dict[str, int] = {}
    for needs in referrals.order_by().values_list("needs", flat=True):
        for need in set(needs or []):
            asked[need] = asked.get(need, 0) + 1
    sent_rows = list(
        sends.order_by().values_list("service_id", "referral__needs", "status", "created_at", "started_on")
    )
    by_need: list[ProvisionRow] = []
    by_area: list[ProvisionRow] = []
    areas = sorted({s.area for s in active})
    for need, label in NEEDS:
        meeting = [s for s in active if need in (s.needs_met or [])]
        ids = {s.pk for s in meeting}
        relevant = [row for row in sent_rows if row[0] in ids and need in (row[1] or [])]
        waiting = sum(1 for row in relevant if row[2] in WAITING_STATUSES)
        measured, count = _measure([(timezone.localdate(row[3]), row[4]) for row in relevant])
        places = sum(s.capacity or 0 for s in meeting)
        unknown = sum(1 for s in meeting if s.capacity is None)
        waits = [s.typical_wait_days for s in meeting if s.typical_wait_days is not None]
        typical = min(waits) if waits else None
        demand = asked.get(need, 0)
        gaps = _gaps(len(meeting), waiting, places, unknown, typical, measured, threshold, demand)
        by_need.append(
            ProvisionRow(
                "", need, label, demand, waiting, len(meeting), places, unknown, typical, measured, count, gaps
            )
        )
        for area in areas:
            here = [s for s in meeting if s.area == area]
            if not here:
                continue
            here_ids = {s.pk for s in here}
            rows = [row for row in relevant if row[0] in here_ids]
            area_waiting = sum(1 for row in rows if row[2] in WAITING_STATUSES)
            area_measured, area_count = _measure([(timezone.localdate(row[3]), row[4]) for row in rows])
            area_waits = [s.typical_wait_days for s in here if s.typical_wait_days is not None]
            area_typical = min(area_waits) if area_waits else None
            area_places = sum(s.capacity or 0 for s in here)
            area_unknown = sum(1 for s in here if s.capacity is None)
            by_area.append(
                ProvisionRow(
                    area,
                    need,
                    label,
                    len(rows),
                    area_waiting,
                    len(here),
                    area_places,
                    area_unknown,
                    area_typical,
                    area_measured,
                    area_count,
                    _gaps(
                        len(here),
                        area_waiting,
                        area_places,
                        area_unknown,
                        area_typical,
                        area_measured,
                        threshold,
                        len(rows),
                    ),
                )
            )
    return by_need, by_area


def needs_with_places(by_need: list[ProvisionRow]) -> tuple[int, int]:
    """(needs referred for which the directory has a service with places, needs referred), from the by-need
    rows of :func:`needs_against_provision`: each need recorded on a referral counts once, and has
    provision when a service meeting it, active on the day, has places recorded (a service whose places
    are not recorded is not counted as having any). The report's summary and the indicator
    ``needs_referred_with_places`` both read this."""
    provided = needs_provided(by_need)
    return sum(row.referrals for row in by_need if row.need in provided), sum(row.referrals for row in by_need)


def needs_provided(by_need: list[ProvisionRow]) -> set[str]:
    """The needs for which the directory has a service with places (the rows' places, more than none)."""
    return {row.need for row in by_need if row.places > 0}
