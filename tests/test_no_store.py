"""Nothing sent to a signed-in user, nor any download, may be kept by a browser or a proxy cache.

Every page a signed-in user sees can hold personal data, so every response to one says
``Cache-Control: no-store``; public pages for anonymous visitors and static files may be cached.
Every URL pattern for every role is checked in the walk of ``tests/test_url_access.py``
(``test_every_url_answers_each_audience_as_decided``), which requests them all anyway; the tests
here hold a form sent back, anonymous pages and the middleware itself.
"""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils.cache import get_max_age

from tests.conftest import Tenant, sign_in
from tests.test_url_access import cache_directives as directives


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
