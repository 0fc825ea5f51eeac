from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from onward.core import request_context


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
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or response.get("Content-Disposition", "").startswith("attachment"):
            response["Cache-Control"] = "no-store"
        return response
