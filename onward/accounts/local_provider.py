"""A small OpenID Connect provider served on localhost, for the demo and the test suite (ADR 24).

It speaks the real protocol over HTTP, so Onward's sign-in (Authlib's client) is exercised end to
end: discovery, the authorisation code flow with PKCE, client authentication at the token
endpoint, and an ID token signed with RS256 (joserfc) whose key is published as a JWKS. It keeps a
small directory of synthetic accounts; its sign-in page lets the person choose one.

It is not a production identity provider: it has no passwords. Tests change what it issues through
:attr:`LocalProvider.claim_overrides` (another audience, another issuer, an expired token) and
:attr:`LocalProvider.sign_with` (a key the provider does not publish).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CODE_LIFETIME_SECONDS = 60
TOKEN_LIFETIME_SECONDS = 300


@dataclass
class Account:
    subject: str
    email: str
    given_name: str
    family_name: str


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    code_challenge: str
    account: Account
    issued_at: float


@dataclass
class LocalProvider:
    """An OpenID Connect provider on ``http://127.0.0.1:<port>``; :meth:`start` serves it in a thread."""

    client_id: str
    client_secret: str
    redirect_uris: list[str]
    accounts: dict[str, Account] = field(default_factory=dict)
    host: str = "127.0.0.1"
    port: int = 0
    amr: list[str] = field(default_factory=lambda: ["pwd", "mfa"])
    claim_overrides: dict[str, Any] = field(default_factory=dict)
    sign_with: RSAKey | None = None
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8)}))
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # Running ---------------------------------------------------------------------------------

    @property
    def issuer(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LocalProvider:
        provider = self

        class Handler(_Handler):
            op = provider

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-oidc-provider", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.start()
        assert self._thread is not None  # noqa: S101 - started just above
        self._thread.join()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def add_account(self, *, email: str, given_name: str, family_name: str, subject: str | None = None) -> Account:
        account = Account(subject or secrets.token_hex(12), email.lower(), given_name, family_name)
        self.accounts[account.email] = account
        return account

    # The protocol ----------------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "given_name", "family_name", "amr"],
        }

    def jwks(self) -> dict[str, Any]:
        return dict(KeySet([self.key]).as_dict(private=False))

    def authorize(self, params: dict[str, str], email: str) -> tuple[int, str]:
        """The person chose ``email``: a redirect back to the client with a code, or an error page."""
        if params.get("client_id") != self.client_id or params.get("redirect_uri") not in self.redirect_uris:
            return 400, "Unknown client or redirect address"
        if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
            return 400, "Only the authorisation code flow with the openid scope is supported"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return 400, "PKCE (S256) is required"
        account = self.accounts.get(email.strip().lower())
        query: dict[str, str] = {"state": params.get("state", "")}
        if account is None:
            query.update(error="access_denied", error_description="No such account")
        else:
            code = secrets.token_urlsafe(24)
            self._codes[code] = _Grant(
                client_id=self.client_id,
                redirect_uri=params["redirect_uri"],
                nonce=params.get("nonce", ""),
                code_challenge=params["code_challenge"],
                account=account,
                issued_at=time.time(),
            )
            query["code"] = code
        return 302, f"{params['redirect_uri']}?{urlencode(query)}"

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, client_secret = decoded.partition(":")
        if client_id != self.client_id or not secrets.compare_digest(client_secret, self.client_secret):
            return 401, {"error": "invalid_client"}
        grant = self._codes.pop(form.get("code", ""), None)
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or grant.redirect_uri != form.get("redirect_uri")
            or time.time() - grant.issued_at > CODE_LIFETIME_SECONDS
        ):
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not secrets.compare_digest(challenge, grant.code_challenge):
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier does not match"}
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": grant.account.subject,
            "aud": self.client_id,
            "iat": now,
            "exp": now + TOKEN_LIFETIME_SECONDS,
            "nonce": grant.nonce,
            "email": grant.account.email,
            "email_verified": True,
            "given_name": grant.account.given_name,
            "family_name": grant.account.family_name,
            "amr": self.amr,
        }
        access_token = secrets.token_urlsafe(24)
        claims["at_hash"] = _at_hash(access_token)
        claims.update(self.claim_overrides)
        key = self.sign_with or self.key
        header = {"alg": "RS256", "kid": key.kid}
        id_token = jwt.encode(header, claims, key)
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}


def _at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode()).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


SIGN_IN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Local identity provider: sign in</title></head>
<body><main>
<h1>Local identity provider</h1>
<p>This stands in for your organisation's own sign-in (for example Microsoft Entra ID).</p>
<form method="post" action="/authorize">
{hidden}
<label for="login">Work email address</label>
<input id="login" name="login" type="email" autocomplete="email" value="{login_hint}">
<button type="submit">Sign in with your organisation</button>
</form>
</main></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    op: LocalProvider

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict[str, Any]) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        return {key: values[0] for key, values in parse_qs(raw).items()}

    def _answer_authorize(self, params: dict[str, str], email: str) -> None:
        status, target = self.op.authorize(params, email)
        if status == 302:
            self._send(302, b"", "text/plain", {"Location": target})
        else:
            self._send(status, html.escape(target).encode(), "text/plain; charset=utf-8")

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = {key: values[0] for key, values in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            self._json(200, self.op.metadata())
        elif url.path == "/jwks":
            self._json(200, self.op.jwks())
        elif url.path == "/authorize":
            hidden = "\n".join(
                f'<input type="hidden" name="{html.escape(key)}" value="{html.escape(value)}">'
                for key, value in params.items()
                if key != "login_hint"
            )
            page = SIGN_IN_PAGE.format(hidden=hidden, login_hint=html.escape(params.get("login_hint", "")))
            self._send(200, page.encode(), "text/html; charset=utf-8")
        else:
            self._send(404, b"Not found", "text/plain")

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        form = self._form()
        if path == "/authorize":
            self._answer_authorize(form, form.pop("login", ""))
        elif path == "/token":
            status, body = self.op.token(form, self.headers.get("Authorization", ""))
            self._json(status, body)
        else:
            self._send(404, b"Not found", "text/plain")
