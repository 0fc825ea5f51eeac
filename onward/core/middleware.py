from collections.abc import Callable, Iterable

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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


def _has_nul(values: Iterable[str]) -> bool:
    return any("\x00" in value for value in values)


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
            return render(request, "400.html", {"reason": reason}, status=400)
        return self.get_response(request)
