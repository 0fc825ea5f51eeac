"""A council connects its SAML 2.0 identity provider; its staff sign in through it (ADR 32).

The identity provider is pysaml2's own server on localhost (``tests/saml_idp.py``), with keys made
for the test; so is Onward's SP key pair. The provider's reply crosses sites, as in life: the
browser leaves Onward's SameSite=Lax session cookie off it, and Onward's continue page posts it
again. axe-core checks every Onward page on the way (the provider's own page is not Onward's).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from django.urls import reverse
from playwright.sync_api import Browser, Page, Route, expect

from onward.accounts import services
from onward.accounts.models import IdentityProvider
from tests.conftest import make_tenant
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in_with_two_factor
from tests.factories import verified_domains
from tests.saml_idp import SamlIdP, make_key_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOMAIN = "staff.alderley.example"


def test_a_saml_connected_councils_user_signs_in_through_the_identity_provider(
    live_server, page: Page, browser: Browser, settings, tmp_path: Path
) -> None:
    settings.ONWARD_SAML_SP_KEY_FILE, settings.ONWARD_SAML_SP_CERT_FILE = make_key_pair(tmp_path, "onward-sp")
    tenant = make_tenant("Alderley")
    verified_domains(tenant.council, DOMAIN)  # recorded by the Onward service team
    base = live_server.url
    idp = SamlIdP(folder=tmp_path).serve()
    try:
        # The council's administrator connects the identity provider on the SAML sign-in page.
        sign_in_with_two_factor(page, base, tenant.users["administrator"].email)
        page.goto(base + reverse("accounts:sign-in-settings"))
        page.get_by_role("link", name="Connect a SAML identity provider").click()
        expect(page.get_by_role("heading", name="SAML sign-in")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Save SAML settings").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        expect(
            page.get_by_role("link", name="Enter your identity provider's metadata, or upload its file")
        ).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Your identity provider's metadata (XML)").fill(idp.metadata)
        page.get_by_label("Email domains that sign in through SAML").fill(DOMAIN)
        page.get_by_label("Yes, our identity provider requires multi-factor sign-in").check()
        page.get_by_label("Yes, sign in through our SAML identity provider").check()
        page.get_by_role("button", name="Save SAML settings").click()
        # Saving signs everyone in the council out, the administrator too.
        expect(page.get_by_role("heading", name="Sign in to Onward")).to_be_visible()
        assert IdentityProvider.objects.filter(organisation=tenant.council, protocol="saml", enabled=True).exists()

        # The provider is given Onward's service provider metadata, from its published address.
        metadata = requests.get(base + reverse("accounts:saml-metadata", args=[tenant.council.pk]), timeout=10)
        assert metadata.status_code == 200
        idp.trust(metadata.text)
        user = services.user_create(
            acting_user=None,
            organisation=tenant.council,
            email=f"morgan.reyes@{DOMAIN}",
            given_name="Morgan",
            family_name="Reyes",
            role_keys={"personal_adviser"},
            teams=[tenant.team],
        )
        idp.add_account(user.email)

        # The member of staff enters only their email address and goes to their organisation's sign-in.
        page.goto(base + reverse("accounts:sign-in"))
        assert_accessible(page)
        page.get_by_label("Email address").fill(user.email)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Council sign-in (SAML)")).to_be_visible()
        page.get_by_label("Work email").fill(user.email)
        page.get_by_role("button", name="Sign in at the council").click()
        expect(page.get_by_role("heading", name=re.compile("here is your work"))).to_be_visible()
        assert page.url == base + reverse("core:home")
        assert_accessible(page)

        # The continue page (for the cross-site post) is checked too: here its script is held back.
        context = browser.new_context()
        other = context.new_page()
        acs = base + reverse("accounts:saml-acs", args=[tenant.council.pk])

        def without_script(route: Route) -> None:
            answer = route.fetch()
            route.fulfill(response=answer, body=re.sub(r"<script nonce.*?</script>", "", answer.text(), flags=re.S))

        other.route(acs, without_script)
        other.set_content(
            f'<form method="post" action="{acs}"><input name="SAMLResponse" value="bm90IGEgcmVzcG9uc2U=">'
            "<button>Post</button></form>"
        )
        other.get_by_role("button", name="Post").click()
        expect(other.get_by_role("heading", name="Continue signing in")).to_be_visible()
        assert_accessible(other)
        other.unroute(acs)
        other.get_by_role("button", name="Continue").click()
        expect(other.get_by_text("Your organisation's sign-in did not complete")).to_be_visible()
        assert_accessible(other)
        context.close()
    finally:
        idp.stop()
