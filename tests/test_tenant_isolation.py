"""A council is the tenant boundary: a user of council A never sees council B's records."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from onward.accounts import access
from onward.accounts.permissions import ROLES
from onward.audit.services import audit_view
from tests.conftest import Tenant


def record_urls(tenant: Tenant) -> list[str]:
    return [
        reverse("accounts:team-detail", kwargs={"pk": tenant.team.pk}),
        reverse("accounts:team-update", kwargs={"pk": tenant.team.pk}),
        reverse("accounts:user-detail", kwargs={"pk": tenant.users["personal_adviser"].pk}),
        reverse("accounts:user-update", kwargs={"pk": tenant.users["administrator"].pk}),
        reverse("accounts:partner-detail", kwargs={"pk": tenant.partner.pk}),
        reverse("returns:import-detail", kwargs={"pk": tenant.import_run.pk}),
        reverse("returns:import-problems-csv", kwargs={"pk": tenant.import_run.pk}),
        reverse("referrals:referral-detail", kwargs={"pk": tenant.referral.pk}),
        reverse("opportunities:opportunity-detail", kwargs={"pk": tenant.opportunity.pk}),
        reverse("opportunities:employer-detail", kwargs={"pk": tenant.employer.pk}),
        reverse("opportunities:application-detail", kwargs={"pk": tenant.application.pk}),
        reverse("opportunities:for-person", kwargs={"person_pk": tenant.person.pk}),
        reverse("referrals:feedback-add", kwargs={"pk": tenant.referral.pk}),
        reverse("referrals:received-detail", kwargs={"pk": tenant.send.pk}),
        reverse("referrals:service-detail", kwargs={"pk": tenant.service.pk}),
        reverse("referrals:service-update", kwargs={"pk": tenant.service.pk}),
        reverse("referrals:referral-create", kwargs={"person_pk": tenant.person.pk}),
        reverse("returns:mapping-update", kwargs={"pk": tenant.mapping.pk}),
        reverse("people:person-detail", kwargs={"pk": tenant.person.pk}),
        reverse("people:person-update", kwargs={"pk": tenant.person.pk}),
        reverse("people:record-add", kwargs={"pk": tenant.person.pk, "kind": "contact"}),
        reverse("people:record-correct", kwargs={"pk": tenant.person.pk, "kind": "eet", "record_pk": tenant.spell.pk}),
        reverse("people:support-request-assess", kwargs={"pk": tenant.person.pk, "request_pk": tenant.support.pk}),
        reverse("plans:plan-detail", kwargs={"pk": tenant.plan.pk}),
        reverse("plans:plan-update", kwargs={"pk": tenant.plan.pk}),
        reverse("plans:section-update", kwargs={"pk": tenant.plan.pk, "section_pk": tenant.plan_item.section_id}),
        reverse("plans:item-create", kwargs={"plan_pk": tenant.plan.pk}),
        reverse("plans:round-open", kwargs={"pk": tenant.plan.pk}),
        reverse("plans:item-detail", kwargs={"pk": tenant.plan_item.pk}),
        reverse("plans:item-update", kwargs={"pk": tenant.plan_item.pk}),
        reverse("plans:item-status", kwargs={"pk": tenant.plan_item.pk}),
        reverse("plans:update-create", kwargs={"pk": tenant.plan_item.pk}),
        reverse("plans:measure-create", kwargs={"item_pk": tenant.plan_item.pk}),
        reverse("plans:measure-detail", kwargs={"pk": tenant.plan_measure.pk}),
        reverse("plans:measure-update", kwargs={"pk": tenant.plan_measure.pk}),
        reverse("plans:round-detail", kwargs={"pk": tenant.review_round.pk}),
        reverse("plans:scheme-update", kwargs={"pk": tenant.rating_scheme.pk}),
    ]


@pytest.mark.parametrize("role", [role.key for role in ROLES])
def test_a_user_of_council_a_gets_404_for_every_record_of_council_b(role, world, signed_in) -> None:
    """Whatever their roles, council B's records do not exist for council A's users.

    The only other answer allowed is 403, and only where the role may not use that page for
    its own council's records either, so the answer never reveals that B's record exists.
    """
    client = signed_in(world["A"].users[role])
    for b_url, a_url in zip(record_urls(world["B"]), record_urls(world["A"]), strict=True):
        status = client.get(b_url).status_code
        assert status in (403, 404), b_url
        if status == 403:
            assert client.get(a_url).status_code == 403, b_url


def test_post_to_council_b_records_is_refused_and_changes_nothing(world, signed_in) -> None:
    """An administrator of A cannot change B's users or teams by posting to their URLs."""
    b = world["B"]
    target = b.users["personal_adviser"]
    client = signed_in(world["A"].users["administrator"])
    response = client.post(
        reverse("accounts:user-update", kwargs={"pk": target.pk}),
        {"given_name": "Changed", "family_name": "Name", "roles": ["administrator"], "is_active": "yes", "version": 1},
    )
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.given_name != "Changed"
    assert client.post(reverse("accounts:user-set-password-link", kwargs={"pk": target.pk})).status_code == 404
    response = client.post(
        reverse("accounts:team-update", kwargs={"pk": b.team.pk}), {"name": "Taken over", "version": 1}
    )
    assert response.status_code == 404
    b.team.refresh_from_db()
    assert b.team.name != "Taken over"


def test_lists_show_only_the_users_own_council(world, signed_in) -> None:
    """User, team, partner and audit lists of council A contain nothing of council B."""
    a, b = world["A"], world["B"]
    with transaction.atomic():
        audit_view(actor=b.users["administrator"], council=b.council, obj=b.users["personal_adviser"])
    client = signed_in(a.users["administrator"])
    pages = {
        "accounts:user-list": [u.email for u in b.users.values()],
        "accounts:team-list": [b.team.name],
        "accounts:partner-list": [b.partner.name],
        "audit:event-list": [b.users["administrator"].email],
    }
    for name, forbidden in pages.items():
        content = client.get(reverse(name)).content.decode()
        for text in forbidden:
            assert text not in content, f"{text} appears in {name}"
    own = client.get(reverse("accounts:user-list")).content.decode()
    assert a.users["personal_adviser"].email in own


def test_access_functions_scope_every_queryset_to_the_council(world) -> None:
    """The access module's querysets never hold another council's rows."""
    a, b = world["A"], world["B"]
    admin = a.users["administrator"]
    assert set(access.users_visible_to(admin)) == {*a.users.values()}
    assert list(access.teams_visible_to(admin)) == [a.team]
    assert list(access.partner_organisations_visible_to(admin)) == [a.partner]
    assert not access.audit_events_visible_to(admin).filter(council=b.council).exists()
    # A partner's user belongs to no council: they see no teams, users or audit entries.
    partner_user = a.users["partner_provider"]
    assert not access.teams_visible_to(partner_user).exists()
    assert not access.users_visible_to(partner_user).exists()
    assert list(access.councils_for(partner_user)) == [a.council]


def test_a_partner_working_with_two_councils_sees_both_councils_but_belongs_to_neither(world) -> None:
    """Organisations are shared: a college may work with several councils."""
    from onward.accounts.models import Partnership

    a, b = world["A"], world["B"]
    Partnership.objects.create(council=b.council, partner=a.partner, status=Partnership.Status.ACCEPTED)
    assert set(access.councils_for(a.users["partner_provider"])) == {a.council, b.council}
    assert access.council_of(a.users["partner_provider"]) is None
