"""A council connects its own OpenID Connect provider; its staff sign in through it; a leaver is shut out.

The provider is a real one on localhost (``onward.accounts.local_provider``). axe-core checks every
Onward page on the way (the provider's own page is not Onward's).
"""

from __future__ import annotations

import re

import pytest
import requests
from django.urls import reverse
from playwright.sync_api import Page, expect

from onward.accounts import services
from onward.accounts.local_provider import LocalProvider
from onward.accounts.models import IdentityProvider
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor
from tests.factories import verified_domains

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET_ENV = "ONWARD_OIDC_SECRET_ALDERLEY"
DOMAIN = "staff.alderley.example"


def test_a_connected_councils_user_signs_in_through_the_provider_and_a_leaver_is_refused(
    live_server, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = make_tenant("Alderley")
    verified_domains(tenant.council, DOMAIN)  # recorded by the Onward service team
    base = live_server.url
    op = LocalProvider(
        client_id="onward-alderley",
        client_secret="entra-client-secret",
        redirect_uris=[base + reverse("accounts:oidc-callback")],
    ).start()
    monkeypatch.setenv(SECRET_ENV, op.client_secret)
    try:
        # The council's administrator connects the provider on the sign-in settings page.
        sign_in_with_two_factor(page, base, tenant.users["administrator"].email)
        page.goto(base + reverse("accounts:user-list"))
        page.get_by_role("link", name="Sign-in and provisioning").click()
        expect(page.get_by_role("heading", name="Sign-in and provisioning")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Save sign-in settings").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Issuer").fill(op.issuer)
        page.get_by_label("Client ID").fill(op.client_id)
        page.get_by_label("Environment variable holding the client secret").fill(SECRET_ENV)
        page.get_by_label("Allowed email domains").fill(DOMAIN)
        page.get_by_label("Yes, our provider requires multi-factor sign-in").check()
        page.get_by_label("Yes, sign in through our provider").check()
        page.get_by_role("button", name="Save sign-in settings").click()
        # Saving signs everyone in the council out, the administrator too.
        expect(page.get_by_role("heading", name="Sign in to Onward")).to_be_visible()
        assert IdentityProvider.objects.filter(organisation=tenant.council, enabled=True).exists()

        user = services.user_create(
            acting_user=None,
            organisation=tenant.council,
            email=f"morgan.reyes@{DOMAIN}",
            given_name="Morgan",
            family_name="Reyes",
            role_keys={"personal_adviser"},
            teams=[tenant.team],
        )
        op.add_account(email=user.email, given_name="Morgan", family_name="Reyes")
        _token, scim_secret = services.scim_token_create(
            acting_user=tenant.users["administrator"], organisation=tenant.council, name="Directory"
        )

        # The member of staff enters only their email address and goes to their organisation's sign-in.
        page.goto(base + reverse("accounts:sign-in"))
        assert_accessible(page)
        page.get_by_label("Email address").fill(user.email)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Local identity provider")).to_be_visible()
        expect(page.get_by_label("Work email address")).to_have_value(user.email)
        page.get_by_role("button", name="Sign in with your organisation").click()
        expect(page.get_by_role("heading", name=re.compile("here is your work"))).to_be_visible()
        assert page.url == base + reverse("core:home")
        assert_accessible(page)

        # The directory deactivates them: their next request is refused.
        answer = requests.patch(
            f"{base}/scim/v2/Users/{user.pk}",
            json={
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "replace", "path": "active", "value": False}],
            },
            headers={"Authorization": f"Bearer {scim_secret}", "Content-Type": "application/scim+json"},
            timeout=10,
        )
        assert answer.status_code == 200
        page.goto(base + reverse("accounts:account"))
        expect(page.get_by_role("heading", name="Sign in to Onward")).to_be_visible()

        # Signing in again through the provider is refused with a message.
        page.get_by_label("Email address").fill(user.email)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Sign in with your organisation").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        expect(page.get_by_text("You cannot sign in to Onward with this account")).to_be_visible()
        assert_accessible(page)
    finally:
        op.stop()
