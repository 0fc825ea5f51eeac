"""Helpers for the young people's own service: an account for a tenant's young person, and a signed-in client."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from onward.portal import access, services
from onward.portal.models import PortalAccount
from tests.conftest import Tenant


def open_account(tenant: Tenant, email: str | None = None) -> PortalAccount:
    """The tenant's young person given their own page by their adviser."""
    assert tenant.person is not None
    return services.account_invite(
        acting_user=tenant.users["personal_adviser"],
        person=tenant.person,
        email=email or f"young.person@{tenant.council.name.split()[0].lower()}.example",
        consent_given_on=timezone.localdate() - datetime.timedelta(days=1),
        consent_method="in_person",
    )


def portal_sign_in(client: Client, account: PortalAccount) -> Client:
    """Sign ``account`` in on ``client`` as the code step does (the code itself is tested on its own)."""
    session = client.session
    session[access.SESSION_ACCOUNT] = account.pk
    session[access.SESSION_EPOCH] = account.session_epoch
    session[access.SESSION_STARTED] = timezone.now().timestamp()
    session.save()
    return client


@pytest.fixture
def young_people(world: dict[str, Tenant]) -> dict[str, PortalAccount]:
    """Portal accounts for council A's and council B's young people."""
    return {"A": open_account(world["A"]), "B": open_account(world["B"])}
