"""Onward's directory in Open Referral UK (ORUK v3.0) shapes: pure functions, no queries.

The mapping is ``docs/oruk.md``. Every id is a UUID made with ``uuid5`` from the record's key, so
the same record has the same id on every call (and after a restart), and no database key is
shown. Ids of the feed's own taxonomies do not depend on the council, so consumers that gather
several councils' feeds see one term under one id. ORUK asks that optional fields with no value
are left out rather than sent empty or null: :func:`compact` drops them.

Nothing here reads a young person's record: the inputs are services, their providers and
Onward's code lists.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from onward.referrals.models import NEEDS, Service

if TYPE_CHECKING:
    from onward.accounts.models import Organisation

# The root of every id in every Onward feed (fixed: changing it would change every id).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://openreferraluk.org/publishers/onward")

VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://openreferraluk.org/developers/api"
OPENAPI_URL = "https://openreferraluk.org/specifications/3.0/openapi.json"


def oruk_id(*parts: object) -> str:
    """A stable UUID for the record named by ``parts`` (kind names and keys)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts)))


def compact_record(record: dict[str, Any]) -> dict[str, Any]:
    """A record without its null or empty optional fields (:func:`compact`)."""
    cleaned: dict[str, Any] = compact(record)
    return cleaned


def compact(value: Any) -> Any:
    """``value`` without null or empty optional fields, at every depth (ORUK's compliance rule)."""
    if isinstance(value, dict):
        cleaned = {key: compact(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [compact(item) for item in value]
    return value


# Taxonomies -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    taxonomy: str
    code: str
    name: str
    description: str

    @property
    def id(self) -> str:
        return oruk_id("taxonomy", self.taxonomy, "term", self.code)


@dataclass(frozen=True)
class Taxonomy:
    code: str
    name: str
    description: str
    version: str

    @property
    def id(self) -> str:
        return oruk_id("taxonomy", self.code)


SERVICE_TYPE = Taxonomy(
    "onward-service-type",
    "Onward service type",
    "The kind of route into education, employment or training a service offers (Onward's own list).",
    "1",
)
ELIGIBILITY = Taxonomy(
    "onward-eligibility",
    "Onward eligibility",
    "Who a service is for: the age bands it takes, and whether it is only for care leavers or suits "
    "young people with special educational needs and disabilities (SEND).",
    "1",
)
NEEDS_MET = Taxonomy(
    "onward-needs-met",
    "Onward needs met",
    "The needs a service helps a young person with, as the common referral records them.",
    "1",
)
TAXONOMIES = (SERVICE_TYPE, ELIGIBILITY, NEEDS_MET)

# Age bands as the national statistics on care leavers count them, up to 25 (support to 25).
AGE_BANDS = ((16, 17), (18, 21), (22, 25))
AGE_BAND_TERMS = {f"age-{low}-{high}": (low, high) for low, high in AGE_BANDS}

TERMS: tuple[Term, ...] = (
    *(
        Term(SERVICE_TYPE.code, str(value), str(label), f"A service of the type: {str(label).lower()}.")
        for value, label in Service.Kind.choices
    ),
    *(
        Term(
            ELIGIBILITY.code, f"age-{low}-{high}", f"Ages {low} to {high}", f"Takes young people aged {low} to {high}."
        )
        for low, high in AGE_BANDS
    ),
    Term(
        ELIGIBILITY.code, "care-leavers-only", "Care leavers only", "Only for care leavers and care-experienced people."
    ),
    Term(
        ELIGIBILITY.code,
        "send-suitable",
        "Suitable for young people with SEND",
        "Suitable for young people with special educational needs and disabilities.",
    ),
    *(Term(NEEDS_MET.code, code, label, f"Helps with: {label.lower()}.") for code, label in NEEDS),
)
TERMS_BY_ID = {term.id: term for term in TERMS}
TAXONOMIES_BY_ID = {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}
_TERMS_BY_KEY = {(term.taxonomy, term.code): term for term in TERMS}
_TAXONOMY_BY_CODE = {taxonomy.code: taxonomy for taxonomy in TAXONOMIES}


def taxonomy_json(taxonomy: Taxonomy) -> dict[str, Any]:
    return compact_record(
        {"id": taxonomy.id, "name": taxonomy.name, "description": taxonomy.description, "version": taxonomy.version}
    )


def term_json(term: Term) -> dict[str, Any]:
    return compact_record(
        {
            "id": term.id,
            "name": term.name,
            "description": term.description,
            "taxonomy": _TAXONOMY_BY_CODE[term.taxonomy].name,
            "taxonomy_id": _TAXONOMY_BY_CODE[term.taxonomy].id,
            "term": term.code,
        }
    )


def service_terms(service: Service) -> list[tuple[str, Term]]:
    """The terms a service is tagged with, each with its ``link_type``."""
    terms: list[tuple[str, Term]] = []
    if (SERVICE_TYPE.code, service.kind) in _TERMS_BY_KEY:
        terms.append(("service_type", _TERMS_BY_KEY[(SERVICE_TYPE.code, service.kind)]))
    for low, high in AGE_BANDS:
        if service.min_age <= high and service.max_age >= low:
            terms.append(("eligibility", _TERMS_BY_KEY[(ELIGIBILITY.code, f"age-{low}-{high}")]))
    if service.care_leavers_only:
        terms.append(("eligibility", _TERMS_BY_KEY[(ELIGIBILITY.code, "care-leavers-only")]))
    if service.send_suitable:
        terms.append(("eligibility", _TERMS_BY_KEY[(ELIGIBILITY.code, "send-suitable")]))
    for need in service.needs_met or []:
        if (NEEDS_MET.code, need) in _TERMS_BY_KEY:
            terms.append(("need", _TERMS_BY_KEY[(NEEDS_MET.code, need)]))
    return terms


# Directory records ----------------------------------------------------------------------------


def service_id(council: Organisation, service: Service | int) -> str:
    return oruk_id("council", council.pk, "service", service if isinstance(service, int) else service.pk)


def organisation_id(council: Organisation, organisation: Organisation | int) -> str:
    return oruk_id(
        "council", council.pk, "organization", organisation if isinstance(organisation, int) else organisation.pk
    )


def location_id(council: Organisation, area: str) -> str:
    """Services that run in the same place (their "where it runs", ignoring case) share a location."""
    return oruk_id("council", council.pk, "location", " ".join(area.lower().split()))


def service_at_location_id(council: Organisation, service: Service | int) -> str:
    return oruk_id("council", council.pk, "service_at_location", service if isinstance(service, int) else service.pk)


def status_of(service: Service, day: datetime.date) -> str:
    """ORUK status: not started yet is inactive, ended is defunct."""
    if service.active_from > day:
        return "inactive"
    if service.active_to is not None and service.active_to < day:
        return "defunct"
    return "active"


def last_modified(service: Service) -> datetime.datetime:
    """The later of the service's and its provider's last change (the provider's name is in the feed)."""
    return max(service.updated_at, service.provider.updated_at)


def organization_json(council: Organisation, organisation: Organisation) -> dict[str, Any]:
    description = (
        f"{council.name}, which publishes this directory."
        if organisation.pk == council.pk
        else f"{organisation.get_kind_display()} working with {council.name}'s leaving care service."
    )
    return compact_record(
        {"id": organisation_id(council, organisation), "name": organisation.name, "description": description}
    )


def location_json(council: Organisation, service: Service) -> dict[str, Any]:
    return compact_record(
        {
            "id": location_id(council, service.area),
            "location_type": "physical",
            "name": service.area.strip(),
            "description": f"Where {service.provider.name} runs services: {service.area.strip()}.",
        }
    )


def service_at_location_json(council: Organisation, service: Service, *, full: bool = True) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": service_at_location_id(council, service),
        "service_id": service_id(council, service),
        "location_id": location_id(council, service.area),
    }
    if full:
        document["location"] = location_json(council, service)
    return compact_record(document)


def service_json(council: Organisation, service: Service, *, day: datetime.date, full: bool) -> dict[str, Any]:
    """A service as ORUK's list shows it (one-to-one fields) or, with ``full``, fully nested."""
    own_id = service_id(council, service)
    document: dict[str, Any] = {
        "id": own_id,
        "organization_id": organisation_id(council, service.provider),
        "name": service.name,
        "description": service.description.strip(),
        "email": service.contact_email,
        "status": status_of(service, day),
        "minimum_age": service.min_age,
        "maximum_age": service.max_age,
        "last_modified": last_modified(service).isoformat(),
        "organization": organization_json(council, service.provider),
    }
    if full:
        document["service_areas"] = [
            {
                "id": oruk_id("council", council.pk, "service_area", service.pk),
                "service_id": own_id,
                "name": service.area,
            }
        ]
        document["service_at_locations"] = [service_at_location_json(council, service)]
        document["attributes"] = [
            {
                "id": oruk_id("council", council.pk, "service", service.pk, "attribute", term.taxonomy, term.code),
                "link_id": own_id,
                "link_type": link_type,
                "taxonomy_term_id": term.id,
                "taxonomy_term": term_json(term),
            }
            for link_type, term in service_terms(service)
        ]
    return compact_record(document)


def page_json(*, contents: list[dict[str, Any]], total_items: int, page_number: int, per_page: int) -> dict[str, Any]:
    """ORUK's paging envelope; ``size`` is the page size asked for; a page past the last is empty, not an error."""
    total_pages = max(1, -(-total_items // per_page))
    return {
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": per_page,
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }
