"""Signing in through an organisation's own OpenID Connect provider (ADR 24).

Authlib's Django client does the protocol: discovery, the authorisation code flow with PKCE, the
state and nonce kept in the session and checked once, and the ID token's signature (from the
provider's JWKS), audience, expiry, issuer and nonce. This module adds what is Onward's:

- which provider: the one whose organisation allows the email address's domain (the answer
  depends on the domain only, never on whether an account exists);
- which user: the provider's own (issuer, subject) link; only the first sign-in links by email
  address, and only to a user of the provider's own organisation with an allowed domain;
- a refusal gets a clear message, is audited in the provider's organisation's trail, and signs
  nobody in.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App
from authlib.integrations.django_client.integration import DjangoIntegration
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from joserfc.errors import JoseError

from onward.accounts.models import ExternalIdentity, IdentityProvider, User
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record

PENDING_KEY = "oidc_pending_provider"
PROVIDER_KEY = "oidc_provider"
MFA_KEY = "oidc_mfa"
NEXT_KEY = "oidc_next"
HTTP_TIMEOUT_SECONDS = 10


class SignInRefused(Exception):
    """The provider's answer signs nobody in. ``message`` is for the person; ``detail`` for the audit trail."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(detail)
        self.message = message
        self.detail = detail


GENERIC_REFUSAL = "Your organisation's sign-in did not complete. Start again from the sign-in page."


def email_domain(email: str) -> str:
    return email.strip().rsplit("@", 1)[-1].casefold() if "@" in email else ""


def provider_for_email(email: str) -> IdentityProvider | None:
    """The enabled provider of the organisation whose verified email domain this address is at, if the
    provider allows that domain. A domain is one organisation's at most (``OrganisationDomain``), and
    only the Onward service team records it: an administrator's provider cannot draw in another's staff."""
    domain = email_domain(email)
    if not domain:
        return None
    provider = (
        IdentityProvider.objects.filter(enabled=True, organisation__email_domains__domain=domain)
        .select_related("organisation")
        .first()
    )
    return provider if provider is not None and domain in provider.domains else None


def provider_origins() -> list[str]:
    """The origins of every enabled provider: the sign-in form may be answered by a redirect to one."""
    origins = set()
    addresses = IdentityProvider.objects.filter(enabled=True).values_list("issuer", "saml_sso_url")
    for address in (saml_sso_url or issuer for issuer, saml_sso_url in addresses):
        parts = urlsplit(address)
        if parts.scheme in ("https", "http") and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def organisation_signs_in_with_provider(user: User) -> bool:
    return IdentityProvider.objects.filter(organisation_id=user.organisation_id, enabled=True).exists()


def issuer_is_acceptable(issuer: str) -> bool:
    """HTTPS; plain HTTP only to this machine, and only where settings allow it (the demo and tests)."""
    try:
        parts = urlsplit(issuer)
        hostname = parts.hostname
    except ValueError:
        return False
    if any(character.isspace() for character in issuer) or parts.query or parts.fragment:
        return False
    if parts.scheme == "https" and hostname:
        return True
    if parts.scheme != "http" or not settings.ONWARD_OIDC_ALLOW_LOOPBACK_HTTP:
        return False
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname or "").is_loopback
    except ValueError:
        return False


def client_secret(provider: IdentityProvider) -> str:
    """The client secret from the environment variable the administrator named (never the database)."""
    name = provider.client_secret_env
    if not name.startswith(IdentityProvider.SECRET_ENV_PREFIX):
        return ""
    return os.environ.get(name, "")


def _client(provider: IdentityProvider, secret: str) -> DjangoOAuth2App:
    name = f"oidc-{provider.pk}"
    return DjangoOAuth2App(
        DjangoIntegration(name),
        name=name,
        client_id=provider.client_id,
        client_secret=secret,
        server_metadata_url=provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "default_timeout": HTTP_TIMEOUT_SECONDS,
        },
    )


def _load_metadata(provider: IdentityProvider, client: DjangoOAuth2App) -> None:
    metadata = client.load_server_metadata()
    if metadata.get("issuer") != provider.issuer:
        raise SignInRefused(
            GENERIC_REFUSAL, f"The provider's discovery document names issuer {metadata.get('issuer')!r}"
        )


def callback_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("accounts:oidc-callback"))


def start(request: HttpRequest, provider: IdentityProvider, email: str) -> HttpResponse:
    """Send the person to their organisation's provider (state, nonce and PKCE kept in the session)."""
    secret = client_secret(provider)
    if not secret or not issuer_is_acceptable(provider.issuer):
        raise SignInRefused(
            "Your organisation's sign-in is not set up correctly. Contact your administrator.",
            "The provider's client secret is not set in the environment, or its issuer is not allowed",
        )
    client = _client(provider, secret)
    try:
        _load_metadata(provider, client)
        response: HttpResponse = client.authorize_redirect(request, callback_url(request), login_hint=email)
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as error:
        raise SignInRefused(
            "Your organisation's sign-in cannot be reached at the moment. Try again later.",
            f"The provider could not be reached: {type(error).__name__}",
        ) from error
    request.session[PENDING_KEY] = provider.pk
    return response


@dataclass
class Outcome:
    user: User
    provider: IdentityProvider


def finish(request: HttpRequest) -> Outcome:
    """Check the provider's answer and find the user it names; raises :class:`SignInRefused`."""
    provider_pk = request.session.pop(PENDING_KEY, None)
    provider = (
        IdentityProvider.objects.select_related("organisation").filter(pk=provider_pk, enabled=True).first()
        if isinstance(provider_pk, int)
        else None
    )
    if provider is None:
        raise SignInRefused(GENERIC_REFUSAL, "An answer arrived with no sign-in started in this browser")
    try:
        client = _client(provider, client_secret(provider))
        _load_metadata(provider, client)
        token = client.authorize_access_token(
            request,
            claims_options={
                "iss": {"essential": True, "value": provider.issuer},
                "sub": {"essential": True},
                "exp": {"essential": True},
                # Pinned here: Authlib alone accepts another audience when ``azp`` names this client.
                "aud": {"essential": True, "value": provider.client_id},
            },
            leeway=settings.ONWARD_OIDC_LEEWAY_SECONDS,
        )
    except SignInRefused as refusal:
        raise _with_provider(refusal, provider) from refusal
    except MismatchingStateError as error:
        raise _with_provider(
            SignInRefused(GENERIC_REFUSAL, "The answer's state does not match a sign-in started here (replayed?)"),
            provider,
        ) from error
    except OAuthError as error:
        raise _with_provider(
            SignInRefused(
                "Your organisation's sign-in did not let you in. Start again, or contact your administrator.",
                f"The provider answered with an error: {error.error}",
            ),
            provider,
        ) from error
    except JoseError as error:
        raise _with_provider(
            SignInRefused(GENERIC_REFUSAL, f"The ID token was refused: {error.error}: {error.description or ''}"),
            provider,
        ) from error
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as error:
        raise _with_provider(
            SignInRefused(
                "Your organisation's sign-in cannot be reached at the moment. Try again later.",
                f"The provider could not be reached or answered wrongly: {type(error).__name__}",
            ),
            provider,
        ) from error
    claims = token.get("userinfo")
    if not claims:
        raise _with_provider(SignInRefused(GENERIC_REFUSAL, "The provider sent no ID token"), provider)
    return Outcome(user=_match_user(provider, dict(claims)), provider=provider)


class _ProviderRefusal(SignInRefused):
    def __init__(self, refusal: SignInRefused, provider: IdentityProvider, user: User | None = None) -> None:
        super().__init__(refusal.message, refusal.detail)
        self.provider = provider
        self.user = user


def _with_provider(refusal: SignInRefused, provider: IdentityProvider, user: User | None = None) -> _ProviderRefusal:
    return _ProviderRefusal(refusal, provider, user)


NO_ACCOUNT = "You cannot sign in to Onward with this account. Ask your organisation's Onward administrator to add you."


def _claimed_email(claims: dict[str, Any]) -> str:
    for key in ("email", "preferred_username", "upn"):
        value = claims.get(key)
        if isinstance(value, str) and "@" in value:
            return value.strip().lower()
    return ""


def _match_user(provider: IdentityProvider, claims: dict[str, Any]) -> User:
    subject = str(claims["sub"])
    identity = (
        ExternalIdentity.objects.select_related("user", "user__organisation")
        .filter(issuer=provider.issuer, subject=subject)
        .first()
    )
    if identity is not None:
        user = identity.user
        if identity.provider_id != provider.pk or user.organisation_id != provider.organisation_id:
            raise _with_provider(SignInRefused(NO_ACCOUNT, "The subject is linked to another organisation"), provider)
        if not user.is_active:
            raise _with_provider(SignInRefused(NO_ACCOUNT, "The linked user is deactivated"), provider, user)
        ExternalIdentity.objects.filter(pk=identity.pk).update(last_used_at=timezone.now())
        return user
    email = _claimed_email(claims)
    if not email or email_domain(email) not in provider.domains:
        raise _with_provider(
            SignInRefused(NO_ACCOUNT, f"The provider asserted an address outside the allowed domains: {email!r}"),
            provider,
        )
    found = User.objects.select_related("organisation").filter(email__iexact=email).first()
    if found is None:
        raise _with_provider(SignInRefused(NO_ACCOUNT, f"No Onward user has the address {email!r}"), provider)
    user = found
    if user.organisation_id != provider.organisation_id:
        raise _with_provider(
            SignInRefused(NO_ACCOUNT, f"The provider asserted {email!r}, a user of another organisation"), provider
        )
    if not user.is_active:
        raise _with_provider(SignInRefused(NO_ACCOUNT, "The user is deactivated"), provider, user)
    if ExternalIdentity.objects.filter(provider=provider, user=user).exists():
        raise _with_provider(
            SignInRefused(NO_ACCOUNT, "The user is already linked to another subject at this provider"),
            provider,
            user,
        )
    try:
        _link(provider, user, subject)
    except IntegrityError as error:  # the same subject or user linked at the same moment by another request
        raise _with_provider(
            SignInRefused(GENERIC_REFUSAL, "The account was being linked twice at once"), provider, user
        ) from error
    return user


@transaction.atomic
def _link(provider: IdentityProvider, user: User, subject: str) -> None:
    ExternalIdentity.objects.create(
        user=user, provider=provider, issuer=provider.issuer, subject=subject, last_used_at=timezone.now()
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.CHANGE,
        council=provider.organisation,
        obj=user,
        summary="Linked to their account at the organisation's identity provider on first sign-in",
    )


@transaction.atomic
def refusal_record(refusal: SignInRefused, *, provider: IdentityProvider | None = None) -> None:
    """Audit a refused sign-in in the provider's organisation's trail."""
    provider = getattr(refusal, "provider", provider)
    audit_record(
        actor=getattr(refusal, "user", None),
        action=AuditEvent.Action.SIGN_IN_FAILED,
        council=provider.organisation if provider is not None else None,
        obj=provider,
        summary=f"Sign-in through the organisation's identity provider refused: {refusal.detail}"[:500],
    )
