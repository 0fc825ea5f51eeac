"""Where Onward may send a webhook: public addresses only, checked when the webhook is made and again,
against the address actually connected to, at each delivery.

A webhook's address is typed by an organisation's administrator, so without this Onward could be
made to post to its own network: the database, the cloud provider's metadata service
(169.254.169.254), an internal admin page (server-side request forgery). So:

- an address naming ``localhost`` or an IP address that is not public is refused when the webhook
  is made, with a message;
- at delivery the host name is resolved, EVERY address it resolves to must be public, and the
  connection is made to the address that was checked (a name that resolves differently a moment
  later, "DNS rebinding", cannot slip through); TLS is still verified against the host name;
- redirects are never followed (an answer of 3xx is a failed delivery).

``ONWARD_WEBHOOK_PRIVATE_NETWORKS`` (CIDR ranges, none by default) lets an installation on a
council's own network deliver to receivers inside it.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings


class NotPublicAddress(ValueError):
    """The address is not one Onward may send to."""


def _allowed_private() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(net, strict=False) for net in settings.ONWARD_WEBHOOK_PRIVATE_NETWORKS]


def address_allowed(ip: str) -> bool:
    """True for an address on the public internet, or inside a network the installation allows."""
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in _allowed_private()):
        return True
    return address.is_global and not address.is_multicast


def refusal(url: str) -> str | None:
    """Why ``url`` may not be a webhook's address, in words for the form; None if it may."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return "Enter an address that starts with https://"
    host = parts.hostname.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return "Enter an address on the internet, not this server (localhost)"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: checked against what it resolves to at each delivery
    if not address_allowed(host):
        return "Enter an address on the internet: private, loopback and link-local addresses are not allowed"
    return None


def public_addresses(host: str, port: int) -> list[tuple[int, tuple[str, int]]]:
    """Every address ``host`` resolves to, as (family, socket address); NotPublicAddress if any is not public."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not found:
        raise NotPublicAddress(f"{host} resolves to no address")
    for _family, _type, _proto, _name, sockaddr in found:
        if not address_allowed(str(sockaddr[0])):
            raise NotPublicAddress(f"{host} resolves to {sockaddr[0]}, which is not a public address")
    return [(family, (str(sockaddr[0]), int(sockaddr[1]))) for family, _t, _p, _n, sockaddr in found]


class PublicHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection that connects only to a checked public address of its host."""

    def connect(self) -> None:
        family, sockaddr = public_addresses(self.host, self.port)[0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(self.timeout if isinstance(self.timeout, int | float) else None)
        try:
            sock.connect(sockaddr)
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]
        except BaseException:
            sock.close()
            raise


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST ``body`` to ``url`` (https, public addresses only, no redirects); the answer's status code."""
    reason = refusal(url)
    if reason is not None:
        raise NotPublicAddress(reason)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = PublicHTTPSConnection(
        str(parts.hostname), parts.port or 443, timeout=timeout, context=ssl.create_default_context()
    )
    try:
        connection.request("POST", path, body=body, headers=headers)
        return int(connection.getresponse().status)
    finally:
        connection.close()
