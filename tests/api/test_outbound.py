"""Webhooks go to public addresses only (onward/api/outbound.py): refused when made, refused again at
delivery against the address actually connected to, and never redirected.

The delivery tests use a real HTTPS server on this machine (a certificate made for 127.0.0.1 here and
trusted through SSL_CERT_FILE), allowed only where the installation names the loopback range."""

from __future__ import annotations

import datetime
import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError

from onward.api import outbound, services
from onward.api.models import Webhook


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.7:8443/hook",
        "https://172.16.5.5/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "https://localhost/hook",
        "https://LOCALHOST./hook",
        "https://admin.localhost/hook",
        "http://partner.example/hook",
        "https:///hook",
    ],
)
def test_an_address_that_is_not_public_or_not_https_is_refused(url: str) -> None:
    assert outbound.refusal(url) is not None


@pytest.mark.parametrize(
    "url", ["https://partner.example/onward", "https://8.8.8.8/hook", "https://[2001:4860::8888]/"]
)
def test_a_public_address_or_a_name_is_accepted_when_made(url: str) -> None:
    assert outbound.refusal(url) is None


def test_an_allowed_private_network_is_accepted(settings: Any) -> None:
    settings.ONWARD_WEBHOOK_PRIVATE_NETWORKS = ["10.20.0.0/16"]
    assert outbound.refusal("https://10.20.3.4/hook") is None
    assert outbound.refusal("https://10.21.3.4/hook") is not None


def test_making_a_webhook_to_a_private_address_is_refused_with_a_message_and_saves_nothing(world: Any) -> None:
    tenant = world["A"]
    with pytest.raises(ValidationError) as refused:
        services.webhook_create(
            acting_user=tenant.users["partner_administrator"],
            user=tenant.users["partner_provider"],
            name="Internal",
            url="https://169.254.169.254/latest/meta-data/",
            events=["referral"],
        )
    assert "private, loopback and link-local addresses are not allowed" in refused.value.message_dict["url"][0]
    assert not Webhook.objects.exists()


def _resolving_to(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> list[str]:
    """Make every name resolve to ``addresses``; any connection attempt is recorded (and fails)."""
    import socket

    connected: list[str] = []

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    class Refuse(socket.socket):
        def connect(self, address: Any) -> None:
            connected.append(address[0])
            raise ConnectionRefusedError

    monkeypatch.setattr(outbound.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(outbound.socket, "socket", Refuse)
    return connected


def test_a_name_that_resolves_to_a_private_address_is_refused_at_delivery_before_connecting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    connected = _resolving_to(monkeypatch, "10.0.0.8")
    with pytest.raises(outbound.NotPublicAddress):
        outbound.post("https://rebinding.example/hook", b"{}", {}, timeout=2)
    assert connected == []


def test_a_name_with_any_private_address_among_public_ones_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    connected = _resolving_to(monkeypatch, "8.8.8.8", "127.0.0.1")
    with pytest.raises(outbound.NotPublicAddress):
        outbound.post("https://mixed.example/hook", b"{}", {}, timeout=2)
    assert connected == []


def test_a_public_name_is_connected_to_the_address_that_was_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    connected = _resolving_to(monkeypatch, "8.8.4.4")
    with pytest.raises(ConnectionRefusedError):
        outbound.post("https://public.example/hook", b"{}", {}, timeout=2)
    assert connected == ["8.8.4.4"]


# A real HTTPS receiver on this machine ----------------------------------------------------------------


@pytest.fixture
def receiver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[dict[str, Any]]:
    """An HTTPS server on 127.0.0.1 with a certificate made here; answers 204, or 302 to /redirect."""
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    seen: dict[str, Any] = {"bodies": []}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen["bodies"].append(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "https://127.0.0.1:1/elsewhere")
            else:
                self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    seen["base"] = f"https://127.0.0.1:{server.server_address[1]}"
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()


def test_loopback_is_refused_even_with_a_real_receiver_there(receiver: dict[str, Any]) -> None:
    with pytest.raises(outbound.NotPublicAddress):
        outbound.post(receiver["base"] + "/hook", b'{"a": 1}', {}, timeout=5)
    assert receiver["bodies"] == []


def test_an_allowed_network_is_delivered_to_over_verified_tls_and_redirects_are_not_followed(
    receiver: dict[str, Any], settings: Any
) -> None:
    settings.ONWARD_WEBHOOK_PRIVATE_NETWORKS = ["127.0.0.0/8"]
    assert (
        outbound.post(receiver["base"] + "/hook", b'{"a": 1}', {"Content-Type": "application/json"}, timeout=5) == 204
    )
    assert outbound.post(receiver["base"] + "/redirect", b'{"b": 2}', {}, timeout=5) == 302
    assert receiver["bodies"] == [b'{"a": 1}', b'{"b": 2}']
