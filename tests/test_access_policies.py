"""The access policies' edges, called directly: what the pages cannot reach but the policy must hold.

The rules table (tests/test_access_rules.py) checks each rule through the page and the policy;
these tests pin the edges mutation testing found open: signed-out and deactivated users,
identifiers that are not numbers, ordering and duplicates.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from onward.accounts import access
from onward.accounts.models import Organisation
from onward.referrals.models import Consent, Referral, Send
from tests.factories import PartnerFactory, UserFactory


@pytest.fixture
def tenant(world):  # type: ignore[no-untyped-def]
    return world["A"]


def test_a_signed_out_visitor_is_in_no_council_and_sees_nothing(db: None) -> None:
    """Without signing in, nobody has a council, a network or a directory."""
    visitor = AnonymousUser()
    assert access.council_of(visitor) is None
    assert not access.councils_for(visitor).exists()
    assert not access.services_visible_to(visitor).exists()  # type: ignore[arg-type]


def test_a_deactivated_user_sees_nothing_their_roles_would_show(tenant) -> None:  # type: ignore[no-untyped-def]
    """Deactivating a user removes their council, their network and every record at once."""
    officer = tenant.users["performance_officer"]
    partner = tenant.users["partner_provider"]
    assert access.people_visible_to(officer).exists()
    assert access.councils_for(partner).exists()
    assert access.services_visible_to(partner).exists()
    for user in (officer, partner):
        user.is_active = False
        user.save()
    assert access.council_of(officer) is None
    assert not access.people_visible_to(officer).exists()
    assert not access.councils_for(officer).exists()
    assert not access.councils_for(partner).exists()
    assert not access.services_visible_to(partner).exists()


@pytest.mark.parametrize("pk", ["abc", None, [1], "1; DROP TABLE"])
def test_an_identifier_that_is_not_a_number_is_not_found(tenant, pk: object) -> None:  # type: ignore[no-untyped-def]
    """access_<thing> answers 404 for any identifier it cannot look up, never a server error."""
    with pytest.raises(Http404):
        access.access_person(tenant.users["performance_officer"], pk)


def test_administrators_add_users_to_their_council_first_then_partners_by_name(tenant) -> None:  # type: ignore[no-untyped-def]
    """The council comes first in the list of organisations, even when a partner's name sorts before it."""
    PartnerFactory(name="Aaron's Apprenticeships", kind=Organisation.Kind.TRAINING_PROVIDER, councils=[tenant.council])
    names = [o.name for o in access.assignable_organisations(tenant.users["administrator"])]
    assert names[0] == tenant.council.name
    assert names[1:] == sorted(names[1:])
    assert "Aaron's Apprenticeships" in names


def test_a_send_shared_under_an_override_is_received_once_whatever_the_consent_names(tenant) -> None:  # type: ignore[no-untyped-def]
    """A referral sent under an override, whose consent names several other organisations, is one
    referral on the receiving partner's list, not one a named organisation."""
    today = timezone.localdate()
    others = [PartnerFactory(councils=[tenant.council]) for _ in range(3)]
    receiver = PartnerFactory(councils=[tenant.council])
    service = tenant.service
    service.pk = None
    service.provider = receiver
    service.name = "Override Works"
    service.save()
    referral = Referral.objects.create(
        council=tenant.council,
        person=tenant.person,
        made_by=tenant.users["personal_adviser"],
        needs=["job_search"],
        status=Referral.Status.REFERRED,
        triage_due=today + datetime.timedelta(days=7),
    )
    consent = Consent.objects.create(
        referral=referral,
        given_by="young_person",
        given_on=today,
        method="in_person",
        shared_fields=["needs"],
        purpose="To find work",
        expires_on=today + datetime.timedelta(days=90),
        recorded_by=tenant.users["personal_adviser"],
    )
    consent.organisations.add(*others)
    send = Send.objects.create(
        referral=referral,
        service=service,
        sent_by=tenant.users["triage_coordinator"],
        consent_override_reason="Urgent: the young person asked by phone",
    )
    user = UserFactory(organisation=receiver, roles=["partner_provider"])
    received = access.sends_received_by(user)
    assert list(received.values_list("pk", flat=True)) == [send.pk]
