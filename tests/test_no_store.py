"""Nothing sent to a signed-in user, nor any download, may be kept by a browser or a proxy cache.

Every page a signed-in user sees can hold personal data, so every response to one says
``Cache-Control: no-store``; public pages for anonymous visitors and static files may be cached.
The walk covers every URL pattern (``RULES`` in ``tests/test_url_access.py``) for every role.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.cache import get_max_age

from onward.accounts.permissions import ROLES
from tests.conftest import Tenant, sign_in
from tests.test_url_access import RULES, url_for


def directives(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("role", [role.key for role in ROLES])
def test_every_response_to_a_signed_in_user_is_no_store(role: str, world: dict[str, Tenant]) -> None:
    """Whatever the page answers (a page, a download, a refusal, a redirect), it says no-store."""
    tenant = world["A"]
    client = sign_in(Client(), tenant.users[role])
    missing = []
    answered = 0
    for name in sorted(RULES):
        response = client.get(url_for(name, tenant))
        answered += response.status_code == 200
        if "no-store" not in directives(response):
            missing.append(f"{name} ({response.status_code}): {response.get('Cache-Control', 'no Cache-Control')}")
    assert answered, "no page answered, so the walk proves nothing"
    assert not missing, "\n".join(missing)


def test_a_signed_in_users_form_post_is_no_store(world: dict[str, Tenant]) -> None:
    """A form sent back with errors shows what was typed: it is not kept either."""
    tenant = world["A"]
    client = sign_in(Client(), tenant.users["personal_adviser"])
    response = client.post(reverse("people:person-update", kwargs={"pk": tenant.person.pk}), {})  # type: ignore[union-attr]
    assert "no-store" in directives(response)


def test_public_pages_for_anonymous_visitors_may_be_cached(db: None) -> None:
    """The rule is about personal data: a public page for a visitor who is not signed in is left alone."""
    response = Client().get(reverse("core:accessibility"))
    assert response.status_code == 200
    assert "no-store" not in directives(response)


def test_no_store_replaces_a_weaker_cache_header() -> None:
    """A response that allowed caching (public, max-age) is made no-store, with nothing left that allows it."""
    from django.http import HttpRequest, HttpResponse

    from onward.core.middleware import NoStoreMiddleware

    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("personal")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    request = HttpRequest()
    request.user = type("Signed", (), {"is_authenticated": True})()  # type: ignore[assignment]
    response = NoStoreMiddleware(view)(request)
    assert directives(response) == {"no-store"}
    assert get_max_age(response) is None
