"""The Open Referral UK feed (open to anyone, read-only) and the council's page about it.

Every feed answer is JSON with ``Access-Control-Allow-Origin: *`` (ORUK's compliance rule), errors
included, and is cacheable by browsers and shared caches for a few minutes (``Cache-Control:
public``; a signed-in visitor still gets ``no-store`` from ``NoStoreMiddleware``), with an ETag so
a cache can check it again cheaply. See ``docs/oruk.md``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods, require_safe

from onward.accounts import access
from onward.oruk import access as oruk_access
from onward.oruk import mapping, selectors
from onward.oruk.models import Feed

CACHE_SECONDS = 300
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100

Endpoint = Callable[..., dict[str, Any]]


def _json(request: HttpRequest, document: dict[str, Any], *, status: int = 200) -> HttpResponseBase:
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    response: HttpResponseBase
    # A proxy that compresses the answer marks the ETag weak (W/"..."): it still names this answer.
    asked = {tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")}
    if status == 200 and (etag in asked or "*" in asked):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, status=status, content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    if status == 200:
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    else:
        patch_cache_control(response, public=True, max_age=60)
    return response


def _preflight() -> HttpResponse:
    """A browser asking first whether another site's page may read the feed (with an ETag, say): yes."""
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response["Access-Control-Max-Age"] = "86400"
    patch_cache_control(response, public=True, max_age=86400)
    return response


def _problem(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponseBase:
    return _json(request, {"status": status, "title": title, "detail": detail}, status=status)


def oruk_endpoint(view: Endpoint) -> Callable[..., HttpResponseBase]:
    """An open, read-only feed endpoint answering JSON, errors included, to any origin."""

    @login_not_required
    @require_http_methods(["GET", "HEAD", "OPTIONS"])
    @wraps(view)
    def wrapper(request: HttpRequest, council: str, **kwargs: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            return _preflight()
        try:
            feed = oruk_access.access_feed(council)
            return _json(request, view(request, feed, **kwargs))
        except Http404:
            return _problem(request, 404, "Not found", "There is no such record in this directory.")
        except BadRequest as error:
            return _problem(request, 400, "Bad request", str(error))

    return wrapper


def _whole_number(request: HttpRequest, name: str, default: int, *, low: int, high: int | None = None) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        limit = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise BadRequest(f"{name} must be a whole number {limit}")
    return value


def _modified_after(request: HttpRequest) -> datetime.datetime | None:
    raw = request.GET.get("modified_after", "").strip()
    if not raw:
        return None
    # An unencoded "+01:00" arrives as " 01:00".
    raw = raw[:19] + raw[19:].replace(" ", "+")
    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None:
        try:
            day = datetime.date.fromisoformat(raw)
        except ValueError:
            raise BadRequest("modified_after must be a date and time, like 2026-01-31T09:00:00Z") from None
        moment = datetime.datetime.combine(day, datetime.time())
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment.astimezone(datetime.UTC)  # as the database will compare it
    except (OverflowError, ValueError):
        raise BadRequest("modified_after must be a date and time, like 2026-01-31T09:00:00Z") from None
    return moment


def _age(request: HttpRequest, name: str) -> float | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 150:  # also refuses nan and infinity
        raise BadRequest(f"{name} must be an age in years, like 18")
    return value


def _filters(request: HttpRequest) -> selectors.Filters:
    return selectors.Filters(
        modified_after=_modified_after(request),
        search=request.GET.get("search", "")[:200],
        minimum_age=_age(request, "minimum_age"),
        maximum_age=_age(request, "maximum_age"),
        taxonomy_term_id=request.GET.get("taxonomy_term_id", "").strip()[:100],
        taxonomy_id=request.GET.get("taxonomy_id", "").strip()[:100],
        organization_id=request.GET.get("organization_id", "").strip()[:100],
    )


def _paging(request: HttpRequest) -> tuple[int, int]:
    page = _whole_number(request, "page", 1, low=1)
    per_page = _whole_number(request, "per_page", DEFAULT_PER_PAGE, low=1, high=MAX_PER_PAGE)
    return page, per_page


def _static_page(request: HttpRequest, items: list[dict[str, Any]]) -> dict[str, Any]:
    page, per_page = _paging(request)
    start = (page - 1) * per_page
    return mapping.page_json(
        contents=items[start : start + per_page], total_items=len(items), page_number=page, per_page=per_page
    )


# The feed -------------------------------------------------------------------------------------


@oruk_endpoint
def root(request: HttpRequest, feed: Feed) -> dict[str, Any]:
    return {"version": mapping.VERSION, "profile": mapping.PROFILE_URL, "openapi_url": mapping.OPENAPI_URL}


@oruk_endpoint
def services(request: HttpRequest, feed: Feed) -> dict[str, Any]:
    page, per_page = _paging(request)
    found = selectors.services_page(feed.council, page=page, per_page=per_page, filters=_filters(request))
    day = timezone.localdate()
    return mapping.page_json(
        contents=[mapping.service_json(feed.council, service, day=day, full=False) for service in found.rows],
        total_items=found.total,
        page_number=page,
        per_page=per_page,
    )


@oruk_endpoint
def service(request: HttpRequest, feed: Feed, service_id: str) -> dict[str, Any]:
    found = selectors.service_by_oruk_id(feed.council, service_id)
    return mapping.service_json(feed.council, found, day=timezone.localdate(), full=True)


@oruk_endpoint
def service_at_locations(request: HttpRequest, feed: Feed) -> dict[str, Any]:
    page, per_page = _paging(request)
    found = selectors.services_page(feed.council, page=page, per_page=per_page, filters=_filters(request))
    return mapping.page_json(
        contents=[mapping.service_at_location_json(feed.council, row) for row in found.rows],
        total_items=found.total,
        page_number=page,
        per_page=per_page,
    )


@oruk_endpoint
def service_at_location(request: HttpRequest, feed: Feed, service_at_location_id: str) -> dict[str, Any]:
    """ORUK answers this with the service the place offers, fully nested."""
    found = selectors.service_at_location_by_oruk_id(feed.council, service_at_location_id)
    return mapping.service_json(feed.council, found, day=timezone.localdate(), full=True)


@oruk_endpoint
def taxonomies(request: HttpRequest, feed: Feed) -> dict[str, Any]:
    return _static_page(request, [mapping.taxonomy_json(taxonomy) for taxonomy in mapping.TAXONOMIES])


@oruk_endpoint
def taxonomy(request: HttpRequest, feed: Feed, taxonomy_id: str) -> dict[str, Any]:
    found = mapping.TAXONOMIES_BY_ID.get(taxonomy_id)
    if found is None:
        raise Http404
    document = mapping.taxonomy_json(found)
    document["taxonomy_terms"] = [mapping.term_json(term) for term in mapping.TERMS if term.taxonomy == found.code]
    return document


@oruk_endpoint
def taxonomy_terms(request: HttpRequest, feed: Feed) -> dict[str, Any]:
    return _static_page(request, [mapping.term_json(term) for term in mapping.TERMS])


@oruk_endpoint
def taxonomy_term(request: HttpRequest, feed: Feed, term_id: str) -> dict[str, Any]:
    found = mapping.TERMS_BY_ID.get(term_id)
    if found is None:
        raise Http404
    return mapping.term_json(found)


# The council's page about its feed ------------------------------------------------------------------


@require_safe
@access.require_perm(council_staff=True)
def about(request: HttpRequest) -> HttpResponse:
    """Where the council's directory is published, for its staff to pass on (any council staff member)."""
    council = access.own_council(request.user)
    feed = selectors.feed_of(council)
    feed_url = request.build_absolute_uri(reverse("oruk:root", kwargs={"council": feed.slug})) if feed else ""
    return render(
        request,
        "oruk/about.html",
        {"council": council, "feed": feed, "feed_url": feed_url, "cache_minutes": CACHE_SECONDS // 60},
    )
