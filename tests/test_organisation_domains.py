"""An organisation's email domains are verified facts, recorded by the Onward service team (not claimed).

The defect this guards against: an administrator of one council could connect an identity provider
allowing another council's domain (or nhs.net, gmail.com) before that council had any users on it.
Every sign-in at that domain was then routed to the first council's provider, and the second could
not connect its own domain. Now a provider allows only its organisation's verified domains, sign-in
is routed by them, and no organisation adds users at another's verified domain.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from onward.accounts import services, sso
from onward.accounts.models import IdentityProvider, Organisation, User
from onward.audit.models import AuditEvent
from tests.conftest import Tenant

B_DOMAIN = "brockmoor.gov.uk"


def _verified(organisation: Organisation, *domains: str) -> None:
    # Imported here, so that the first test runs (and fails) on code from before domains were verified.
    from tests.factories import verified_domains

    verified_domains(organisation, *domains)


def _oidc(tenant: Tenant, domains: str, *, version: int | None = None, env: str = "") -> IdentityProvider:
    return services.identity_provider_save(
        acting_user=tenant.users["administrator"],
        organisation=tenant.council,
        version=version,
        issuer=f"https://login.example/{tenant.council.pk}",
        client_id="onward",
        client_secret_env=env or f"ONWARD_OIDC_SECRET_C{tenant.council.pk}",
        allowed_domains=domains,
        mfa_replaces_code=False,
        enabled=True,
    )


def _settings_form(domains: str) -> dict[str, str]:
    return {
        "issuer": "https://login.example/a",
        "client_id": "onward",
        "client_secret_env": "ONWARD_OIDC_SECRET_TEST",
        "allowed_domains": domains,
        "mfa_replaces_code": "no",
        "enabled": "yes",
    }


# The defect, reproduced ------------------------------------------------------------------------


def test_an_administrator_cannot_squat_another_councils_domain_before_it_has_users(world, signed_in) -> None:
    """A's administrator claims B's domain (no user has it yet): refused, nothing saved, and B later
    connects it and its staff are routed to B's provider."""
    a, b = world["A"], world["B"]
    assert not User.objects.filter(email__iendswith=f"@{B_DOMAIN}").exists()
    client = signed_in(a.users["administrator"])
    page = client.post(reverse("accounts:sign-in-settings"), _settings_form(B_DOMAIN))
    assert page.status_code == 200
    assert (
        f"{B_DOMAIN} is not one of your organisation&#x27;s email domains. Ask the Onward service team to add it"
        in page.content.decode()
    )
    assert not IdentityProvider.objects.exists()
    assert sso.provider_for_email(f"jo.bloggs@{B_DOMAIN}") is None
    _verified(b.council, B_DOMAIN)
    b_provider = _oidc(b, B_DOMAIN)
    assert sso.provider_for_email(f"jo.bloggs@{B_DOMAIN}") == b_provider
    # Still refused to A once it is B's.
    with pytest.raises(ValidationError, match="not one of your organisation's email domains"):
        _oidc(a, B_DOMAIN)


@pytest.mark.parametrize("domain", ["nhs.net", "gmail.com", "outlook.com"])
def test_an_administrator_cannot_claim_a_public_or_shared_domain(world, domain) -> None:
    with pytest.raises(ValidationError, match="Ask the Onward service team"):
        _oidc(world["A"], domain)
    assert not IdentityProvider.objects.exists()


def test_a_saml_provider_allows_only_the_organisations_own_domains(world, tmp_path) -> None:
    from tests.saml_idp import SamlIdP

    idp = SamlIdP(folder=tmp_path)

    def save(domains: str) -> IdentityProvider:
        return services.saml_provider_save(
            acting_user=world["A"].users["administrator"],
            organisation=world["A"].council,
            version=None,
            metadata=idp.metadata,
            allowed_domains=domains,
            mfa_replaces_code=False,
            enabled=True,
        )

    _verified(world["B"].council, B_DOMAIN)
    with pytest.raises(ValidationError, match=f"{B_DOMAIN} is not one of your organisation's email domains"):
        save(B_DOMAIN)
    assert not IdentityProvider.objects.exists()
    _verified(world["A"].council, "alderley.gov.uk")
    assert save("alderley.gov.uk").domains == ["alderley.gov.uk"]


def test_sign_in_is_routed_only_by_verified_domains(world) -> None:
    """A provider saved before domains were verified, allowing a domain nobody verified, draws nobody in;
    and a provider never draws in another organisation's verified domain, whatever it lists."""
    legacy = IdentityProvider.objects.create(
        organisation=world["A"].council, issuer="https://login.example/a", allowed_domains=f"gmail.com {B_DOMAIN}"
    )
    assert sso.provider_for_email("someone@gmail.com") is None
    _verified(world["B"].council, B_DOMAIN)
    assert sso.provider_for_email(f"someone@{B_DOMAIN}") is None
    _verified(world["A"].council, "alderley.gov.uk")
    legacy.allowed_domains = "alderley.gov.uk"
    legacy.save()
    assert sso.provider_for_email("Someone@Alderley.gov.uk") == legacy
    # A verified domain the provider does not allow signs in with passwords, not through it.
    _verified(world["A"].council, "schools.alderley.gov.uk")
    assert sso.provider_for_email("head@schools.alderley.gov.uk") is None


def test_a_client_secret_variable_is_one_organisations(world) -> None:
    """An administrator cannot name another organisation's secret variable (and so use its client secret)."""
    a, b = world["A"], world["B"]
    _verified(b.council, B_DOMAIN)
    _verified(a.council, "alderley.gov.uk")
    b_variable = f"ONWARD_OIDC_SECRET_C{b.council.pk}"
    _oidc(b, B_DOMAIN)
    with pytest.raises(ValidationError, match=f"{b_variable} is another organisation's variable"):
        _oidc(a, "alderley.gov.uk", env=b_variable)
    assert not IdentityProvider.objects.filter(organisation=a.council).exists()
    b_provider = IdentityProvider.objects.get(organisation=b.council)
    assert _oidc(b, B_DOMAIN, version=b_provider.version, env=b_variable).client_secret_env == b_variable
    assert _oidc(a, "alderley.gov.uk").client_secret_env != b_variable


# The service team records domains ---------------------------------------------------------------


def _domains(*args: str) -> str:
    out = io.StringIO()
    call_command("organisation_domains", *args, stdout=out)
    return out.getvalue()


def test_the_service_team_records_a_domain_audited_in_the_organisations_trail(world) -> None:
    b = world["B"]
    said = _domains("add", "--organisation", b.council.name, "--domain", " Brockmoor.GOV.uk ", "--note", "Ticket 42")
    assert f"{B_DOMAIN} is now {b.council.name}'s email domain" in said
    record = b.council.email_domains.get()
    assert (record.domain, record.source, record.note) == (B_DOMAIN, "operator", "Ticket 42")
    event = AuditEvent.objects.get(council=b.council, object_type="accounts.OrganisationDomain")
    assert event.action == AuditEvent.Action.CREATE and event.actor is None
    assert f"Email domain {B_DOMAIN} verified" in event.summary
    assert f"{b.council.name}\t{B_DOMAIN}\tRecorded by the Onward service team\tTicket 42" in _domains("list")


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("gmail.com", "public or shared email domain"),
        ("NHS.net", "public or shared email domain"),
        ("onward.invalid", "public or shared email domain"),
        ("not a domain", "Enter an email domain"),
        ("someone@brockmoor.gov.uk", "Enter an email domain"),
    ],
)
def test_public_shared_and_malformed_domains_are_nobodys(world, domain, message) -> None:
    with pytest.raises(CommandError, match=message):
        _domains("add", "--organisation", world["A"].council.name, "--domain", domain)
    assert not AuditEvent.objects.filter(object_type="accounts.OrganisationDomain").exists()
    assert not world["A"].council.email_domains.exists()


def test_a_domain_is_one_organisations_at_most(world) -> None:
    a, b = world["A"], world["B"]
    services.organisation_domain_add(organisation=b.council, domain=B_DOMAIN)
    with pytest.raises(ValidationError, match=f"{B_DOMAIN} is already {b.council.name}'s email domain"):
        services.organisation_domain_add(organisation=a.council, domain=B_DOMAIN)
    with pytest.raises(ValidationError, match="already one of"):
        services.organisation_domain_add(organisation=b.council, domain=B_DOMAIN)
    assert b.council.email_domains.count() == 1 and not a.council.email_domains.exists()


def test_a_domain_other_organisations_active_users_have_is_looked_into_first(world) -> None:
    """A's active user at the domain stops it being recorded as B's; a deactivated one does not."""
    a, b = world["A"], world["B"]
    squatter = User.objects.create(
        email=f"early@{B_DOMAIN}", given_name="Ash", family_name="Penn", organisation=a.council
    )
    with pytest.raises(ValidationError, match=f"used by active users of {a.council.name}"):
        services.organisation_domain_add(organisation=b.council, domain=B_DOMAIN)
    squatter.is_active = False
    squatter.save()
    services.organisation_domain_add(organisation=b.council, domain=B_DOMAIN)
    # Its own users never stop it.
    squatter.email = "ash.penn@alderley.gov.uk"
    squatter.is_active = True
    squatter.save()
    services.organisation_domain_add(organisation=a.council, domain="alderley.gov.uk")


def test_removing_a_domain_takes_it_from_the_provider_and_signs_the_organisation_out(world) -> None:
    a = world["A"]
    _verified(a.council, "alderley.gov.uk", "staff.alderley.gov.uk")
    provider = _oidc(a, "alderley.gov.uk staff.alderley.gov.uk")
    epoch = User.objects.get(pk=a.users["administrator"].pk).session_epoch
    _domains("remove", "--organisation", a.council.name, "--domain", "staff.alderley.gov.uk")
    provider.refresh_from_db()
    assert (provider.allowed_domains, provider.enabled) == ("alderley.gov.uk", True)
    assert User.objects.get(pk=a.users["administrator"].pk).session_epoch == epoch + 1
    assert sso.provider_for_email("x@staff.alderley.gov.uk") is None
    assert AuditEvent.objects.filter(
        council=a.council, action=AuditEvent.Action.DELETE, object_type="accounts.OrganisationDomain"
    ).exists()
    assert AuditEvent.objects.filter(council=a.council, summary__contains="no longer allows staff.alderley").exists()
    # The last one: the provider is switched off (its users sign in with passwords until it is put right).
    services.organisation_domain_remove(organisation=a.council, domain="alderley.gov.uk")
    provider.refresh_from_db()
    assert not provider.enabled
    assert not a.council.email_domains.exists()
    with pytest.raises(CommandError, match="is not one of"):
        _domains("remove", "--organisation", a.council.name, "--domain", "alderley.gov.uk")


def test_a_new_council_is_created_with_its_domains(db) -> None:
    call_command(
        "create_council",
        "--name",
        "Fernhill District Council",
        "--domain",
        "fernhill.gov.uk",
        "--admin-email",
        "admin@fernhill.gov.uk",
        "--admin-given-name",
        "Robin",
        "--admin-family-name",
        "Hale",
        stdout=io.StringIO(),
    )
    council = Organisation.objects.get(name="Fernhill District Council")
    assert list(council.email_domains.values_list("domain", flat=True)) == ["fernhill.gov.uk"]
    with pytest.raises(CommandError, match="already Fernhill District Council's"):
        call_command(
            "create_council",
            "--name",
            "Copycat Council",
            "--domain",
            "fernhill.gov.uk",
            "--admin-email",
            "admin@copycat.gov.uk",
            "--admin-given-name",
            "Sam",
            "--admin-family-name",
            "Lee",
            stdout=io.StringIO(),
        )
    assert not Organisation.objects.filter(name="Copycat Council").exists()


def test_the_administrator_sees_their_organisations_domains(world, signed_in) -> None:
    _verified(world["A"].council, "alderley.gov.uk")
    _verified(world["B"].council, B_DOMAIN)
    page = signed_in(world["A"].users["administrator"]).get(reverse("accounts:sign-in-settings")).content.decode()
    assert "<code>alderley.gov.uk</code>" in page and B_DOMAIN not in page


# Users at another organisation's domain (the same fault: claiming a name) --------------------------


def test_an_administrator_cannot_add_a_user_at_another_organisations_domain(world, signed_in) -> None:
    a, b = world["A"], world["B"]
    _verified(b.council, B_DOMAIN)
    client = signed_in(a.users["administrator"])
    form = {
        "email": f"jo.bloggs@{B_DOMAIN}",
        "given_name": "Jo",
        "family_name": "Bloggs",
        "organisation": a.council.pk,
        "roles": ["personal_adviser"],
    }
    page = client.post(reverse("accounts:user-create"), form)
    assert page.status_code == 200
    assert f"{B_DOMAIN} is another organisation&#x27;s email domain" in page.content.decode()
    assert not User.objects.filter(email__iendswith=f"@{B_DOMAIN}").exists()
    # A domain nobody has verified is allowed (a partner's staff may use any address); B's own is B's.
    assert client.post(reverse("accounts:user-create"), {**form, "email": "jo@alderley.example"}).status_code == 302
    services.user_create(
        acting_user=b.users["administrator"],
        organisation=b.council,
        email=f"jo.bloggs@{B_DOMAIN}",
        given_name="Jo",
        family_name="Bloggs",
        role_keys={"personal_adviser"},
    )


def test_a_council_cannot_register_a_partner_whose_first_administrator_is_at_another_organisations_domain(
    world,
) -> None:
    a, b = world["A"], world["B"]
    _verified(b.council, B_DOMAIN)
    with pytest.raises(ValidationError, match="another organisation's email domain"):
        services.partner_invite(
            acting_user=a.users["administrator"],
            council=a.council,
            name="Brockmoor Careers",
            kind=Organisation.Kind.CAREERS_SERVICE,
            admin_email=f"head@{B_DOMAIN}",
            admin_given_name="Kit",
            admin_family_name="Moss",
        )


def test_a_directory_cannot_provision_or_rename_a_user_into_another_organisations_domain(world) -> None:
    """SCIM: create (POST) and rename (PATCH userName) at B's verified domain are refused; nothing changes."""
    a, b = world["A"], world["B"]
    _verified(b.council, B_DOMAIN)
    _token, secret = services.scim_token_create(
        acting_user=a.users["administrator"], organisation=a.council, name="Entra ID provisioning"
    )
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": f"jo.bloggs@{B_DOMAIN}",
        "name": {"givenName": "Jo", "familyName": "Bloggs"},
    }
    refused = client.post("/scim/v2/Users", json.dumps(body), content_type="application/scim+json")
    assert refused.status_code == 400
    assert "another organisation's email domain" in json.loads(refused.content)["detail"]
    assert not User.objects.filter(email__iendswith=f"@{B_DOMAIN}").exists()
    made = client.post(
        "/scim/v2/Users", json.dumps({**body, "userName": "jo.bloggs@a.example"}), content_type="application/scim+json"
    )
    assert made.status_code == 201
    user_id = json.loads(made.content)["id"]
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "userName", "value": f"jo.bloggs@{B_DOMAIN}"}],
    }
    renamed = client.patch(f"/scim/v2/Users/{user_id}", json.dumps(patch), content_type="application/scim+json")
    assert renamed.status_code == 400
    assert User.objects.get(pk=user_id).email == "jo.bloggs@a.example"


# Existing data -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_records_domains_that_existing_data_shows_are_one_organisations() -> None:
    """Providers' allowed domains, and users' domains unique to one organisation; never a public one
    or one two organisations' users share."""
    from tests.migrating import migrated_back

    with migrated_back([("accounts", "0005_saml_identity_providers")]) as old:  # and forward again on leaving
        OldOrganisation = old.get_model("accounts", "Organisation")
        OldUser = old.get_model("accounts", "User")
        OldProvider = old.get_model("accounts", "IdentityProvider")
        alder = OldOrganisation.objects.create(name="Alderley Council", kind="council")
        brock = OldOrganisation.objects.create(name="Brockmoor Council", kind="council")
        trust = OldOrganisation.objects.create(name="Alderley Trust", kind="charity")
        OldProvider.objects.create(organisation=alder, issuer="https://x", allowed_domains="alderley.gov.uk gmail.com")
        for email, organisation in [
            ("a1@alderley.gov.uk", alder),
            ("a2@staff.alderley.gov.uk", alder),
            ("b1@brockmoor.gov.uk", brock),
            ("b2@brockmoor.gov.uk", brock),
            ("t1@gmail.com", trust),
            ("shared1@shared.example", alder),
            ("shared2@shared.example", trust),
            ("young-peoples-service.1@onward.invalid", brock),
        ]:
            OldUser.objects.create(email=email, given_name="X", family_name="Y", organisation=organisation)
    from onward.accounts.models import OrganisationDomain

    recorded = {d.domain: (d.organisation.name, d.source) for d in OrganisationDomain.objects.all()}
    assert recorded == {
        "alderley.gov.uk": ("Alderley Council", "migrated"),
        "staff.alderley.gov.uk": ("Alderley Council", "migrated"),
        "brockmoor.gov.uk": ("Brockmoor Council", "migrated"),
    }
