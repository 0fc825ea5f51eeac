"""The request being served, as seen by code that has no request object (services, logging).

Set by :class:`onward.core.middleware.RequestContextMiddleware`; empty outside a request
(management commands, background tasks), where the audit records no address.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None
    path: str


REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_current: ContextVar[RequestContext | None] = ContextVar("onward_request_context", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies saw.

    ``ONWARD_PROXY_COUNT`` says how many proxies in front of the service append to
    X-Forwarded-For; with none (the default) the header is ignored, since a client can forge it.
    """
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return str(hops[-proxies])
    remote = request.META.get("REMOTE_ADDR")
    return str(remote) if remote else None


def _given_id(value: str) -> str:
    """A request id set by the proxy in front, if it looks like one (it is echoed and logged)."""
    return value if REQUEST_ID.fullmatch(value) else ""


def begin(request: HttpRequest) -> object:
    context = RequestContext(
        request_id=_given_id(request.headers.get("X-Request-Id", "")) or uuid.uuid4().hex,
        ip_address=client_ip(request),
        path=request.path,
    )
    request.onward_context = context  # type: ignore[attr-defined]
    return _current.set(context)


def end(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def current() -> RequestContext | None:
    return _current.get()
