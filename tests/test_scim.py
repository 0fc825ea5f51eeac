"""SCIM 2.0 provisioning of an organisation's users from its directory, and leavers (ADR 24).

Request and response shapes follow the examples of RFC 7644 (sections 3.3, 3.4.2, 3.5.1, 3.5.2,
3.6 and 3.12) and RFC 7643 (section 8), with email addresses as user names as Onward needs.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from onward.accounts import services
from onward.accounts.models import ScimToken, User
from onward.accounts.scim import ERROR_SCHEMA, LIST_SCHEMA, PATCH_SCHEMA, TEAM_SCHEMA, USER_SCHEMA
from onward.audit.models import AuditEvent
from tests.conftest import Tenant, sign_in

BJENSEN = {
    "schemas": [USER_SCHEMA, TEAM_SCHEMA],
    "userName": "bjensen@alderley.example",
    "externalId": "bjensen",
    "name": {"formatted": "Ms. Barbara J Jensen III", "familyName": "Jensen", "givenName": "Barbara"},
    "title": "Personal adviser",
    "emails": [{"value": "bjensen@alderley.example", "type": "work", "primary": True}],
    "roles": [{"value": "administrator"}],
}


class Directory:
    """An organisation's directory calling Onward's SCIM endpoint with its bearer token."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, body: object = None, **params: str):  # type: ignore[no-untyped-def]
        kwargs: dict[str, object] = {"headers": self.headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/scim+json")
        elif params:
            kwargs["data"] = params
        response = getattr(self.client, method)(path, **kwargs)
        return response, (json.loads(response.content) if response.content else None)


USERS = "/scim/v2/Users"


@pytest.fixture
def directory(world: dict[str, Tenant]) -> Directory:
    _token, secret = services.scim_token_create(
        acting_user=world["A"].users["administrator"], organisation=world["A"].council, name="Entra ID provisioning"
    )
    return Directory(secret)


def test_the_token_is_stored_hashed_and_nothing_answers_without_a_valid_one(world, directory) -> None:
    token = ScimToken.objects.get()
    secret = directory.headers["Authorization"].removeprefix("Bearer ")
    assert secret not in repr(list(ScimToken.objects.values_list()))
    assert token.token_hash == services.scim_token_hash(secret)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {secret}"}):
        response = Client().get(USERS, headers=headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert json.loads(response.content)["schemas"] == [ERROR_SCHEMA]
    services.scim_token_revoke(acting_user=world["A"].users["administrator"], token=token)
    assert directory.call("get", USERS)[0].status_code == 401


def test_the_directory_creates_a_user_with_a_team_and_no_roles(world, directory) -> None:
    """RFC 7644 3.3: 201, the resource and its Location. Roles are not provisioned; the team is."""
    tenant = world["A"]
    body = {**BJENSEN, TEAM_SCHEMA: {"team": tenant.team.name.upper()}}
    response, created = directory.call("post", USERS, body)
    assert response.status_code == 201, created
    assert response["Content-Type"] == "application/scim+json"
    user = User.objects.get(email="bjensen@alderley.example")
    assert response["Location"] == f"http://testserver{USERS}/{user.pk}"
    assert created["id"] == str(user.pk)
    assert created["userName"] == "bjensen@alderley.example"
    assert created["name"] == {"givenName": "Barbara", "familyName": "Jensen"}
    assert created["active"] is True
    assert created["externalId"] == "bjensen"
    assert created[TEAM_SCHEMA] == {"team": tenant.team.name}
    assert created["meta"]["resourceType"] == "User"
    assert user.organisation == tenant.council
    assert list(user.teams.all()) == [tenant.team]
    assert user.role_keys == frozenset()  # roles stay Onward's
    assert not user.has_usable_password()
    event = AuditEvent.objects.get(council=tenant.council, object_id=str(user.pk), action=AuditEvent.Action.CREATE)
    assert event.actor is None
    assert "directory" in event.summary
    assert "Entra ID provisioning" in event.summary
    again, error = directory.call("post", USERS, body)
    assert again.status_code == 409
    assert error["scimType"] == "uniqueness"
    unknown_team, error = directory.call(
        "post", USERS, {**BJENSEN, "userName": "x@alderley.example", TEAM_SCHEMA: {"team": "Nope"}}
    )
    assert unknown_team.status_code == 400
    assert "no team called" in error["detail"]
    assert not User.objects.filter(email="x@alderley.example").exists()


def test_get_and_filter_by_user_name(world, directory) -> None:
    """RFC 7644 3.4.1 and 3.4.2: a ListResponse; only ``userName eq`` is supported."""
    a_user = world["A"].users["personal_adviser"]
    response, found = directory.call("get", USERS, filter=f'userName eq "{a_user.email.upper()}"')
    assert response.status_code == 200
    assert found["schemas"] == [LIST_SCHEMA]
    assert found["totalResults"] == 1
    assert found["Resources"][0]["id"] == str(a_user.pk)
    none, found = directory.call("get", USERS, filter='userName eq "nobody@alderley.example"')
    assert (none.status_code, found["totalResults"], found["Resources"]) == (200, 0, [])
    bad, error = directory.call("get", USERS, filter='name.familyName co "O"')
    assert (bad.status_code, error["scimType"]) == (400, "invalidFilter")
    _, page = directory.call("get", USERS, startIndex="2", count="3")
    assert page["startIndex"] == 2
    assert page["itemsPerPage"] == 3
    assert page["totalResults"] == User.objects.filter(organisation=world["A"].council).count()
    response, one = directory.call("get", f"{USERS}/{a_user.pk}")
    assert (response.status_code, one["userName"]) == (200, a_user.email)


def test_a_token_sees_and_changes_only_its_own_organisations_users(world, directory) -> None:
    b_user = world["B"].users["personal_adviser"]
    partner_user = world["A"].users["partner_administrator"]  # A's partner is another organisation
    _, listed = directory.call("get", USERS)
    emails = {resource["userName"] for resource in listed["Resources"]}
    assert b_user.email not in emails
    assert partner_user.email not in emails
    for target in (b_user, partner_user):
        for method, body in (
            ("get", None),
            ("put", BJENSEN),
            ("patch", {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "path": "active", "value": False}]}),
            ("delete", None),
        ):
            response, _ = directory.call(method, f"{USERS}/{target.pk}", body)
            assert response.status_code == 404, (method, target)
        target.refresh_from_db()
        assert target.is_active
    assert directory.call("get", f"{USERS}/not-a-number")[0].status_code == 404
    assert not AuditEvent.objects.filter(object_id__in=[str(b_user.pk), str(partner_user.pk)]).exists()


def test_replace_and_patch_change_details_and_team(world, directory) -> None:
    """RFC 7644 3.5.1 (PUT) and 3.5.2 (PATCH add and replace, with and without a path)."""
    tenant = world["A"]
    _, created = directory.call("post", USERS, BJENSEN)
    path = f"{USERS}/{created['id']}"
    replaced = {
        **BJENSEN,
        "name": {"givenName": "Babs", "familyName": "Jensen"},
        TEAM_SCHEMA: {"team": tenant.team.name},
    }
    response, body = directory.call("put", path, replaced)
    assert response.status_code == 200
    assert body["name"]["givenName"] == "Babs"
    assert body[TEAM_SCHEMA]["team"] == tenant.team.name
    patch = {
        "schemas": [PATCH_SCHEMA],
        "Operations": [
            {"op": "Replace", "path": "title", "value": "Senior personal adviser"},
            {"op": "add", "value": {"name": {"familyName": "Jensen-Hale"}}},
            {"op": "remove", "path": f"{TEAM_SCHEMA}:team"},
        ],
    }
    response, body = directory.call("patch", path, patch)
    assert response.status_code == 200, body
    user = User.objects.get(pk=created["id"])
    assert (user.job_title, user.family_name) == ("Senior personal adviser", "Jensen-Hale")
    assert not user.teams.exists()
    roles, error = directory.call(
        "patch",
        path,
        {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "add", "path": "roles", "value": "administrator"}]},
    )
    assert (roles.status_code, error["scimType"]) == (400, "invalidPath")
    not_patch, _ = directory.call("patch", path, {"Operations": []})
    assert not_patch.status_code == 400
    assert AuditEvent.objects.filter(council=tenant.council, object_id=created["id"], action="change").count() == 2


@pytest.mark.parametrize(
    "operations",
    [
        pytest.param([{"op": "replace", "path": "active", "value": False}], id="rfc-path"),
        pytest.param([{"op": "Replace", "path": "active", "value": "False"}], id="entra-string"),
        pytest.param([{"op": "replace", "value": {"active": False}}], id="no-path"),
    ],
)
def test_a_user_deactivated_in_the_directory_is_signed_out_at_their_next_request(world, directory, operations) -> None:
    """A leaver: every session they have ends at its next request; the change is in the council's trail."""
    tenant = world["A"]
    user = tenant.users["personal_adviser"]
    browsers = [sign_in(Client(), user), sign_in(Client(), user)]
    for browser in browsers:
        assert browser.get(reverse("core:home")).status_code == 200
    response, body = directory.call(
        "patch", f"{USERS}/{user.pk}", {"schemas": [PATCH_SCHEMA], "Operations": operations}
    )
    assert response.status_code == 200
    assert body["active"] is False
    for browser in browsers:
        refused = browser.get(reverse("core:home"))
        assert refused.status_code == 302
        assert refused["Location"].startswith(reverse("accounts:sign-in"))
    # Reactivated later, the old sessions still do not come back (their epoch has passed).
    directory.call(
        "patch",
        f"{USERS}/{user.pk}",
        {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "path": "active", "value": True}]},
    )
    for browser in browsers:
        assert browser.get(reverse("core:home")).status_code == 302
    event = AuditEvent.objects.filter(council=tenant.council, object_id=str(user.pk), action="change").earliest("pk")
    assert event.summary.startswith("Deactivated by the organisation's directory")
    assert event.changes["is_active"] == [True, False]


def test_the_leaver_check_also_works_when_the_account_is_reactivated_before_the_next_request(world, directory) -> None:
    """Deactivated then reactivated in the directory: the old sessions still end (the epoch moved on)."""
    user = world["A"].users["personal_adviser"]
    browser = sign_in(Client(), user)
    assert directory.call("delete", f"{USERS}/{user.pk}")[0].status_code == 204
    _response, body = directory.call(
        "patch",
        f"{USERS}/{user.pk}",
        {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "path": "active", "value": True}]},
    )
    assert body["active"] is True
    assert browser.get(reverse("core:home")).status_code == 302
    user.refresh_from_db()
    assert sign_in(Client(), user).get(reverse("core:home")).status_code == 200


def test_an_administrator_deactivating_a_user_signs_them_out_too(world, signed_in) -> None:
    tenant = world["A"]
    user = tenant.users["personal_adviser"]
    browser = sign_in(Client(), user)
    services.user_update(
        acting_user=tenant.users["administrator"],
        user=user,
        version=user.version,
        given_name=user.given_name,
        family_name=user.family_name,
        job_title=user.job_title,
        role_keys=set(user.role_keys),
        teams=list(user.teams.all()),
        is_active=False,
    )
    assert browser.get(reverse("core:home")).status_code == 302


def test_bad_bodies_get_scim_errors_not_server_errors(world, directory) -> None:
    for body in (b"not json", b"[]", b"\xff\xfe", json.dumps({"userName": "a@b.example"}).encode()):
        response = directory.client.post(
            USERS, data=body, content_type="application/scim+json", headers=directory.headers
        )
        assert response.status_code == 400
        assert json.loads(response.content)["schemas"] == [ERROR_SCHEMA]
    assert directory.call("get", USERS, count="-1")[0].status_code == 400
    assert directory.call("put", USERS)[0].status_code == 405


def test_the_administrator_creates_and_revokes_tokens_on_the_sign_in_settings_page(world, signed_in) -> None:
    tenant = world["A"]
    client = signed_in(tenant.users["administrator"])
    created = client.post(reverse("accounts:scim-token-create"), {"name": "Entra ID provisioning"})
    assert created["Location"] == reverse("accounts:sign-in-settings")
    content = client.get(created["Location"]).content.decode()
    assert "not shown again" not in client.get(created["Location"]).content.decode()
    token = ScimToken.objects.get(organisation=tenant.council)
    secret = content.split("<code data-scim-token>")[1].split("</code>")[0]
    assert services.scim_token_hash(secret) == token.token_hash
    assert Directory(secret).call("get", USERS)[0].status_code == 200
    empty = client.post(reverse("accounts:scim-token-create"), {"name": " "})
    assert "Enter a name for the token" in empty.content.decode()
    # Another council's administrator cannot revoke it.
    other = signed_in_as(world["B"].users["administrator"])
    other.post(reverse("accounts:scim-token-revoke"), {"token": str(token.pk)})
    token.refresh_from_db()
    assert token.revoked_at is None
    client.post(reverse("accounts:scim-token-revoke"), {"token": str(token.pk)})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Directory(secret).call("get", USERS)[0].status_code == 401
    assert AuditEvent.objects.filter(council=tenant.council, object_type="accounts.ScimToken").count() == 2


def signed_in_as(user: User) -> Client:
    return sign_in(Client(), user)
