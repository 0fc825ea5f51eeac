"""Demo partnerships: a partner organisation with its own administrator and an accepted link (ADR 14).

Used by ``load_demo`` and the capability apps' demo loaders; synthetic names only. Also the demo's
single sign-on: the second demo council signs in through a local OpenID Connect provider.
"""

from __future__ import annotations

from django.db import transaction
from faker import Faker

from onward.accounts import services
from onward.accounts.local_provider import LocalProvider
from onward.accounts.models import IdentityProvider, Organisation, OrganisationDomain, Partnership, User

DEMO_PASSWORD = "onward-demo-2026"  # noqa: S105 - a published demo password, for synthetic data only


def demo_domain(organisation: Organisation, domain: str) -> None:
    """The demo's stand-in for the Onward service team verifying an organisation's email domain (idempotent)."""
    if not OrganisationDomain.objects.filter(domain=domain).exists():
        services.organisation_domain_add(organisation=organisation, domain=domain, note="Demo data")


def partner_admin_email(name: str) -> str:
    slug = "".join(ch for ch in name.lower() if ch.isalnum())[:30]
    return f"admin@{slug}.example"


@transaction.atomic
def demo_partner(*, council: Organisation, name: str, kind: str, fake: Faker | None = None) -> Organisation:
    """The organisation ``name``, working with ``council`` through a link its administrator accepted.

    Idempotent. A new organisation is registered by the council with its first partner
    administrator (``admin@<name>.example``, the demo password), who then accepts; an existing
    one is invited and its administrator accepts.
    """
    if fake is None:
        fake = Faker("en_GB")
        fake.seed_instance(sum(map(ord, name)))
    existing = Organisation.objects.filter(name=name).first()
    open_link = (
        Partnership.objects.filter(council=council, partner=existing, status__in=["invited", "accepted"]).first()
        if existing is not None
        else None
    )
    if open_link is None:
        open_link, _, _ = services.partner_invite(
            acting_user=None,
            council=council,
            name=name,
            kind=kind,
            admin_email=partner_admin_email(name),
            admin_given_name=fake.first_name(),
            admin_family_name=fake.last_name(),
        )
    partner = open_link.partner
    demo_domain(partner, partner_admin_email(name).rsplit("@", 1)[1])
    admin = User.objects.filter(organisation=partner, groups__name="partner_administrator").order_by("pk").first()
    if admin is None:
        admin = services.user_create(
            acting_user=None,
            organisation=partner,
            email=partner_admin_email(name),
            given_name=fake.first_name(),
            family_name=fake.last_name(),
            role_keys={"partner_administrator"},
        )
    admin.set_password(DEMO_PASSWORD)
    admin.save(update_fields=["password"])
    if open_link.status == Partnership.Status.INVITED:
        services.partnership_change(acting_user=admin, link=open_link, action="accept", version=open_link.version)
    return partner


# Single sign-on in the demo (ADR 24) -----------------------------------------------------------

DEMO_SSO_COUNCIL = "Harrowfield County Council"
DEMO_SSO_DOMAIN = "harrowfield.example"
DEMO_OIDC_PORT = 8001
DEMO_OIDC_ISSUER = f"http://127.0.0.1:{DEMO_OIDC_PORT}"
DEMO_OIDC_CLIENT_ID = "onward-demo"
DEMO_OIDC_SECRET_ENV = "ONWARD_OIDC_SECRET_DEMO"  # noqa: S105 - the name of a variable
DEMO_OIDC_SECRET = "demo-only-client-secret"  # noqa: S105 - the local demo provider's published value
DEMO_CALLBACKS = [f"http://{host}:8000/sign-in/oidc/callback/" for host in ("127.0.0.1", "localhost")]


@transaction.atomic
def demo_identity_provider() -> IdentityProvider:
    """The demo's second council signs in through the local OpenID Connect provider (idempotent)."""
    council = Organisation.objects.get(name=DEMO_SSO_COUNCIL)
    demo_domain(council, DEMO_SSO_DOMAIN)
    existing = IdentityProvider.objects.filter(organisation=council).first()
    if existing is not None and existing.issuer == DEMO_OIDC_ISSUER:
        return existing
    return services.identity_provider_save(
        acting_user=None,
        organisation=council,
        version=existing.version if existing is not None else None,
        issuer=DEMO_OIDC_ISSUER,
        client_id=DEMO_OIDC_CLIENT_ID,
        client_secret_env=DEMO_OIDC_SECRET_ENV,
        allowed_domains=DEMO_SSO_DOMAIN,
        mfa_replaces_code=True,
        enabled=True,
    )


def demo_local_provider(provider: IdentityProvider, *, secret: str) -> LocalProvider:
    """The local provider, with an account for each active user of the connected council.

    Subjects are fixed (``demo-<user id>``) so that a restarted provider still names the same users.
    """
    local = LocalProvider(
        client_id=provider.client_id, client_secret=secret, redirect_uris=DEMO_CALLBACKS, port=DEMO_OIDC_PORT
    )
    for user in User.objects.filter(organisation=provider.organisation, is_active=True).order_by("pk"):
        local.add_account(
            email=user.email, given_name=user.given_name, family_name=user.family_name, subject=f"demo-{user.pk}"
        )
    return local


def demo_sso_steps(provider: IdentityProvider) -> list[str]:
    emails = list(
        User.objects.filter(organisation=provider.organisation, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )
    return [
        f"Single sign-on: {provider.organisation.name} signs in through a local OpenID Connect provider",
        f"  (issuer {provider.issuer}, started with Onward by make demo).",
        "  1. Open http://127.0.0.1:8000/sign-in/ and enter only the email address "
        f"{emails[0] if emails else 'of one of its users'}; leave the password empty and select Sign in.",
        "  2. The provider's page opens: select 'Sign in with your organisation'.",
        "  3. Onward checks the ID token (signature, audience, expiry, issuer, nonce) and opens your home page;",
        "     the provider's multi-factor sign-in stands for Onward's authenticator code.",
        "  4. As that administrator, 'Sign-in and provisioning' (/sign-in-settings/) shows the connection and",
        "     creates a SCIM provisioning token for the council's directory.",
    ]
