"""The council writes, versions and publishes its local offer; it is public per council; young people comment."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from onward.audit.models import AuditEvent
from onward.portal.models import LocalOffer, Statement
from tests.portal.conftest import open_account, portal_sign_in

pytestmark = pytest.mark.django_db


def _publish(client: Client, **sections: str) -> LocalOffer:
    client.post(reverse("portal:offer-list"))
    draft = LocalOffer.objects.get(status="draft")
    data = {"introduction": "Our promise to care leavers", "version": str(draft.version)} | {
        f"{k}__text": v for k, v in sections.items()
    }
    response = client.post(reverse("portal:offer-edit", kwargs={"pk": draft.pk}), data | {"publish": "1"})
    assert response.status_code == 302, response.content
    draft.refresh_from_db()
    return draft


def test_a_manager_writes_and_publishes_versions_public_per_council(world, signed_in) -> None:
    a = world["A"]
    manager = signed_in(a.users["team_manager"])
    first = _publish(manager, money="A setting-up home allowance of £3,000", education="Bursary of £2,000")
    assert first.number == 1 and first.published_at is not None
    public = Client().get(reverse("local-offer:current", kwargs={"council": a.council.pk}))
    assert public.status_code == 200
    text = public.content.decode()
    assert "A setting-up home allowance of £3,000" in text
    assert text.index("Education and training") < text.index("Money")  # the statutory order
    assert a.service.name not in text or "Services that can help" in text
    # A new version starts from the last one's text; the published one never changes.
    second = _publish(manager, money="A setting-up home allowance of £3,500")
    assert second.number == 2
    first.refresh_from_db()
    assert first.sections.get(heading="money").text == "A setting-up home allowance of £3,000"
    current = Client().get(reverse("local-offer:current", kwargs={"council": a.council.pk})).content.decode()
    assert "£3,500" in current and "Version 1, published" in current
    old = Client().get(reverse("local-offer:version", kwargs={"council": a.council.pk, "number": 1}))
    assert "£3,000" in old.content.decode()
    assert AuditEvent.objects.filter(object_type="portal.LocalOffer", summary="Published").count() == 2
    assert manager.get(reverse("portal:offer-edit", kwargs={"pk": first.pk})).status_code == 302
    # Another council's offer is not there for this manager to change, and B has published nothing.
    assert Client().get(reverse("local-offer:current", kwargs={"council": world["B"].council.pk})).status_code == 404
    b_manager = Client()
    from tests.conftest import sign_in

    sign_in(b_manager, world["B"].users["team_manager"])
    assert b_manager.get(reverse("portal:offer-edit", kwargs={"pk": second.pk})).status_code == 404


def test_publishing_an_empty_offer_is_refused_with_a_message(world, signed_in) -> None:
    manager = signed_in(world["A"].users["team_manager"])
    manager.post(reverse("portal:offer-list"))
    draft = LocalOffer.objects.get()
    response = manager.post(
        reverse("portal:offer-edit", kwargs={"pk": draft.pk}), {"publish": "1", "version": str(draft.version)}
    )
    assert b"Write what you offer under at least one heading" in response.content
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_young_people_read_it_in_their_page_and_comment(world, signed_in, client: Client) -> None:
    a = world["A"]
    manager = signed_in(a.users["team_manager"])
    offer = _publish(manager, housing="Council tax exemption to 25")
    yp = portal_sign_in(Client(), open_account(a))
    page = yp.get(reverse("my:local-offer"))
    assert "Council tax exemption to 25" in page.content.decode()
    assert b"Enter your comment" in yp.post(reverse("my:local-offer"), {"text": ""}).content
    yp.post(reverse("my:local-offer"), {"text": "Please add help with driving lessons"})
    comment = Statement.objects.get(kind=Statement.Kind.OFFER_COMMENT)
    assert comment.local_offer == offer
    listing = manager.get(reverse("portal:offer-list")).content.decode()
    assert "Please add help with driving lessons" in listing
    assert a.person.display_name not in listing  # comments are shown without names
    # Another council's young person sees their own council's (none yet).
    other = portal_sign_in(Client(), open_account(world["B"]))
    assert "Council tax exemption" not in other.get(reverse("my:local-offer")).content.decode()
