"""Triage by a partner (issue 27): a council lets a partner organisation triage its referrals through an
accepted link carrying that power. The partner's triage coordinator sees that council's triage queue and
routes referrals, and nothing else; another council's queue stays hidden; removing the power (or ending the
link) removes access at once; every decision is audited in both organisations' trails."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from onward.accounts import access
from onward.accounts.models import Partnership
from onward.audit.models import AuditEvent
from onward.referrals import access as referral_access
from onward.referrals.models import Consent, Referral, Send
from tests.conftest import Tenant

TODAY = timezone.localdate


def _waiting(tenant: Tenant) -> Referral:
    """A referral of ``tenant``'s young person waiting for triage, consent naming the tenant's partner."""
    assert tenant.person is not None
    referral = Referral.objects.create(
        council=tenant.council,
        person=tenant.person,
        made_by=tenant.users["personal_adviser"],
        needs=["job_search"],
        status=Referral.Status.AWAITING_TRIAGE,
        triage_due=TODAY() + datetime.timedelta(days=5),
    )
    consent = Consent.objects.create(
        referral=referral,
        given_by="young_person",
        given_on=TODAY(),
        method="in_person",
        shared_fields=["needs"],
        purpose="To find work",
        expires_on=TODAY() + datetime.timedelta(days=365),
        recorded_by=tenant.users["personal_adviser"],
    )
    consent.organisations.add(tenant.partner)
    return referral


def _link(tenant: Tenant) -> Partnership:
    return Partnership.objects.get(council=tenant.council, partner=tenant.partner, status="accepted")


def _allow(client, tenant: Tenant, action: str = "allow_triage"):  # type: ignore[no-untyped-def]
    link = _link(tenant)
    return client.post(
        reverse("accounts:partnership-change", args=[link.pk]), {"action": action, "version": link.version}
    )


@pytest.fixture
def a_allows(world, signed_in) -> Tenant:  # type: ignore[no-untyped-def]
    """Council A's administrator gives its partner the triage power through the partner page."""
    a = world["A"]
    response = _allow(signed_in(a.users["administrator"]), a)
    assert response.status_code == 302
    assert _link(a).can_triage
    return a


def test_the_council_administrator_gives_the_power_and_it_is_audited_in_both_trails(a_allows) -> None:
    """Allowing triage is recorded in the council's trail and in the partner's."""
    link = _link(a_allows)
    for organisation in (a_allows.council, a_allows.partner):
        event = AuditEvent.objects.filter(council=organisation, object_id=str(link.pk)).latest("occurred_at")
        assert event.changes == {"can_triage": [False, True]}
        assert "Triage allowed" in event.summary


def test_only_the_council_gives_the_power(world, signed_in) -> None:
    """The partner's administrator cannot give their own organisation the power: refused, nothing changes."""
    a = world["A"]
    response = _allow(signed_in(a.users["partner_administrator"]), a)
    assert response.status_code == 200
    assert "Only Alderley Borough Council&#x27;s administrator" in response.content.decode()
    assert not _link(a).can_triage


def test_the_power_needs_an_accepted_link(world, signed_in) -> None:
    """An invitation not yet accepted cannot carry the power."""
    a = world["A"]
    link = _link(a)
    link.status = Partnership.Status.INVITED
    link.save()
    response = signed_in(a.users["administrator"]).post(
        reverse("accounts:partnership-change", args=[link.pk]), {"action": "allow_triage", "version": link.version}
    )
    assert response.status_code == 200
    assert "must accept the partnership" in response.content.decode()
    link.refresh_from_db()
    assert not link.can_triage


def test_the_partner_triager_sees_the_councils_queue_and_nothing_else(a_allows, signed_in) -> None:
    """The queue holds council A's referrals waiting for triage; a referral already triaged (the world's
    referral, sent to a service) and young people's records stay hidden."""
    waiting = _waiting(a_allows)
    triager = a_allows.users["partner_triage_coordinator"]
    client = signed_in(triager)
    queue = client.get(reverse("referrals:triage-queue"))
    assert queue.status_code == 200
    assert list(queue.context["queue"]) == [waiting]
    assert client.get(reverse("referrals:referral-detail", args=[waiting.pk])).status_code == 200
    assert a_allows.referral is not None and a_allows.person is not None
    assert client.get(reverse("referrals:referral-detail", args=[a_allows.referral.pk])).status_code == 404
    assert client.get(reverse("people:person-detail", args=[a_allows.person.pk])).status_code in (403, 404)
    assert client.get(reverse("referrals:monitoring")).status_code == 403


def test_a_partner_triager_of_council_a_cannot_see_council_bs_queue(world, a_allows, signed_in) -> None:
    """Council B's referral is 404 to A's partner triager, and never in their queue, even when B has a link
    with the same partner (without the power)."""
    b = world["B"]
    Partnership.objects.create(council=b.council, partner=a_allows.partner, status=Partnership.Status.ACCEPTED)
    theirs = _waiting(b)
    triager = a_allows.users["partner_triage_coordinator"]
    client = signed_in(triager)
    assert client.get(reverse("referrals:referral-detail", args=[theirs.pk])).status_code == 404
    assert theirs not in client.get(reverse("referrals:triage-queue")).context["queue"]
    assert list(access.triage_councils_for(triager)) == [a_allows.council]


def test_without_the_power_a_partner_triager_sees_and_triages_nothing(world, signed_in) -> None:
    """A partner triage coordinator whose link has no power: an empty queue, the referral 404, and the
    service refuses a decision made any other way."""
    from django.core.exceptions import ValidationError

    from onward.referrals import services

    a = world["A"]
    waiting = _waiting(a)
    triager = a.users["partner_triage_coordinator"]
    client = signed_in(triager)
    assert list(client.get(reverse("referrals:triage-queue")).context["queue"]) == []
    response = client.post(
        reverse("referrals:referral-detail", args=[waiting.pk]),
        {"decision": "decline", "note": "Not for us", "priority": "normal", "version": waiting.version},
    )
    assert response.status_code == 404
    with pytest.raises(ValidationError, match="may not triage"):
        services.referral_triage(
            acting_user=triager, referral=waiting, decision="decline", note="Not for us", version=waiting.version
        )
    waiting.refresh_from_db()
    assert waiting.status == Referral.Status.AWAITING_TRIAGE


def test_the_partner_triager_routes_a_referral_audited_in_both_trails(a_allows, signed_in) -> None:
    """Referring to a service of the council's network sends it, records the partner's triager, and writes
    the event in the council's trail and the partner's; the referral then leaves the partner's view."""
    waiting = _waiting(a_allows)
    triager = a_allows.users["partner_triage_coordinator"]
    client = signed_in(triager)
    response = client.post(
        reverse("referrals:referral-detail", args=[waiting.pk]),
        {"decision": "refer", "services": [a_allows.service.pk], "priority": "high", "version": waiting.version},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:triage-queue")
    waiting.refresh_from_db()
    assert waiting.status == Referral.Status.REFERRED
    assert waiting.triaged_by == triager
    assert Send.objects.filter(referral=waiting, service=a_allows.service, sent_by=triager).exists()
    for organisation in (a_allows.council, a_allows.partner):
        event = AuditEvent.objects.get(council=organisation, object_id=str(waiting.pk), summary__startswith="Triaged")
        assert event.changes == {"status": ["awaiting_triage", "referred"]}
        assert event.actor == triager
    assert client.get(reverse("referrals:referral-detail", args=[waiting.pk])).status_code == 404


def test_another_councils_services_are_not_offered_or_accepted(world, a_allows, signed_in) -> None:
    """A partner working with two councils routes A's referral only within A's network."""
    from django.core.exceptions import ValidationError

    from onward.referrals import services

    b = world["B"]
    Partnership.objects.create(council=b.council, partner=a_allows.partner, status=Partnership.Status.ACCEPTED)
    waiting = _waiting(a_allows)
    triager = a_allows.users["partner_triage_coordinator"]
    offered = referral_access.services_to_triage_to(triager, waiting)
    assert a_allows.service in offered and b.service not in offered
    with pytest.raises(ValidationError, match="not in Alderley"):
        services.referral_triage(
            acting_user=triager, referral=waiting, decision="refer", services=[b.service], version=waiting.version
        )


def test_removing_the_power_removes_access_at_once(a_allows, signed_in) -> None:
    """Once the council stops the partner triaging (audited), the queue is empty and the referral 404."""
    waiting = _waiting(a_allows)
    triager_client = signed_in(a_allows.users["partner_triage_coordinator"])
    assert triager_client.get(reverse("referrals:referral-detail", args=[waiting.pk])).status_code == 200
    from django.test import Client

    from tests.conftest import sign_in

    admin = sign_in(Client(), a_allows.users["administrator"])
    assert _allow(admin, a_allows, "stop_triage").status_code == 302
    assert not _link(a_allows).can_triage
    assert triager_client.get(reverse("referrals:referral-detail", args=[waiting.pk])).status_code == 404
    assert list(triager_client.get(reverse("referrals:triage-queue")).context["queue"]) == []
    event = AuditEvent.objects.filter(council=a_allows.partner, summary__startswith="Triage stopped").get()
    assert event.changes == {"can_triage": [True, False]}


def test_ending_the_link_ends_the_power(a_allows) -> None:
    """Ending the partnership takes the power with it (recorded), so a link made again starts without it."""
    from onward.accounts import services

    link = _link(a_allows)
    ended = services.partnership_change(
        acting_user=a_allows.users["partner_administrator"], link=link, action="end", version=link.version
    )
    assert not ended.can_triage
    assert not access.triage_councils_for(a_allows.users["partner_triage_coordinator"]).exists()
    event = AuditEvent.objects.filter(council=a_allows.council, object_id=str(link.pk)).latest("occurred_at")
    assert event.changes["can_triage"] == [True, False]


def test_withdrawn_consent_and_restricted_records_stay_hidden(a_allows) -> None:
    """A referral whose consent is withdrawn is not the partner's to triage."""
    waiting = _waiting(a_allows)
    Consent.objects.filter(referral=waiting).update(withdrawn_at=timezone.now())
    triager = a_allows.users["partner_triage_coordinator"]
    assert not referral_access.referrals_visible_to(triager).filter(pk=waiting.pk).exists()


def test_the_partner_triagers_home_page_counts_the_councils_queue(a_allows, signed_in) -> None:
    """Their home page shows the referrals waiting for them, linking to the queue."""
    _waiting(a_allows)
    home = signed_in(a_allows.users["partner_triage_coordinator"]).get(reverse("core:home")).content.decode()
    assert "1 referral waiting for triage" in home
    assert reverse("referrals:triage-queue") in home


def test_both_sides_see_the_power_on_their_partnership_pages(a_allows, signed_in) -> None:
    """The council's partner page offers to stop it; the partner's "Councils you work with" says it triages."""
    from django.test import Client

    from tests.conftest import sign_in

    council_page = sign_in(Client(), a_allows.users["administrator"]).get(
        reverse("accounts:partner-detail", args=[a_allows.partner.pk])
    )
    assert f"Stop {a_allows.partner.name} triaging referrals" in council_page.content.decode()
    partner_page = signed_in(a_allows.users["partner_administrator"]).get(reverse("accounts:partnership-list"))
    assert "You triage its referrals" in partner_page.content.decode()
