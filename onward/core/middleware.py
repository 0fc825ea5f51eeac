import json
import logging
from collections.abc import Callable, Iterable

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import get_resolver

from onward.core import health, request_context, uploads
from onward.core.logging import describe_files, error_class, error_outline

logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    """Answers ``/healthz`` first, before the session, sign-in or any other middleware that needs the
    database, so it says the database is down (503) instead of failing with it (500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path == health.PATH:
            return health.health_response()
        return self.get_response(request)


class RequestContextMiddleware:
    """Makes the request's address and id available to services and logs for its duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_context.begin(request)
        try:
            response = self.get_response(request)
        finally:
            request_context.end(token)
        # The same id as the request's log lines, for the access log and anyone reporting a fault.
        response["X-Request-ID"] = request.onward_context.request_id  # type: ignore[attr-defined]
        return response


class NoStoreMiddleware:
    """Says ``Cache-Control: no-store`` on every response to a signed-in user and on every download.

    Anything a signed-in user is sent may hold personal data (a page, a refusal naming a record, a
    CSV), so no browser or proxy may keep a copy. Public pages for anonymous visitors and static
    files (served before this middleware) may still be cached.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code >= 500:
            # An error page holds nothing personal, and asking who is signed in needs the
            # database, which may be what failed.
            response["Cache-Control"] = "no-store"
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or response.get("Content-Disposition", "").startswith("attachment"):
            response["Cache-Control"] = "no-store"
        return response


# Errors Django answers itself with a 4xx page; their messages are the service's own wording.
_CLIENT_ERRORS = (Http404, PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError)


class UploadErrorMiddleware:
    """Logs an error raised while handling uploaded files by the files' names and sizes and the error's class.

    Django would log the error with its traceback, and an error's message can quote what the files
    hold (PostgreSQL quotes the statement that failed, values and all). Instead this logs
    :func:`onward.core.logging.error_outline` (where it happened, the classes, no messages) and
    answers with the error page, as Django would.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, _CLIENT_ERRORS):
            return None
        files = _uploaded_files(request)
        if not files:
            return None
        logger.error(
            "An upload failed with %s: %s",
            error_class(exception),
            describe_files(files),
            extra={
                "error_class": error_class(exception),
                "uploads": [{"name": name, "size": size} for name, size in files],
                "error_outline": error_outline(exception),
            },
        )
        handler = get_resolver().resolve_error_handler(500)
        response: HttpResponse = handler(request)
        return response


def _uploaded_files(request: HttpRequest) -> list[tuple[str, int]]:
    """The name and size of each file uploaded with the request (none if it was not a multipart POST)."""
    if request.method != "POST" or request.content_type != "multipart/form-data":
        return []
    try:
        return [(item.name or "", item.size or 0) for key in request.FILES for item in request.FILES.getlist(key)]
    except Exception:  # a body that cannot be read has no files to name
        return []


def _has_nul(values: Iterable[str]) -> bool:
    return any("\x00" in value for value in values)


class UploadSizeMiddleware:
    """Refuses a request whose declared length (``Content-Length``) is over the upload limit, before
    anything reads its body: nothing is parsed, and nothing is written to the temporary directory.

    The limit is ``ONWARD_UPLOAD_MAX_MB`` (each form also checks each file against it, or a smaller
    limit of its own) plus :data:`FORM_SLACK` for the form's other fields and the multipart framing.
    The WSGI server never hands the application more than the declared length, so a body cannot be
    longer than it says. The page is the 400 page's, with the upload limit's GOV.UK message, and 413.
    """

    FORM_SLACK = 1024 * 1024

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = uploads.max_bytes()
        if declared > limit + self.FORM_SLACK:
            logger.warning(
                "Refused a request of %s declared bytes, over the upload limit",
                declared,
                extra={"declared_bytes": declared, "limit_bytes": limit},
            )
            reason = (
                f"The selected file must be smaller than {uploads.describe_size(limit)} "
                "(all the files together, if you chose more than one)."
            )
            response = render(request, "400.html", {"reason": reason}, status=413)
            response["Connection"] = "close"  # the unread body is not kept for another request
            return response
        return self.get_response(request)


class RefuseNulMiddleware:
    """Answers a request with a NUL character in its address, query string or form fields with a 400 page.

    No text Onward keeps may hold NUL (PostgreSQL refuses it, and so would the files Onward writes),
    so such a request is refused with a message before any view sees it. Uploaded files are not
    looked at here: each upload is checked by its own form.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            found = (
                "\x00" in request.path
                or _has_nul(k + "".join(v) for k, v in request.GET.lists())
                or (request.method == "POST" and _has_nul(k + "".join(v) for k, v in request.POST.lists()))
            )
        except (RequestDataTooBig, TooManyFieldsSent, UnicodeDecodeError):
            found = False  # Django answers these with its own 400 when the view reads the form
        if found:
            reason = "The web address or the form held a character that cannot be used (a NUL byte)."
            if request.path.startswith("/api/"):  # the API answers problem details (RFC 9457, ADR 27)
                body = {"type": "about:blank", "title": "Bad Request", "status": 400, "detail": reason}
                return HttpResponse(json.dumps(body), status=400, content_type="application/problem+json")
            return render(request, "400.html", {"reason": reason}, status=400)
        return self.get_response(request)
