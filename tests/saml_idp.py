"""A real SAML 2.0 identity provider for the tests: pysaml2's own ``saml2.server.Server``.

Its key and certificate are made at test time (with ``cryptography``) and written to a temporary
folder; so is Onward's own SP key pair (:func:`make_key_pair`). Nothing of pysaml2 is mocked: the
provider reads Onward's real AuthnRequest, and signs a real Response with xmlsec1. ``serve()``
puts it on localhost for the browser test, with a sign-in page of its own.
"""

from __future__ import annotations

import base64
import datetime
import html
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

AUTHN = {"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"}


def make_key_pair(folder: Path, name: str) -> tuple[str, str]:
    """A throwaway RSA key and self-signed certificate for tests only; returns (key file, cert file)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} (test only)")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


@dataclass
class Account:
    email: str
    subject: str


@dataclass
class SamlIdP:
    """An identity provider with entity ID ``entity_id`` and its sign-in page at ``sso_url``."""

    folder: Path
    entity_id: str = "https://idp.alderley.example/saml"
    sso_url: str = "https://idp.alderley.example/saml/sso"
    accounts: dict[str, Account] = field(default_factory=dict)
    sp_metadata: list[str] = field(default_factory=list)
    _server: WSGIServer | None = None

    def __post_init__(self) -> None:
        self.key_file, self.cert_file = make_key_pair(self.folder, f"idp-{abs(hash(self.entity_id))}")

    def _config(self) -> IdPConfig:
        return IdPConfig().load(
            {
                "entityid": self.entity_id,
                "service": {
                    "idp": {
                        "endpoints": {"single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)]},
                        "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None}},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    }
                },
                "key_file": self.key_file,
                "cert_file": self.cert_file,
                "metadata": {"inline": self.sp_metadata} if self.sp_metadata else {},
                "xmlsec_binary": "/usr/bin/xmlsec1",
            }
        )

    @property
    def metadata(self) -> str:
        """The metadata an administrator pastes into Onward (signing certificate and sign-in address)."""
        return str(create_metadata_string(None, config=self._config(), sign=False).decode())

    def trust(self, sp_metadata: str) -> None:
        """The administrator gives the provider Onward's service provider metadata."""
        self.sp_metadata.append(sp_metadata)

    def add_account(self, email: str, subject: str | None = None) -> Account:
        account = Account(email=email, subject=subject or f"pid-{abs(hash((self.entity_id, email))):x}")
        self.accounts[email] = account
        return account

    def read_request(self, location: str) -> Any:
        """Read Onward's AuthnRequest from the redirect address."""
        query = parse_qs(urlsplit(location).query)
        server = Server(config=self._config())
        return server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT).message

    def respond(
        self,
        *,
        in_response_to: str,
        acs: str,
        audience: str,
        email: str,
        subject: str | None = None,
        sign: bool = True,
        sign_alg: str = SIG_RSA_SHA256,
        digest_alg: str = DIGEST_SHA256,
    ) -> str:
        """A base64 SAMLResponse, as the provider would post it to ``acs``."""
        server = Server(config=self._config())
        account = self.accounts.get(email)
        response = server.create_authn_response(
            {"mail": [email]},
            in_response_to=in_response_to,
            destination=acs,
            sp_entity_id=audience,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject or (account.subject if account else email)),
            authn=AUTHN,
            sign_assertion=sign,
            sign_response=False,
            sign_alg=sign_alg,
            digest_alg=digest_alg,
        )
        return base64.b64encode(str(response).encode()).decode()

    # On localhost, for the browser test --------------------------------------------------------

    def serve(self) -> SamlIdP:
        """Serve the provider's sign-in page on localhost; ``sso_url`` becomes its address."""
        self._server = make_server("127.0.0.1", 0, self._app, handler_class=_QuietHandler)
        self.sso_url = f"http://127.0.0.1:{self._server.server_port}/sso"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ["REQUEST_METHOD"] == "GET":
            location = f"{self.sso_url}?{environ.get('QUERY_STRING', '')}"
            body = (
                '<!doctype html><html lang="en"><head><title>Council sign-in (SAML)</title></head><body><main>'
                "<h1>Council sign-in (SAML)</h1>"
                f'<form method="post"><input type="hidden" name="location" value="{html.escape(location)}">'
                '<label for="login">Work email</label> <input id="login" name="login" type="email">'
                "<button>Sign in at the council</button></form></main></body></html>"
            )
        else:
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {key: values[0] for key, values in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            request = self.read_request(form["location"])
            acs = request.assertion_consumer_service_url
            answer = self.respond(
                in_response_to=request.id, acs=acs, audience=request.issuer.text, email=form.get("login", "")
            )
            body = (
                '<!doctype html><html lang="en"><head><title>Signing in</title></head><body>'
                f'<form method="post" action="{html.escape(acs)}">'
                f'<input type="hidden" name="SAMLResponse" value="{answer}">'
                "<button>Continue to the service</button></form>"
                "<script>document.forms[0].submit()</script></body></html>"
            )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode()]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


__all__ = ["BINDING_HTTP_POST", "SamlIdP", "make_key_pair"]
