"""Reads for referrals: the directory with its filters, suggested services, the triage queue."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from onward.people.categories import CARE_LEAVER_CATEGORIES, age_on
from onward.people.selectors import category_of
from onward.referrals.models import Referral, Service


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
    return sorted(eligible, key=lambda s: (-len(wanted & set(s.needs_met or [])), s.name))


def triage_queue(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return referrals.filter(status__in=[Referral.Status.AWAITING_TRIAGE, Referral.Status.MORE_INFO]).order_by(
        "triage_due", "pk"
    )
