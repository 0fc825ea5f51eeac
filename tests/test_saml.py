"""Signing in through an organisation's own SAML 2.0 identity provider (ADR 32).

The identity provider is pysaml2's own ``saml2.server.Server`` (``tests/saml_idp.py``) with keys
made at test time: it reads Onward's real AuthnRequest and signs real responses with xmlsec1.
Onward's side (pysaml2's client) is not mocked either.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from onward.accounts import services
from onward.accounts.models import ExternalIdentity, IdentityProvider, User
from onward.audit.models import AuditEvent
from tests.conftest import Tenant, sign_in
from tests.factories import UserFactory, verified_domains
from tests.saml_idp import SamlIdP, make_key_pair

DOMAIN = "staff.alderley.example"


@pytest.fixture
def sp_keys(tmp_path: Path, settings) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Onward's own SAML key pair, as an operator sets it through the environment (test only)."""
    settings.ONWARD_SAML_SP_KEY_FILE, settings.ONWARD_SAML_SP_CERT_FILE = make_key_pair(tmp_path, "onward-sp")
    return settings.ONWARD_SAML_SP_KEY_FILE, settings.ONWARD_SAML_SP_CERT_FILE


@pytest.fixture
def idp(tmp_path: Path) -> SamlIdP:
    return SamlIdP(folder=tmp_path)


def entity_id(tenant: Tenant) -> str:
    return "http://testserver" + reverse("accounts:saml-metadata", args=[tenant.council.pk])


def acs(tenant: Tenant) -> str:
    return "http://testserver" + reverse("accounts:saml-acs", args=[tenant.council.pk])


def connect(tenant: Tenant, idp: SamlIdP, *, domains: str = DOMAIN, mfa: bool = True) -> IdentityProvider:
    verified_domains(tenant.council, *domains.split())  # the service team records them first
    provider = services.saml_provider_save(
        acting_user=tenant.users["administrator"],
        organisation=tenant.council,
        version=None,
        metadata=idp.metadata,
        allowed_domains=domains,
        mfa_replaces_code=mfa,
        enabled=True,
    )
    metadata = Client().get(reverse("accounts:saml-metadata", args=[tenant.council.pk]))
    assert metadata.status_code == 200
    idp.trust(metadata.content.decode())
    return provider


def staff_member(tenant: Tenant, email: str = f"rowan.hale@{DOMAIN}") -> User:
    return services.user_create(
        acting_user=None,
        organisation=tenant.council,
        email=email,
        given_name="Rowan",
        family_name="Hale",
        role_keys={"personal_adviser"},
        teams=[tenant.team],
    )


@pytest.fixture
def connected(world: dict[str, Tenant], idp: SamlIdP, sp_keys) -> tuple[IdentityProvider, User]:  # type: ignore[no-untyped-def]
    provider = connect(world["A"], idp)
    user = staff_member(world["A"])
    idp.add_account(user.email)
    return provider, user


def to_idp(client: Client, idp: SamlIdP, email: str):  # type: ignore[no-untyped-def]
    """Enter the email address on Onward's sign-in page: the answer sends the browser to the provider."""
    response = client.post(reverse("accounts:sign-in"), {"username": email, "password": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"].startswith(idp.sso_url + "?SAMLRequest=")
    return idp.read_request(response["Location"])


def post_answer(client: Client, tenant: Tenant, answer: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:saml-acs", args=[tenant.council.pk]), {"SAMLResponse": answer})


def sign_in_through(client: Client, tenant: Tenant, idp: SamlIdP, typed: str, **respond):  # type: ignore[no-untyped-def]
    """Type ``typed`` on Onward's sign-in page; the provider answers (``respond`` changes its answer)."""
    request = to_idp(client, idp, typed)
    options = {"in_response_to": request.id, "acs": acs(tenant), "audience": entity_id(tenant), "email": typed}
    return post_answer(client, tenant, idp.respond(**(options | respond)))


def refused_in_trail(tenant: Tenant, text: str) -> bool:
    return AuditEvent.objects.filter(
        council=tenant.council, action=AuditEvent.Action.SIGN_IN_FAILED, summary__contains=text
    ).exists()


def signed_in(client: Client) -> bool:
    return client.get(reverse("core:home")).status_code == 200


def test_a_valid_assertion_signs_the_user_in_and_lands_on_their_home_page(world, connected, idp):
    """The first sign-in links the persistent NameID to the user; later ones match by the NameID alone."""
    provider, user = connected
    client = Client()
    response = sign_in_through(client, world["A"], idp, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert get_user(client).pk == user.pk
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject, identity.provider) == (
        idp.entity_id,
        idp.accounts[user.email].subject,
        provider,
    )
    assert AuditEvent.objects.filter(
        council=world["A"].council, action=AuditEvent.Action.SIGN_IN, actor=user, summary__contains="identity provider"
    ).exists()
    # Matched by the NameID: the provider may send another address and it is still this user.
    client = Client()
    renamed = sign_in_through(
        client, world["A"], idp, user.email, email="renamed@elsewhere.example", subject=idp.accounts[user.email].subject
    )
    assert renamed.status_code == 302
    assert get_user(client).pk == user.pk


def test_the_request_is_signed_and_names_onwards_entity_and_reply_address(world, connected, idp):
    client = Client()
    response = client.post(reverse("accounts:sign-in"), {"username": f"someone@{DOMAIN}", "password": ""})
    assert "Signature=" in response["Location"]
    assert "SigAlg=" in response["Location"]
    request = idp.read_request(response["Location"])
    assert request.issuer.text == entity_id(world["A"])
    assert request.assertion_consumer_service_url == acs(world["A"])
    assert client.session["saml_pending"]["request"] == request.id


def test_the_provider_is_chosen_by_domain_alone_and_never_reveals_whether_an_account_exists(world, connected, idp):
    """An address with no account in the connected domain goes to the provider just as one with an account."""
    _provider, user = connected
    with_account = Client().post(reverse("accounts:sign-in"), {"username": user.email, "password": ""})
    without = Client().post(reverse("accounts:sign-in"), {"username": f"nobody@{DOMAIN}", "password": ""})
    assert with_account.status_code == without.status_code == 302
    assert with_account["Location"].split("?")[0] == without["Location"].split("?")[0] == idp.sso_url
    page = Client().get(reverse("accounts:sign-in"))
    assert "https://idp.alderley.example" in page["Content-Security-Policy"]


def refused(client: Client, response, tenant: Tenant, audit_text: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 403
    assert "did not complete" in response.content.decode() or "cannot sign in" in response.content.decode()
    assert not signed_in(client)
    assert refused_in_trail(tenant, audit_text), list(AuditEvent.objects.values_list("summary", flat=True))


def test_an_expired_assertion_is_refused(world, connected, idp):
    _provider, user = connected
    client = Client()
    request = to_idp(client, idp, user.email)
    with time_machine.travel(datetime.now(UTC) - timedelta(hours=1)):  # made an hour ago, valid for five minutes
        answer = idp.respond(
            in_response_to=request.id, acs=acs(world["A"]), audience=entity_id(world["A"]), email=user.email
        )
    refused(client, post_answer(client, world["A"], answer), world["A"], "expired")
    assert not ExternalIdentity.objects.exists()


def test_an_assertion_for_another_audience_is_refused(world, connected, idp):
    _provider, user = connected
    client = Client()
    response = sign_in_through(client, world["A"], idp, user.email, audience="https://elsewhere.example/sp")
    refused(client, response, world["A"], "AudienceRestrictions conditions not satisfied")


def test_an_assertion_from_another_issuer_is_refused(world, connected, idp, tmp_path):
    """Another identity provider (its own key, not in the organisation's metadata) answers the request."""
    _provider, user = connected
    other = SamlIdP(folder=tmp_path, entity_id="https://idp.elsewhere.example/saml", sso_url=idp.sso_url)
    other.add_account(user.email, subject=idp.accounts[user.email].subject)
    client = Client()
    request = to_idp(client, idp, user.email)
    answer = other.respond(
        in_response_to=request.id, acs=acs(world["A"]), audience=entity_id(world["A"]), email=user.email
    )
    refused(client, post_answer(client, world["A"], answer), world["A"], "issuer not in the organisation's metadata")


def test_an_unsigned_assertion_is_refused(world, connected, idp):
    _provider, user = connected
    client = Client()
    refused(client, sign_in_through(client, world["A"], idp, user.email, sign=False), world["A"], "Signature missing")


@pytest.mark.parametrize("weak", ["signature", "digest"])
def test_an_assertion_signed_or_digested_with_sha1_is_refused(world, connected, idp, weak):
    """SHA-1 is broken for signatures: an assertion whose signature or digest uses it is refused, though
    pysaml2 itself would accept it."""
    from saml2.xmldsig import DIGEST_SHA1, SIG_RSA_SHA1

    _provider, user = connected
    client = Client()
    algorithms = {"sign_alg": SIG_RSA_SHA1} if weak == "signature" else {"digest_alg": DIGEST_SHA1}
    response = sign_in_through(client, world["A"], idp, user.email, **algorithms)
    refused(client, response, world["A"], "SHA-1")


def test_a_tampered_assertion_is_refused(world, connected, idp):
    """The signed assertion's NameID is changed to another user's: the signature no longer holds."""
    _provider, user = connected
    other = staff_member(world["A"], email=f"casey.lane@{DOMAIN}")
    idp.add_account(other.email)
    client = Client()
    request = to_idp(client, idp, user.email)
    answer = idp.respond(
        in_response_to=request.id, acs=acs(world["A"]), audience=entity_id(world["A"]), email=user.email
    )
    xml = base64.b64decode(answer).decode()
    tampered = xml.replace(idp.accounts[user.email].subject, idp.accounts[other.email].subject)
    assert tampered != xml
    refused(
        client,
        post_answer(client, world["A"], base64.b64encode(tampered.encode()).decode()),
        world["A"],
        "Failed to verify signature",
    )
    assert not ExternalIdentity.objects.exists()


def test_a_replayed_response_is_refused(world, connected, idp):
    """A response used once, or kept and posted against a later sign-in, is refused (InResponseTo)."""
    _provider, user = connected
    client = Client()
    request = to_idp(client, idp, user.email)
    answer = idp.respond(
        in_response_to=request.id, acs=acs(world["A"]), audience=entity_id(world["A"]), email=user.email
    )
    assert post_answer(client, world["A"], answer).status_code == 302
    # An attacker's browser, which started its own sign-in, posts the captured response.
    attacker = Client()
    to_idp(attacker, idp, f"attacker@{DOMAIN}")
    refused(attacker, post_answer(attacker, world["A"], answer), world["A"], "InResponseTo")
    # And a browser that started no sign-in at all (an unsolicited response).
    stranger = Client()
    response = stranger.post(
        reverse("accounts:saml-acs", args=[world["A"].council.pk]), {"SAMLResponse": answer, "onward_continue": "1"}
    )
    refused(stranger, response, world["A"], "no sign-in started")


def test_a_provider_of_one_organisation_never_signs_in_a_user_of_another(world, connected, idp, tmp_path):
    """A's provider asserts B's users: refused, audited in A's trail; B's own ACS refuses A's answers."""
    b_user = world["B"].users["personal_adviser"]
    idp.add_account(b_user.email)
    client = Client()
    refused(
        client,
        sign_in_through(client, world["A"], idp, f"anyone@{DOMAIN}", email=b_user.email),
        world["A"],
        "outside the allowed domains",
    )
    # A user of B at A's domain, left from before domains were verified (no service adds one now).
    b_inside = UserFactory(
        organisation=world["B"].council,
        email=f"moved@{DOMAIN}",
        given_name="Quinn",
        family_name="Marsh",
        roles=["personal_adviser"],
    )
    idp.add_account(b_inside.email)
    client = Client()
    refused(
        client, sign_in_through(client, world["A"], idp, b_inside.email), world["A"], "a user of another organisation"
    )
    # B connects its own provider; a response of A's provider posted to B's sign-in is refused.
    b_idp = SamlIdP(
        folder=tmp_path, entity_id="https://idp.brockmoor.example/saml", sso_url="https://idp.brockmoor.example/sso"
    )
    connect(world["B"], b_idp, domains="staff.brockmoor.example")
    b_staff = staff_member(world["B"], email="ellis.ward@staff.brockmoor.example")
    b_idp.add_account(b_staff.email)
    client = Client()
    request = to_idp(client, b_idp, b_staff.email)
    answer = idp.respond(
        in_response_to=request.id, acs=acs(world["B"]), audience=entity_id(world["B"]), email=b_staff.email
    )
    refused(client, post_answer(client, world["B"], answer), world["B"], "issuer not in the organisation's metadata")
    assert not ExternalIdentity.objects.exists()


def test_a_deactivated_user_is_refused(world, connected, idp):
    _provider, user = connected
    assert sign_in_through(Client(), world["A"], idp, user.email).status_code == 302
    User.objects.filter(pk=user.pk).update(is_active=False)
    client = Client()
    response = sign_in_through(client, world["A"], idp, user.email)
    assert response.status_code == 403
    assert "cannot sign in to Onward with this account" in response.content.decode()
    assert not signed_in(client)
    assert refused_in_trail(world["A"], "deactivated")


def test_a_post_without_the_session_cookie_gets_a_page_that_posts_it_again(world, connected, idp):
    """Browsers leave the SameSite=Lax session cookie off the provider's cross-site post."""
    response = Client().post(reverse("accounts:saml-acs", args=[world["A"].council.pk]), {"SAMLResponse": "abc"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="SAMLResponse" value="abc"' in page
    assert 'name="onward_continue" value="1"' in page


def test_sign_in_is_refused_with_a_message_when_onwards_key_is_not_set(world, idp, settings, sp_keys):
    connect(world["A"], idp)
    settings.ONWARD_SAML_SP_KEY_FILE = ""
    response = Client().post(reverse("accounts:sign-in"), {"username": f"rowan@{DOMAIN}", "password": ""})
    assert response.status_code == 200
    assert "not set up correctly" in response.content.decode()
    assert refused_in_trail(world["A"], "ONWARD_SAML_SP_KEY_FILE")
    assert Client().get(reverse("accounts:saml-metadata", args=[world["A"].council.pk])).status_code == 503


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ("<not-xml", "not valid SAML metadata"),
        ("<EntityDescriptor/>", "exactly one identity provider"),
        ("", "Enter your identity provider's metadata"),
    ],
)
def test_bad_metadata_is_refused_with_a_message_and_changes_nothing(world, metadata, message):
    with pytest.raises(ValidationError, match=message):
        services.saml_provider_save(
            acting_user=world["A"].users["administrator"],
            organisation=world["A"].council,
            version=None,
            metadata=metadata,
            allowed_domains=DOMAIN,
            mfa_replaces_code=True,
            enabled=True,
        )
    assert not IdentityProvider.objects.exists()


def test_metadata_without_a_signing_certificate_is_refused(world, idp):
    without_cert = re.sub(r"<ns0:KeyDescriptor.*?</ns0:KeyDescriptor>", "", idp.metadata, flags=re.S)
    assert "KeyDescriptor" not in without_cert
    with pytest.raises(ValidationError, match="no signing certificate"):
        services.saml_provider_save(
            acting_user=world["A"].users["administrator"],
            organisation=world["A"].council,
            version=None,
            metadata=without_cert,
            allowed_domains=DOMAIN,
            mfa_replaces_code=True,
            enabled=True,
        )


def test_the_administrator_connects_the_provider_by_uploading_its_metadata(world, idp, sp_keys):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = world["A"].users["administrator"]
    client = Client()
    sign_in(client, admin)
    page = client.get(reverse("accounts:saml-settings"))
    assert page.status_code == 200
    assert entity_id(world["A"]) in page.content.decode()
    bad = client.post(
        reverse("accounts:saml-settings"),
        {"saml_metadata": "<oops", "allowed_domains": DOMAIN, "mfa_replaces_code": "yes", "enabled": "yes"},
    )
    assert bad.status_code == 200
    assert "There is a problem" in bad.content.decode()
    assert "not valid SAML metadata" in bad.content.decode()
    assert not IdentityProvider.objects.exists()
    verified_domains(world["A"].council, DOMAIN)
    good = client.post(
        reverse("accounts:saml-settings"),
        {
            "metadata_file": SimpleUploadedFile("federationmetadata.xml", idp.metadata.encode(), "text/xml"),
            "allowed_domains": DOMAIN,
            "mfa_replaces_code": "yes",
            "enabled": "yes",
        },
    )
    assert good.status_code == 302
    provider = IdentityProvider.objects.get(organisation=world["A"].council)
    assert (provider.protocol, provider.issuer, provider.saml_sso_url) == ("saml", idp.entity_id, idp.sso_url)
    assert AuditEvent.objects.filter(
        council=world["A"].council, actor=admin, summary="Connected the organisation's identity provider"
    ).exists()
    # Saving signs the organisation's users out, the administrator too.
    assert client.get(reverse("core:home")).status_code == 302


def test_switching_between_saml_and_openid_connect_drops_the_old_links_and_signs_everyone_out(world, connected, idp):
    """Another kind of provider names its users differently: links to the old one are removed."""
    provider, user = connected
    client = Client()
    assert sign_in_through(client, world["A"], idp, user.email).status_code == 302
    assert ExternalIdentity.objects.filter(user=user).exists()
    admin = User.objects.get(pk=world["A"].users["administrator"].pk)  # its epoch was raised on connecting
    admin_client = Client()
    sign_in(admin_client, admin)
    page = admin_client.get(reverse("accounts:sign-in-settings"))
    assert f'name="version" value="{provider.version}"' in page.content.decode()
    switched = services.identity_provider_save(
        acting_user=admin,
        organisation=world["A"].council,
        version=provider.version,
        issuer="https://login.microsoftonline.com/tenant/v2.0",
        client_id="onward",
        client_secret_env="ONWARD_OIDC_SECRET_ALDERLEY",
        allowed_domains=DOMAIN,
        mfa_replaces_code=True,
        enabled=True,
    )
    assert (switched.pk, switched.protocol, switched.saml_metadata) == (provider.pk, "oidc", "")
    assert not ExternalIdentity.objects.exists()
    assert not signed_in(client)
