"""The demo's single sign-on: the second demo council connected to a local OpenID Connect provider."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from onward.accounts.demo import DEMO_OIDC_ISSUER, DEMO_SSO_COUNCIL, demo_local_provider
from onward.accounts.models import IdentityProvider, User

pytestmark = pytest.mark.django_db


def test_the_demo_connects_its_second_council_and_prints_the_steps() -> None:
    call_command("load_demo", "--quiet")
    out = io.StringIO()
    call_command("demo_single_sign_on", "--connect", stdout=out)
    printed = out.getvalue()
    provider = IdentityProvider.objects.get(organisation__name=DEMO_SSO_COUNCIL)
    assert (provider.issuer, provider.enabled, provider.mfa_replaces_code) == (DEMO_OIDC_ISSUER, True, True)
    assert f"{DEMO_SSO_COUNCIL} signs in through a local OpenID Connect provider" in printed
    assert "admin@harrowfield.example" in printed
    # Again: nothing changes (the council's users are not signed out again).
    call_command("demo_single_sign_on", "--connect", stdout=io.StringIO())
    assert IdentityProvider.objects.get().version == provider.version
    local = demo_local_provider(provider, secret="s")
    admin = User.objects.get(email="admin@harrowfield.example")
    assert local.accounts[admin.email].subject == f"demo-{admin.pk}"
    assert set(local.accounts) == set(
        User.objects.filter(organisation=provider.organisation).values_list("email", flat=True)
    )


def test_the_demo_single_sign_on_refuses_production_settings() -> None:
    with override_settings(ONWARD_ENVIRONMENT="production"), pytest.raises(CommandError, match="production"):
        call_command("demo_single_sign_on", "--connect")
    assert not IdentityProvider.objects.exists()
