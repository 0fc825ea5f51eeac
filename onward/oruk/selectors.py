"""Reads for the Open Referral UK feed, built on ``onward/oruk/access.py`` (a council's published
directory, and nothing else). Each answer is a fixed number of queries, whatever the size of the
directory.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from onward.accounts.models import Organisation
from onward.oruk import mapping
from onward.oruk.access import services_published_by
from onward.oruk.models import Feed
from onward.referrals.models import Service


def feed_of(council: Organisation) -> Feed | None:
    return Feed.objects.filter(council=council).first()


@dataclass(frozen=True)
class Page:
    rows: list[Service]
    total: int


@dataclass(frozen=True)
class Filters:
    """ORUK's filters of a list of services (each optional)."""

    modified_after: datetime.datetime | None = None
    search: str = ""
    minimum_age: float | None = None
    maximum_age: float | None = None
    taxonomy_term_id: str = ""
    taxonomy_id: str = ""
    organization_id: str = ""


def _terms_condition(services: QuerySet[Service], terms: list[mapping.Term]) -> Q:
    """Services tagged with any of ``terms``, by the same rules as ``mapping.service_terms``."""
    condition = Q(pk__in=[])
    for term in terms:
        if term.taxonomy == mapping.SERVICE_TYPE.code:
            condition |= Q(kind=term.code)
        elif term.code == "care-leavers-only":
            condition |= Q(care_leavers_only=True)
        elif term.code == "send-suitable":
            condition |= Q(send_suitable=True)
        elif term.code in mapping.AGE_BAND_TERMS:
            low, high = mapping.AGE_BAND_TERMS[term.code]
            condition |= Q(min_age__lte=high, max_age__gte=low)
    needs = {term.code for term in terms if term.taxonomy == mapping.NEEDS_MET.code}
    if needs:
        # Needs are a JSON list, which SQLite cannot search inside: one narrow query of the lists.
        met = [pk for pk, codes in services.values_list("pk", "needs_met") if needs & set(codes or [])]
        condition |= Q(pk__in=met)
    return condition


def _filtered(council: Organisation, filters: Filters) -> QuerySet[Service]:
    services = services_published_by(council)
    if filters.modified_after is not None:
        # Changed on or after the moment: the service, or its provider (whose name the feed shows).
        moment = filters.modified_after
        services = services.filter(Q(updated_at__gte=moment) | Q(provider__updated_at__gte=moment))
    for word in filters.search.split():
        services = services.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(provider__name__icontains=word)
            | Q(area__icontains=word)
        )
    if filters.minimum_age is not None:
        services = services.filter(min_age__gte=filters.minimum_age)
    if filters.maximum_age is not None:
        services = services.filter(max_age__lte=filters.maximum_age)
    if filters.taxonomy_term_id:
        term = mapping.TERMS_BY_ID.get(filters.taxonomy_term_id)
        services = services.filter(_terms_condition(services, [term] if term else []))
    if filters.taxonomy_id:
        taxonomy = mapping.TAXONOMIES_BY_ID.get(filters.taxonomy_id)
        terms = [term for term in mapping.TERMS if taxonomy is not None and term.taxonomy == taxonomy.code]
        services = services.filter(_terms_condition(services, terms))
    if filters.organization_id:
        providers = services_published_by(council).order_by().values_list("provider_id", flat=True).distinct()
        wanted = [pk for pk in providers if mapping.organisation_id(council, pk) == filters.organization_id]
        services = services.filter(provider_id__in=wanted)
    return services


def services_page(council: Organisation, *, page: int, per_page: int, filters: Filters | None = None) -> Page:
    """One page of the directory: two queries (the count and the page), and one for a filter by a
    need or an organisation."""
    services = _filtered(council, filters or Filters())
    total = services.count()
    start = (page - 1) * per_page
    rows = list(services[start : start + per_page]) if start < total else []
    return Page(rows=rows, total=total)


def service_by_oruk_id(council: Organisation, oruk_id: str) -> Service:
    """The directory's service whose ORUK id is ``oruk_id``; 404 when the council publishes none.

    Ids are one-way (``uuid5``), so this reads the directory's keys (one narrow query) and then
    the one service.
    """
    for pk in services_published_by(council).values_list("pk", flat=True):
        if mapping.service_id(council, pk) == oruk_id:
            return services_published_by(council).get(pk=pk)
    raise Http404


def service_at_location_by_oruk_id(council: Organisation, oruk_id: str) -> Service:
    """The service behind a service-at-location id (each service runs at its one place)."""
    for pk in services_published_by(council).values_list("pk", flat=True):
        if mapping.service_at_location_id(council, pk) == oruk_id:
            return services_published_by(council).get(pk=pk)
    raise Http404
