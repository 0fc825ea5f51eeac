"""The API's plumbing: bearer-token authentication with per-token rate limits, RFC 9457 problem
details for every error, cursor pagination, and optimistic locking through ``If-Match`` (ADR 27)."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import logging
import math
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from onward.accounts.models import User
from onward.api import services
from onward.api.models import ApiToken
from onward.core.concurrency import StaleRecordError

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


class Problem(Exception):
    """An error answered as problem details: ``status``, a ``title`` and a ``detail`` for people."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str = "",
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def problem_response(request: HttpRequest, problem: Problem) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.path,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    response = HttpResponse(json.dumps(body), status=problem.status, content_type=PROBLEM_TYPE)
    for name, value in problem.headers.items():
        response[name] = value
    return response


def _field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for m in DjangoValidationError(messages).messages]
            for field, messages in error.error_dict.items()
        }
    return {"__all__": [str(m) for m in error.messages]}


def _ninja_errors(error: NinjaValidationError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in error.errors:
        location = ".".join(str(part) for part in item.get("loc", ())[1:]) or str(item.get("loc", ["body"])[0])
        found.setdefault(location, []).append(str(item.get("msg", "Not valid")))
    return found


def install_handlers(api: Any) -> None:
    """Every error the API can give, as problem details."""

    def handle_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
        return problem_response(request, exc)

    def handle_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        if status == 401:
            return problem_response(
                request,
                Problem(
                    401,
                    "Send a live API token: Authorization: Bearer onw_api_...",
                    headers={"WWW-Authenticate": 'Bearer realm="Onward API"'},
                ),
            )
        if status == 400:
            return problem_response(request, Problem(400, "The request body is not valid JSON"))
        return problem_response(request, Problem(status, str(exc.message) if hasattr(exc, "message") else str(exc)))

    def handle_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return problem_response(request, Problem(422, "Some of what was sent is not valid", errors=_ninja_errors(exc)))

    def handle_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if isinstance(exc, StaleRecordError):
            return problem_response(
                request,
                Problem(412, " ".join(str(m) for m in exc.messages), title="The record has changed"),
            )
        return problem_response(
            request, Problem(422, "Nothing was saved: some of what was sent is not valid", errors=_field_errors(exc))
        )

    def handle_404(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem_response(request, Problem(404, "There is nothing here that you may see"))

    def handle_403(request: HttpRequest, exc: Exception) -> HttpResponse:
        detail = str(exc) or "Your roles do not allow this"
        return problem_response(request, Problem(403, detail))

    def handle_any(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s", request.path)
        return problem_response(request, Problem(500, "Something went wrong on our side; nothing was saved"))

    api.add_exception_handler(Problem, handle_problem)
    api.add_exception_handler(HttpError, handle_http)
    api.add_exception_handler(NinjaValidationError, handle_ninja_validation)
    api.add_exception_handler(DjangoValidationError, handle_django_validation)
    api.add_exception_handler(Http404, handle_404)
    api.add_exception_handler(PermissionDenied, handle_403)
    api.add_exception_handler(Exception, handle_any)


class TokenAuth(HttpBearer):
    """A live API token: the call acts as the token's user, counted against the token's rate."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if "\x00" in token:
            return None
        found = services.token_for_secret(token.strip())
        if found is None:
            return None
        count, resets = services.count_call(found)
        if count > found.rate_per_minute:
            wait = max(1, math.ceil((resets - timezone.now()).total_seconds()))
            raise Problem(
                429,
                f"This token may make {found.rate_per_minute} calls a minute; try again in {wait} seconds",
                headers={"Retry-After": str(wait)},
            )
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found


def token_of(request: HttpRequest) -> ApiToken:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def user_of(request: HttpRequest) -> User:
    return token_of(request).user


def require(request: HttpRequest, allowed: bool, *, write: bool = False) -> User:
    """The caller's user, if their roles allow this (403 otherwise); ``write`` also needs a write token."""
    user = user_of(request)
    if not allowed:
        raise PermissionDenied("Your roles do not allow this")
    if write and not token_of(request).can_write:
        raise PermissionDenied("This token may only read: ask your administrator for a token that may write")
    return user


def check_day(day: datetime.date | None, name: str = "as_at") -> datetime.date:
    """A date the caller gave (today if none), refused outside 1900 to 2100."""
    if day is None:
        return timezone.localdate()
    if not EARLIEST <= day <= LATEST:
        raise Problem(422, "Some of what was sent is not valid", errors={name: ["Enter a date between 1900 and 2100"]})
    return day


# Cursor pagination -------------------------------------------------------------------------------

MAX_LIMIT = 100


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"after:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        pk = int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Problem(400, "The cursor is not one this API gave: start again without it") from None
    if kind != "after" or pk < 0 or pk > 2**62:
        raise Problem(400, "The cursor is not one this API gave: start again without it")
    return pk


def page(queryset: Any, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
    """One page of ``queryset`` in order of id, after the cursor; the next page's cursor, or None at the end."""
    after = decode_cursor(cursor)
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[: limit + 1])
    if len(rows) > limit:
        return rows[:limit], encode_cursor(rows[limit - 1].pk)
    return rows, None


# Optimistic locking ----------------------------------------------------------------------------------


def if_match(request: HttpRequest) -> int:
    """The version the caller saw, from ``If-Match: "<version>"``; 428 if missing, 412 if not a version."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise Problem(
            428,
            'Send the version you last read in an If-Match header, like If-Match: "3"',
            title="Precondition required",
        )
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 12:
        raise Problem(412, "The If-Match header does not hold a version this API gave", title="The record has changed")
    return int(value)


def etag(version: int) -> str:
    return f'"{version}"'
