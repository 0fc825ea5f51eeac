"""Signing in through an organisation's own SAML 2.0 identity provider (ADR 32).

pysaml2 does the protocol, with the xmlsec1 program for signatures: the AuthnRequest (signed with
Onward's key from settings, sent by the HTTP-Redirect binding), and the Response posted back to
the organisation's assertion consumer service, whose assertion must be signed by a certificate in
the identity provider's metadata and is checked for audience, expiry and InResponseTo (the
request's ID is kept in the session and used once: an unsolicited or replayed response is
refused). What is Onward's is shared with OpenID Connect (``onward.accounts.sso``): the provider
found from the email domain alone, the user matched by the provider's stable subject (here the
NameID) and only the first time by email within the provider's own organisation, and a refusal
that gets a clear message, is audited in the organisation's trail, and signs nobody in.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

if TYPE_CHECKING:
    from saml2.client import Saml2Client
    from saml2.config import SPConfig

from onward.accounts.models import IdentityProvider, Organisation
from onward.accounts.sso import GENERIC_REFUSAL, NO_ACCOUNT, Outcome, SignInRefused, _match_user, _with_provider

logger = logging.getLogger(__name__)

# pysaml2 is imported where it is used: it loads XML schemas, which only SAML sign-in needs.
BINDING_HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
BINDING_HTTP_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
NAMEID_FORMAT_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
NAMEID_FORMAT_TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"

PENDING_KEY = "saml_pending"
NOT_SET_UP = "Your organisation's sign-in is not set up correctly. Contact your administrator."
# Attribute names an identity provider may carry the email address in (Entra ID, ADFS, Google, eduPerson).
EMAIL_ATTRIBUTES = (
    "email",
    "mail",
    "emailAddress",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "urn:oid:0.9.2342.19200300.100.1.3",
)


def sp_entity_id(request: HttpRequest, organisation_pk: int) -> str:
    """Onward's entity ID for one organisation: the address of its service provider metadata."""
    return request.build_absolute_uri(reverse("accounts:saml-metadata", args=[organisation_pk]))


def acs_url(request: HttpRequest, organisation_pk: int) -> str:
    return request.build_absolute_uri(reverse("accounts:saml-acs", args=[organisation_pk]))


def sp_key_pair() -> tuple[str, str] | None:
    """Onward's key and certificate files, from settings (the environment); None if either is missing."""
    key, cert = settings.ONWARD_SAML_SP_KEY_FILE, settings.ONWARD_SAML_SP_CERT_FILE
    if key and cert and os.path.isfile(key) and os.path.isfile(cert):
        return key, cert
    return None


def _config(request: HttpRequest, organisation_pk: int, idp_metadata: str = "") -> SPConfig:
    from saml2.config import SPConfig

    pair = sp_key_pair()
    config: dict[str, object] = {
        "entityid": sp_entity_id(request, organisation_pk),
        "service": {
            "sp": {
                "name": "Onward",
                "endpoints": {"assertion_consumer_service": [(acs_url(request, organisation_pk), BINDING_HTTP_POST)]},
                "allow_unsolicited": False,
                "authn_requests_signed": pair is not None,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "name_id_format_allow_create": True,
            }
        },
        "xmlsec_binary": settings.ONWARD_SAML_XMLSEC_BINARY,
        "accepted_time_diff": settings.ONWARD_SAML_LEEWAY_SECONDS,
        "allow_unknown_attributes": True,
        "metadata": {"inline": [idp_metadata]} if idp_metadata else {},
    }
    if pair is not None:
        config["key_file"], config["cert_file"] = pair
        config["encryption_keypairs"] = [{"key_file": pair[0], "cert_file": pair[1]}]
    return SPConfig().load(config)


def sp_metadata(request: HttpRequest, organisation: Organisation) -> str:
    """The service provider metadata the organisation's administrator gives their identity provider."""
    from saml2.metadata import create_metadata_string

    return str(create_metadata_string(None, config=_config(request, organisation.pk), sign=False).decode())


@dataclass
class IdpMetadata:
    entity_id: str
    sso_url: str


BAD_METADATA = "The metadata is not valid SAML metadata: paste the XML your identity provider gives, or upload its file"


def read_idp_metadata(xml: str) -> IdpMetadata:
    """Check the identity provider's metadata; raises ValidationError with a message for the administrator."""
    from saml2.attribute_converter import ac_factory
    from saml2.mdstore import InMemoryMetaData

    if not xml.strip():
        raise ValidationError({"saml_metadata": "Enter your identity provider's metadata, or upload its file"})
    store = InMemoryMetaData(ac_factory(), metadata=xml.strip())
    try:
        store.load()
    except Exception as error:
        logger.info("SAML metadata refused: %s", type(error).__name__)
        raise ValidationError({"saml_metadata": BAD_METADATA}) from error
    providers = [entity for entity, descriptors in store.items() if "idpsso_descriptor" in descriptors]
    if len(providers) != 1:
        raise ValidationError(
            {"saml_metadata": "The metadata must describe exactly one identity provider: paste only your own"}
        )
    entity_id = providers[0]
    endpoints = store.service(entity_id, "idpsso_descriptor", "single_sign_on_service", BINDING_HTTP_REDIRECT)
    if isinstance(endpoints, dict):  # pysaml2 answers {binding: [endpoint]} or [endpoint] by version
        endpoints = [endpoint for found in endpoints.values() for endpoint in found]
    locations = [endpoint["location"] for endpoint in endpoints or [] if endpoint.get("location")]
    if not locations or (not locations[0].startswith("https://") and not _loopback_allowed(locations[0])):
        raise ValidationError(
            {
                "saml_metadata": "The metadata has no HTTPS sign-in address for the HTTP-Redirect binding: "
                "check your identity provider offers it"
            }
        )
    if not store.certs(entity_id, "idpsso", use="signing"):
        raise ValidationError(
            {"saml_metadata": "The metadata has no signing certificate: Onward cannot check your provider's signature"}
        )
    return IdpMetadata(entity_id=entity_id, sso_url=locations[0])


def _loopback_allowed(url: str) -> bool:
    from onward.accounts.sso import issuer_is_acceptable

    return url.startswith("http://") and issuer_is_acceptable(url.split("?", 1)[0])


def _client(request: HttpRequest, provider: IdentityProvider) -> Saml2Client:
    from saml2.client import Saml2Client

    return Saml2Client(config=_config(request, provider.organisation_id, provider.saml_metadata))


def start(request: HttpRequest, provider: IdentityProvider) -> HttpResponse:
    """Send the person to their organisation's identity provider with a (signed) AuthnRequest."""
    if sp_key_pair() is None:
        raise SignInRefused(NOT_SET_UP, "Onward's SAML key or certificate is not set (ONWARD_SAML_SP_KEY_FILE)")
    try:
        request_id, info = _client(request, provider).prepare_for_authenticate(
            entityid=provider.issuer, binding=BINDING_HTTP_REDIRECT
        )
    except Exception as error:
        raise SignInRefused(NOT_SET_UP, f"The sign-in request could not be made: {type(error).__name__}") from error
    request.session[PENDING_KEY] = {"provider": provider.pk, "request": request_id}
    return HttpResponseRedirect(dict(info["headers"])["Location"])


def finish(request: HttpRequest, organisation_pk: int) -> Outcome:
    """Check the response posted to the organisation's ACS and find the user it names."""
    from saml2.response import UnsolicitedResponse
    from saml2.sigver import MissingKey, SignatureError
    from saml2.validate import ResponseLifetimeExceed, ToEarly

    pending = request.session.pop(PENDING_KEY, None)
    provider = (
        IdentityProvider.objects.select_related("organisation")
        .filter(organisation_id=organisation_pk, protocol=IdentityProvider.Protocol.SAML, enabled=True)
        .first()
    )
    if provider is None:
        raise SignInRefused(GENERIC_REFUSAL, "A SAML response arrived for an organisation without SAML sign-in")
    if not isinstance(pending, dict) or pending.get("provider") != provider.pk:
        raise _with_provider(
            SignInRefused(GENERIC_REFUSAL, "A SAML response arrived with no sign-in started in this browser"), provider
        )
    encoded = request.POST.get("SAMLResponse", "")
    if not encoded:
        raise _with_provider(SignInRefused(GENERIC_REFUSAL, "The SAML response was empty"), provider)
    weak = _weak_algorithms(encoded)
    if weak:
        raise _refused(provider, f"The response is signed with SHA-1, which is no longer safe: {', '.join(weak)}")
    try:
        response = _client(request, provider).parse_authn_request_response(
            encoded, BINDING_HTTP_POST, outstanding={str(pending.get("request")): "/"}
        )
    except UnsolicitedResponse as error:
        raise _refused(provider, "The response's InResponseTo is not the sign-in started here (replayed?)") from error
    except MissingKey as error:
        raise _refused(
            provider, f"The response comes from an issuer not in the organisation's metadata: {error}"
        ) from error
    except SignatureError as error:
        raise _refused(provider, f"The assertion's signature was refused: {error}") from error
    except (ResponseLifetimeExceed, ToEarly) as error:
        raise _refused(provider, f"The assertion has expired or is not yet valid: {error}") from error
    except Exception as error:
        raise _refused(provider, f"The SAML response was refused: {type(error).__name__}: {error}") from error
    if response is None:
        raise _refused(provider, "The SAML response was refused (wrong destination, version or status)")
    if response.issuer() != provider.issuer:
        raise _refused(provider, f"The response names issuer {response.issuer()!r}, not the organisation's provider")
    if not _audience_is_us(response, sp_entity_id(request, organisation_pk)):
        raise _refused(provider, "The assertion has no audience restriction naming Onward for this organisation")
    name_id = response.name_id
    if name_id is None or not name_id.text or name_id.format == NAMEID_FORMAT_TRANSIENT:
        raise _with_provider(
            SignInRefused(NO_ACCOUNT, "The assertion has no stable NameID (persistent) to match the user by"),
            provider,
        )
    claims = {"sub": name_id.text.strip(), "email": _email(response.ava)}
    return Outcome(user=_match_user(provider, claims), provider=provider)


WEAK_ALGORITHMS = ("sha1",)  # rsa-sha1, dsa-sha1, ecdsa-sha1, hmac-sha1 and the xmldsig#sha1 digest


def _weak_algorithms(encoded: str) -> list[str]:
    """The signature and digest algorithms in the response that use SHA-1 (pysaml2 accepts them)."""
    import base64
    import binascii

    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(base64.b64decode(encoded, validate=False))
    except (binascii.Error, ValueError, ElementTree.ParseError):
        return []  # not XML: pysaml2 refuses it with its own reason
    found = []
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] in ("SignatureMethod", "DigestMethod"):
            algorithm = element.get("Algorithm", "")
            if algorithm.rsplit("#", 1)[-1].rsplit("-", 1)[-1].lower() in WEAK_ALGORITHMS:
                found.append(algorithm)
    return sorted(set(found))


def _refused(provider: IdentityProvider, detail: str) -> SignInRefused:
    return _with_provider(SignInRefused(GENERIC_REFUSAL, detail[:400]), provider)


def _audience_is_us(response: object, entity_id: str) -> bool:
    conditions = getattr(getattr(response, "assertion", None), "conditions", None)
    if conditions is None:
        return False
    return any(
        audience.text and audience.text.strip() == entity_id
        for restriction in conditions.audience_restriction
        for audience in restriction.audience
    )


def _email(attributes: dict[str, list[str]]) -> str:
    for name in EMAIL_ATTRIBUTES:
        for value in attributes.get(name, []):
            if isinstance(value, str) and "@" in value:
                return value.strip().lower()
    return ""
