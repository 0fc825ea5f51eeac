"""Tokens for the API tests: one a role, made by the organisation's own administrator."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from onward.accounts.models import User
from onward.api import services
from tests.conftest import Tenant


def make_token(user: User, *, scope: str = "write", rate: int = 6000) -> str:
    admin_role = "administrator" if user.organisation.is_council else "partner_administrator"
    admin = User.objects.filter(organisation=user.organisation, groups__name=admin_role).first()
    assert admin is not None
    _token, secret = services.token_create(
        acting_user=admin,
        user=user,
        name=f"{user.email} system",
        scope=scope,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        rate_per_minute=rate,
    )
    return secret


@pytest.fixture
def token_for() -> Callable[..., str]:
    return make_token


class ApiClient:
    """The Django test client, sending a bearer token and JSON."""

    def __init__(self, secret: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str, **params: object):  # type: ignore[no-untyped-def]
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: object = None, *, version: object = None):  # type: ignore[no-untyped-def]
        headers = dict(self.headers)
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        return self.client.post(
            f"/api/v1{path}", body if body is not None else {}, content_type="application/json", headers=headers
        )


@pytest.fixture
def api_as(token_for: Callable[..., str]) -> Callable[..., ApiClient]:
    def _api(user: User, **kwargs: object) -> ApiClient:
        return ApiClient(token_for(user, **kwargs))

    return _api


def tenant_user(tenant: Tenant, role: str) -> User:
    return tenant.users[role]
