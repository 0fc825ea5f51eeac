"""Signing in through an organisation's own OpenID Connect provider (ADR 24).

A real provider (``onward.accounts.local_provider``: discovery, authorisation code with PKCE, an
RS256 ID token and its JWKS) runs on localhost in a thread; Onward's client (Authlib) talks to it
over HTTP. Nothing of the library is mocked.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from django.contrib.auth import get_user
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from joserfc.jwk import RSAKey

from onward.accounts import services
from onward.accounts.local_provider import LocalProvider
from onward.accounts.models import ExternalIdentity, IdentityProvider, User
from onward.audit.models import AuditEvent
from tests.conftest import PASSWORD, Tenant
from tests.factories import UserFactory, verified_domains

SECRET_ENV = "ONWARD_OIDC_SECRET_ALDERLEY"
CALLBACK = "http://testserver/sign-in/oidc/callback/"
DOMAIN = "staff.alderley.example"


@pytest.fixture
def op(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalProvider]:
    provider = LocalProvider(client_id="onward-alderley", client_secret="s3cret-from-entra", redirect_uris=[CALLBACK])
    provider.start()
    monkeypatch.setenv(SECRET_ENV, provider.client_secret)
    yield provider
    provider.stop()


def connect(tenant: Tenant, op: LocalProvider, *, mfa: bool = True, domains: str = DOMAIN) -> IdentityProvider:
    verified_domains(tenant.council, *domains.split())  # the service team records them first
    return services.identity_provider_save(
        acting_user=tenant.users["administrator"],
        organisation=tenant.council,
        version=None,
        issuer=op.issuer,
        client_id=op.client_id,
        client_secret_env=SECRET_ENV,
        allowed_domains=domains,
        mfa_replaces_code=mfa,
        enabled=True,
    )


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
def connected(world: dict[str, Tenant], op: LocalProvider) -> tuple[IdentityProvider, User]:
    provider = connect(world["A"], op)
    user = staff_member(world["A"])
    op.add_account(email=user.email, given_name="Rowan", family_name="Hale")
    return provider, user


def to_provider(client: Client, op: LocalProvider, email: str) -> dict[str, str]:
    """Enter the email address on Onward's sign-in page: the answer sends the browser to the provider."""
    response = client.post(reverse("accounts:sign-in"), {"username": email, "password": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    location = response["Location"]
    assert location.startswith(f"{op.issuer}/authorize?")
    return dict(parse_qsl(urlsplit(location).query))


def at_provider(op: LocalProvider, params: dict[str, str], login: str) -> str:
    """The person signs in at the provider; returns the path and query it sends them back to."""
    answer = requests.post(f"{op.issuer}/authorize", data={**params, "login": login}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return f"{back.path}?{back.query}"


def sign_in_through(client: Client, op: LocalProvider, email: str, login: str | None = None):  # type: ignore[no-untyped-def]
    return client.get(at_provider(op, to_provider(client, op, email), login or email))


def refused_in_trail(tenant: Tenant, text: str) -> bool:
    return AuditEvent.objects.filter(
        council=tenant.council, action=AuditEvent.Action.SIGN_IN_FAILED, summary__contains=text
    ).exists()


def signed_in(client: Client) -> bool:
    return client.get(reverse("core:home")).status_code == 200


def test_a_connected_councils_user_signs_in_through_the_provider_and_lands_on_the_home_page(world, connected, op):
    """The first sign-in links the provider's subject to the user; later ones match by the subject alone."""
    provider, user = connected
    client = Client()
    response = sign_in_through(client, op, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert "here is your work" in home.content.decode()
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.issuer, identity.provider) == (op.issuer, provider)
    assert identity.subject == op.accounts[user.email].subject
    assert AuditEvent.objects.filter(
        council=world["A"].council, actor=user, action=AuditEvent.Action.SIGN_IN, summary__contains="identity provider"
    ).exists()
    # The provider's email address changes; the stable subject still names the same user.
    account = op.accounts.pop(user.email)
    account.email = f"rowan.hale-smith@{DOMAIN}"
    op.accounts[account.email] = account
    again = Client()
    assert sign_in_through(again, op, user.email, login=account.email).status_code == 302
    assert get_user(again).pk == user.pk  # type: ignore[arg-type]


def test_the_provider_is_chosen_by_domain_alone_and_never_reveals_whether_an_account_exists(world, connected, op):
    """An unknown address in a connected domain goes to the provider just like a known one."""
    _provider, user = connected
    known = to_provider(Client(), op, user.email)
    unknown = to_provider(Client(), op, f"nobody@{DOMAIN.upper()}")
    assert known.keys() == unknown.keys()
    assert {"state", "nonce", "code_challenge", "client_id"} <= known.keys()
    assert known["code_challenge_method"] == "S256"
    assert known["state"] != unknown["state"]
    # The sign-in page's policy lets its form's answer go on to the connected providers only.
    policy = Client().get(reverse("accounts:sign-in"))["Content-Security-Policy"]
    assert f"form-action 'self' {op.issuer}" in policy
    # Other domains keep passwords and two-factor sign-in.
    other = Client().post(reverse("accounts:sign-in"), {"username": "someone@elsewhere.example", "password": ""})
    assert other.status_code == 200
    assert "Enter your password" in other.content.decode()


@pytest.mark.parametrize(
    ("change", "audit_text"),
    [
        pytest.param({"aud": "another-client"}, "ID token was refused", id="token-for-another-audience"),
        pytest.param(
            {"aud": "another-client", "azp": "onward-alderley"}, "aud", id="token-for-another-audience-naming-us-azp"
        ),
        pytest.param({"iss": "https://attacker.example"}, "iss", id="token-from-another-issuer"),
        pytest.param({"exp": int(time.time()) - 600, "iat": int(time.time()) - 900}, "exp", id="expired-token"),
        pytest.param({"nonce": "not-the-nonce"}, "nonce", id="wrong-nonce"),
    ],
)
def test_a_bad_id_token_signs_nobody_in_says_so_and_is_audited(world, connected, op, change, audit_text):
    _provider, user = connected
    op.claim_overrides = change
    client = Client()
    response = sign_in_through(client, op, user.email)
    assert response.status_code == 403
    content = response.content.decode()
    assert "There is a problem" in content
    assert "did not complete" in content
    assert not signed_in(client)
    assert refused_in_trail(world["A"], audit_text)
    assert refused_in_trail(world["A"], "ID token was refused")
    assert not ExternalIdentity.objects.exists()


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(world, connected, op):
    _provider, user = connected
    op.sign_with = RSAKey.generate_key(2048, parameters={"kid": op.key.kid})
    client = Client()
    assert sign_in_through(client, op, user.email).status_code == 403
    assert not signed_in(client)
    assert refused_in_trail(world["A"], "ID token was refused")


def test_a_replayed_state_is_refused(world, connected, op):
    """An answer is used once: the same code and state again, even in a new sign-in, signs nobody in."""
    _provider, user = connected
    client = Client()
    answer = at_provider(op, to_provider(client, op, user.email), user.email)
    assert client.get(answer).status_code == 302
    client.post(reverse("accounts:sign-out"))
    assert not signed_in(client)
    assert client.get(answer).status_code == 403  # no sign-in started in this browser any more
    to_provider(client, op, user.email)  # a new sign-in, with a new state
    replay = client.get(answer)
    assert replay.status_code == 403
    assert not signed_in(client)
    assert refused_in_trail(world["A"], "state does not match")


def test_a_provider_of_one_organisation_never_signs_in_a_user_of_another(world, connected, op):
    """Council A's provider asserts council B's users: refused, audited in A's trail, nobody signed in."""
    b_user = world["B"].users["personal_adviser"]
    op.add_account(email=b_user.email, given_name="Avery", family_name="Stone")
    client = Client()
    assert sign_in_through(client, op, f"anyone@{DOMAIN}", login=b_user.email).status_code == 403
    assert not signed_in(client)
    assert refused_in_trail(world["A"], "outside the allowed domains")
    # Even with an address in A's domain (left from before domains were verified: no service adds
    # one now), a user of another organisation is refused.
    b_inside = UserFactory(
        organisation=world["B"].council,
        email=f"moved@{DOMAIN}",
        given_name="Quinn",
        family_name="Marsh",
        roles=["personal_adviser"],
    )
    op.add_account(email=b_inside.email, given_name="Quinn", family_name="Marsh")
    client = Client()
    assert sign_in_through(client, op, b_inside.email).status_code == 403
    assert not signed_in(client)
    assert refused_in_trail(world["A"], "a user of another organisation")
    assert not ExternalIdentity.objects.exists()


def test_a_subject_linked_in_one_organisation_cannot_sign_in_to_another(world, connected, op):
    """B connects a provider with the same issuer (say a shared one): A's linked subject is refused there."""
    _provider, user = connected
    assert sign_in_through(Client(), op, user.email).status_code == 302
    identity = ExternalIdentity.objects.get(user=user)
    b_provider = IdentityProvider.objects.create(
        organisation=world["B"].council,
        issuer=op.issuer,
        client_id=op.client_id,
        client_secret_env=SECRET_ENV,
        allowed_domains="staff.brockmoor.example",
    )
    client = Client()
    session = client.session
    session["oidc_pending_provider"] = b_provider.pk
    session.save()
    from onward.accounts import sso

    with pytest.raises(sso.SignInRefused, match="linked to another organisation"):
        sso._match_user(b_provider, {"sub": identity.subject, "email": user.email})


def test_without_the_mfa_flag_the_user_still_enters_an_onward_code(world, op):
    connect(world["A"], op, mfa=False)
    user = staff_member(world["A"])
    op.add_account(email=user.email, given_name="Rowan", family_name="Hale")
    client = Client()
    sign_in_through(client, op, user.email)
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:two-factor-setup")


def test_a_connected_organisations_users_cannot_sign_in_with_a_password(world, connected):
    """Not with the organisation's domain (it goes to the provider), nor another address of that organisation."""
    tenant = world["A"]
    user = tenant.users["team_manager"]  # an address outside the connected domain
    response = Client().post(reverse("accounts:sign-in"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "signs in with its own work account" in response.content.decode()
    # Another council, with no provider, keeps passwords.
    other = Client()
    other.post(reverse("accounts:sign-in"), {"username": world["B"].users["team_manager"].email, "password": PASSWORD})
    assert get_user(other).is_authenticated


def test_changing_the_provider_signs_the_organisations_users_out(world, connected, op):
    provider, user = connected
    client = Client()
    sign_in_through(client, op, user.email)
    assert signed_in(client)
    services.identity_provider_save(
        acting_user=world["A"].users["administrator"],
        organisation=world["A"].council,
        version=provider.version,
        issuer=op.issuer,
        client_id=op.client_id,
        client_secret_env=SECRET_ENV,
        allowed_domains=DOMAIN,
        mfa_replaces_code=True,
        enabled=False,
    )
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:sign-in"))
    assert not signed_in(client)


def test_a_missing_secret_or_an_unreachable_provider_gets_a_message_not_an_error(world, connected, op, monkeypatch):
    _provider, user = connected
    monkeypatch.delenv(SECRET_ENV)
    response = Client().post(reverse("accounts:sign-in"), {"username": user.email, "password": ""})
    assert response.status_code == 200
    assert "not set up correctly" in response.content.decode()
    monkeypatch.setenv(SECRET_ENV, op.client_secret)
    op.stop()
    response = Client().post(reverse("accounts:sign-in"), {"username": user.email, "password": ""})
    assert response.status_code == 200
    assert "cannot be reached" in response.content.decode()
    assert refused_in_trail(world["A"], "could not be reached")


def test_the_administrator_connects_the_provider_and_the_secret_is_never_stored(world, op, signed_in):
    """The form takes the name of an environment variable; other variables and other councils' domains are refused."""
    tenant = world["A"]
    client = signed_in(tenant.users["administrator"])
    url = reverse("accounts:sign-in-settings")
    page = client.get(url).content.decode()
    assert CALLBACK in page
    form = {
        "issuer": op.issuer,
        "client_id": op.client_id,
        "client_secret_env": "DJANGO_SECRET_KEY",
        "allowed_domains": DOMAIN,
        "mfa_replaces_code": "yes",
        "enabled": "yes",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "starting ONWARD_OIDC_SECRET_" in refused.content.decode()
    taken = client.post(url, {**form, "client_secret_env": SECRET_ENV, "allowed_domains": "brockmoor.example"})
    assert "brockmoor.example is not one of your organisation&#x27;s email domains" in taken.content.decode()
    assert not IdentityProvider.objects.exists()
    verified_domains(tenant.council, DOMAIN, "extra.example")
    assert not IdentityProvider.objects.exists()
    saved = client.post(url, {**form, "client_secret_env": SECRET_ENV, "allowed_domains": f"{DOMAIN} , Extra.example"})
    assert saved.status_code == 302
    provider = IdentityProvider.objects.get(organisation=tenant.council)
    assert provider.allowed_domains == f"extra.example {DOMAIN}"
    stored = repr(list(IdentityProvider.objects.values_list()))
    assert op.client_secret not in stored
    assert AuditEvent.objects.filter(council=tenant.council, object_type="accounts.IdentityProvider").exists()
    # The administrator was signed out by the change, like everyone in the organisation.
    assert client.get(url).status_code == 302
    # Another council cannot claim the domain.
    with pytest.raises(ValidationError):
        services.identity_provider_save(
            acting_user=world["B"].users["administrator"],
            organisation=world["B"].council,
            version=None,
            issuer=op.issuer,
            client_id="other",
            client_secret_env=SECRET_ENV,
            allowed_domains=DOMAIN,
            mfa_replaces_code=False,
            enabled=True,
        )
    # Nor an administrator another organisation's provider.
    with pytest.raises(ValidationError):
        connect_for = world["B"].users["administrator"]
        services.identity_provider_save(
            acting_user=connect_for,
            organisation=tenant.council,
            version=provider.version,
            issuer=op.issuer,
            client_id="other",
            client_secret_env=SECRET_ENV,
            allowed_domains=DOMAIN,
            mfa_replaces_code=False,
            enabled=True,
        )


@override_settings(ONWARD_OIDC_ALLOW_LOOPBACK_HTTP=False)
def test_an_issuer_over_plain_http_is_refused_outside_this_machine(world, op):
    with pytest.raises(ValidationError, match="https"):
        connect(world["A"], op)


@pytest.mark.parametrize(
    "issuer",
    [
        "http://[",
        "https://",
        "ftp://login.example",
        "https://login.example/?x=1",
        "https://login example",
        "javascript:x",
    ],
)
def test_a_malformed_issuer_is_refused_with_a_message(world, issuer):
    with pytest.raises(ValidationError, match="issuer"):
        services.identity_provider_save(
            acting_user=world["A"].users["administrator"],
            organisation=world["A"].council,
            version=None,
            issuer=issuer,
            client_id="c",
            client_secret_env=SECRET_ENV,
            allowed_domains=DOMAIN,
            mfa_replaces_code=False,
            enabled=True,
        )


def test_the_page_asked_for_is_opened_after_signing_in_through_the_provider_but_never_another_site(
    world, connected, op
):
    _provider, user = connected
    for asked, lands in ((reverse("accounts:account"), reverse("accounts:account")), ("https://evil.example/", "/")):
        client = Client()
        response = client.post(reverse("accounts:sign-in") + f"?next={asked}", {"username": user.email, "password": ""})
        params = dict(parse_qsl(urlsplit(response["Location"]).query))
        assert client.get(at_provider(op, params, user.email))["Location"] == lands


def test_a_subject_linked_at_the_same_moment_by_another_request_is_refused_not_a_server_error(
    world, connected, op, monkeypatch
):
    """Two first sign-ins racing: the database's unique link refuses the second, with a message."""
    from django.db import IntegrityError, transaction

    from onward.accounts import sso

    provider, user = connected
    taken = staff_member(world["A"], email=f"second@{DOMAIN}")
    ExternalIdentity.objects.create(user=taken, provider=provider, issuer=op.issuer, subject="the-subject")
    with pytest.raises(IntegrityError), transaction.atomic():
        sso._link(provider, user, "the-subject")
    real_link = sso._link

    def racing_link(provider: IdentityProvider, user: User, subject: str) -> None:
        real_link(provider, user, "the-subject")  # another request linked this subject just now

    monkeypatch.setattr(sso, "_link", racing_link)
    client = Client()
    response = sign_in_through(client, op, user.email)
    assert response.status_code == 403
    assert not signed_in(client)
    assert refused_in_trail(world["A"], "linked twice at once")


@pytest.mark.parametrize(
    ("change", "signs_out"),
    [
        pytest.param({"client_id": "renamed-app"}, False, id="new-client-id-keeps-sessions"),
        pytest.param({"allowed_domains": f"{DOMAIN} more.example"}, False, id="domain-added-keeps-sessions"),
        pytest.param({"allowed_domains": "other.alderley.example"}, True, id="domain-removed"),
        pytest.param({"mfa_replaces_code": False}, True, id="provider-mfa-no-longer-enough"),
        pytest.param({"enabled": False}, True, id="switched-off"),
    ],
)
def test_a_change_to_who_may_sign_in_signs_the_organisation_out(world, connected, op, change, signs_out):
    provider, user = connected
    verified_domains(world["A"].council, "more.example", "other.alderley.example")
    client = Client()
    sign_in_through(client, op, user.email)
    settings = {
        "issuer": op.issuer,
        "client_id": op.client_id,
        "client_secret_env": SECRET_ENV,
        "allowed_domains": DOMAIN,
        "mfa_replaces_code": True,
        "enabled": True,
    }
    services.identity_provider_save(
        acting_user=world["A"].users["administrator"],
        organisation=world["A"].council,
        version=provider.version,
        **{**settings, **change},
    )
    assert signed_in(client) is not signs_out
