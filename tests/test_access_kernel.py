"""The access kernel's own rules, called directly (``onward/accounts/access.py``): the page rule and its
decorator, who may triage for which council, a council's colleagues and its partners.

The pages prove these through tests/test_url_access.py and the partner triage tests; these pin each
condition on its own, so that mutation testing finds none of them open (docs/mutation.md).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from onward.accounts import access
from onward.accounts.models import Organisation, Partnership
from onward.accounts.permissions import Perm
from tests.factories import PartnerFactory, UserFactory


@pytest.fixture
def tenant(world):  # type: ignore[no-untyped-def]
    return world["A"]


def _deactivated(user):  # type: ignore[no-untyped-def]
    user.is_active = False
    user.save()
    return user


# The page rule ------------------------------------------------------------------------------------


def test_the_page_rule_refuses_a_signed_out_or_deactivated_user(tenant) -> None:  # type: ignore[no-untyped-def]
    rule = access.PageRule()
    adviser = tenant.users["personal_adviser"]
    assert rule.allows(adviser)
    assert not rule.allows(AnonymousUser())
    assert not rule.allows(_deactivated(adviser))


def test_the_page_rule_needs_every_one_of_all_of(tenant) -> None:  # type: ignore[no-untyped-def]
    adviser = tenant.users["personal_adviser"]
    held, missing = Perm.VIEW_CASELOAD, Perm.MANAGE_TARGETS
    assert adviser.can(held) and not adviser.can(missing)
    assert access.PageRule(all_of=(held,)).allows(adviser)
    assert not access.PageRule(all_of=(held, missing)).allows(adviser)
    assert not access.PageRule(all_of=(missing,)).allows(adviser)


def test_the_page_rule_needs_one_of_any_of_when_given(tenant) -> None:  # type: ignore[no-untyped-def]
    adviser = tenant.users["personal_adviser"]
    held, missing = Perm.VIEW_CASELOAD, Perm.MANAGE_TARGETS
    assert access.PageRule(any_of=(missing, held)).allows(adviser)
    assert not access.PageRule(any_of=(missing,)).allows(adviser)
    assert access.PageRule(any_of=()).allows(adviser)


def test_the_page_rule_for_council_staff_refuses_a_partners_user(tenant) -> None:  # type: ignore[no-untyped-def]
    rule = access.PageRule(council_staff=True)
    assert rule.allows(tenant.users["personal_adviser"])
    assert not rule.allows(tenant.users["partner_provider"])
    assert access.PageRule(council_staff=False).allows(tenant.users["partner_provider"])


def test_require_perm_answers_403_without_calling_the_view_and_carries_its_rule(tenant) -> None:  # type: ignore[no-untyped-def]
    calls: list[HttpRequest] = []

    def view(request: HttpRequest, pk: int) -> HttpResponse:
        calls.append(request)
        return HttpResponse(f"record {pk}")

    guarded = access.require_perm(Perm.VIEW_CASELOAD, any_of=(Perm.MANAGE_TARGETS, Perm.VIEW_CASELOAD))(view)
    assert guarded.page_rule == access.PageRule(  # type: ignore[attr-defined]
        all_of=(Perm.VIEW_CASELOAD,), any_of=(Perm.MANAGE_TARGETS, Perm.VIEW_CASELOAD)
    )
    assert guarded.__name__ == "view"
    request = RequestFactory().get("/")
    request.user = tenant.users["partner_provider"]
    with pytest.raises(PermissionDenied):
        guarded(request, pk=7)
    assert calls == []
    request.user = tenant.users["personal_adviser"]
    assert guarded(request, pk=7).content == b"record 7"
    assert calls == [request]
    staff_only = access.require_perm(council_staff=True)(view)
    assert staff_only.page_rule == access.PageRule(council_staff=True)  # type: ignore[attr-defined]


# Triage for a council ---------------------------------------------------------------------------------


@pytest.fixture
def triage_link(tenant):  # type: ignore[no-untyped-def]
    link = Partnership.objects.get(council=tenant.council, partner=tenant.partner, status="accepted")
    link.can_triage = True
    link.save()
    return link


def test_a_partner_triager_triages_for_the_councils_whose_live_link_carries_the_power(  # type: ignore[no-untyped-def]
    world, tenant, triage_link
) -> None:
    triager = tenant.users["partner_triage_coordinator"]
    assert list(access.triage_councils_for(triager)) == [tenant.council]
    # B's link with the same partner gives nothing while it is accepted without the power, or has the power
    # but is not accepted; accepted with the power, it gives B too.
    other = Partnership.objects.create(council=world["B"].council, partner=tenant.partner, status="accepted")
    assert list(access.triage_councils_for(triager)) == [tenant.council]
    other.can_triage, other.status = True, "invited"
    other.save()
    assert list(access.triage_councils_for(triager)) == [tenant.council]
    other.status = "accepted"
    other.save()
    assert set(access.triage_councils_for(triager)) == {tenant.council, world["B"].council}


def test_no_triage_for_anyone_without_the_permission_or_a_partner_organisation(  # type: ignore[no-untyped-def]
    tenant, triage_link
) -> None:
    assert not access.triage_councils_for(AnonymousUser()).exists()
    assert not access.triage_councils_for(tenant.users["partner_provider"]).exists()  # no TRIAGE_REFERRALS
    council_triager = tenant.users["triage_coordinator"]
    assert council_triager.can(Perm.TRIAGE_REFERRALS)
    assert not access.triage_councils_for(council_triager).exists()  # their own council's triage is by role
    assert not access.triage_councils_for(_deactivated(tenant.users["partner_triage_coordinator"])).exists()


def test_the_power_goes_with_the_link(tenant, triage_link) -> None:  # type: ignore[no-untyped-def]
    triager = tenant.users["partner_triage_coordinator"]
    triage_link.can_triage = False
    triage_link.save()
    assert not access.triage_councils_for(triager).exists()
    triage_link.can_triage = True
    triage_link.status = "ended"
    triage_link.save()
    assert not access.triage_councils_for(triager).exists()


# Colleagues and partners --------------------------------------------------------------------------


def test_colleagues_are_the_active_staff_of_the_users_own_council(world, tenant) -> None:  # type: ignore[no-untyped-def]
    adviser = tenant.users["personal_adviser"]
    gone = UserFactory(organisation=tenant.council, is_active=False)
    found = set(access.colleagues(adviser))
    assert adviser in found and tenant.users["team_manager"] in found
    assert gone not in found
    assert not found & set(world["B"].users.values())
    assert not any(user.organisation_id != tenant.council.pk for user in found)
    assert not access.colleagues(tenant.users["partner_provider"]).exists()


def test_a_councils_partners_are_its_live_links_only(world, tenant) -> None:  # type: ignore[no-untyped-def]
    invited = PartnerFactory(name="Invited Training Ltd")
    ended = PartnerFactory(name="Ended Training Ltd")
    Partnership.objects.create(council=tenant.council, partner=invited, status="invited")
    Partnership.objects.create(council=tenant.council, partner=ended, status="ended")
    Partnership.objects.create(council=tenant.council, partner=world["B"].council, status="accepted")
    partners = set(access.partners_of(tenant.council))
    assert tenant.partner in partners
    assert not partners & {invited, ended, world["B"].council}
    assert all(org.kind != Organisation.Kind.COUNCIL for org in partners)
