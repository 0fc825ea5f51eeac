from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
        # The same id as the request's log lines, for the access log and anyone reporting a fault.
        response["X-Request-ID"] = request.onward_context.request_id  # type: ignore[attr-defined]
        return response
