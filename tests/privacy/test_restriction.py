"""Restriction and rectification (issue 22): a restricted record stays, but every URL refuses it to every
role the restriction does not name; lifting it brings it back; corrections keep the old value, who and why."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import resolve

from onward.accounts.permissions import ROLES
from onward.audit.models import AuditEvent
from onward.opportunities import access as opportunity_access
from onward.people import access as people_access
from onward.people.models import EETSpell
from onward.people.services import eet_correct
from onward.privacy import services
from onward.privacy.models import Rectification, Restriction
from onward.referrals import access as referral_access
from tests.conftest import Tenant, sign_in
from tests.test_url_access import RULES, url_for

pytestmark = pytest.mark.django_db

NAMED = "team_manager"
OFFICER = "data_protection_officer"
# Exempt, by decision (docs/privacy.md): the officer's own pages name a restricted record by its identifier
# (they restrict and lift it), and the audit trail keeps naming it to those who read the trail (who looked at
# the record, who restricted it: the accountability the restriction itself relies on, UK GDPR Art. 5(2)).
AUDIT_TRAIL = {"audit:event-list", "audit:event-export"}
UNIQUE = "Zyxwardenholt"
# URLs whose arguments name the young person or one of their records (url_for points them at the tenant's).
ABOUT_THE_PERSON = {
    name
    for name in RULES
    if name in ("people:person-detail", "people:person-update", "people:support-request-assess")
    or name.startswith("people:record-")
    or name
    in (
        "referrals:referral-create",
        "referrals:referral-detail",
        "referrals:feedback-add",
        "referrals:received-detail",
        "opportunities:application-detail",
        "opportunities:for-person",
        "privacy:correction-detail",
        "privacy:correct-person",
        "privacy:correct-record",
    )
}


def _restrict(tenant: Tenant, roles: list[str]) -> Restriction:
    person = tenant.person
    assert person is not None
    person.legal_family_name = UNIQUE
    person.save(update_fields=["legal_family_name"])
    return services.restriction_place(
        acting_user=tenant.users["data_protection_officer"],
        person=person,
        reason="The young person contests the accuracy of the record",
        allowed_roles=roles,
    )


@pytest.mark.parametrize("role", [role.key for role in ROLES])
def test_a_restricted_record_is_refused_on_every_url_to_every_role_not_named(
    role: str, world: dict[str, Tenant]
) -> None:
    """Walking the whole URL table: no page shows the restricted young person's name or child identifier to a
    role the restriction does not name, and every page about them or their records answers 404 (or the 403
    or 405 the role got anyway). The role it names still opens their page."""
    tenant = world["A"]
    _restrict(tenant, [NAMED])
    user = tenant.users[role]
    client = sign_in(Client(), user)
    child_id = tenant.person.child_id  # type: ignore[union-attr]
    problems = []
    for name in sorted(RULES):
        url = url_for(name, tenant)
        response = client.get(url)
        raw = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        body = raw.decode(errors="replace") if response.status_code == 200 else ""
        if role == NAMED or (name.startswith("privacy:") and role == OFFICER) or name in AUDIT_TRAIL:
            continue
        if name in ABOUT_THE_PERSON and response.status_code not in (403, 404, 405):
            problems.append(f"{name}: {response.status_code}")
        if UNIQUE in body or child_id in body:
            problems.append(f"{name} shows the restricted record")
    assert not problems, "\n".join(problems)
    if role == NAMED:
        detail = client.get(url_for("people:person-detail", tenant))
        assert detail.status_code == 200 and UNIQUE in detail.content.decode()


def test_the_restriction_is_one_condition_in_the_people_policy(world: dict[str, Tenant]) -> None:
    """Restricted: gone from the people, referrals, sends and applications every unnamed role sees;
    lifted: back again. Aggregate counts keep counting them throughout."""
    tenant = world["A"]
    person = tenant.person
    adviser, manager, triage = (tenant.users[k] for k in ("personal_adviser", "team_manager", "triage_coordinator"))
    partner, engagement = tenant.users["partner_provider"], tenant.users["employer_engagement_worker"]
    counted = people_access.people_counted_for(tenant.users["performance_officer"]).count()
    # Seen before (each user keeps the condition that hides records, ``restriction.hidden_from``): the
    # condition is asked of the database each time, so the restriction still takes effect at once.
    assert people_access.people_visible_to(adviser).filter(pk=person.pk).exists()  # type: ignore[union-attr]
    assert referral_access.referrals_visible_to(triage).exists()
    restriction = _restrict(tenant, [NAMED])
    assert not people_access.people_visible_to(adviser).filter(pk=person.pk).exists()  # type: ignore[union-attr]
    assert people_access.people_visible_to(manager).filter(pk=person.pk).exists()  # type: ignore[union-attr]
    assert not referral_access.referrals_visible_to(triage).exists()
    assert not referral_access.sends_received_by(partner).exists()
    assert not opportunity_access.applications_visible_to(engagement).exists()
    assert people_access.people_counted_for(tenant.users["performance_officer"]).count() == counted
    services.restriction_lift(
        acting_user=tenant.users["data_protection_officer"], restriction=restriction, reason="Record corrected"
    )
    assert people_access.people_visible_to(adviser).filter(pk=person.pk).exists()  # type: ignore[union-attr]
    assert referral_access.referrals_visible_to(triage).exists()
    assert AuditEvent.objects.filter(object_type="privacy.Restriction", object_id=str(restriction.pk)).count() == 2


def test_the_officer_restricts_and_lifts_through_the_page(world: dict[str, Tenant]) -> None:
    """The restriction page takes a child identifier, reason and roles; bad input changes nothing."""
    tenant = world["A"]
    client = sign_in(Client(), tenant.users["data_protection_officer"])
    url = url_for("privacy:restriction-list", tenant)
    response = client.post(url, {"child_id": tenant.person.child_id, "reason": ""})  # type: ignore[union-attr]
    assert response.status_code == 400 and "Enter reason for the restriction" in response.content.decode()
    response = client.post(url, {"child_id": tenant.person.child_id, "reason": "Accuracy", "allowed_roles": ["nope"]})  # type: ignore[union-attr]
    assert response.status_code == 400 and not Restriction.objects.exists()
    response = client.post(
        url,
        {"child_id": tenant.person.child_id, "reason": "Accuracy contested", "allowed_roles": ["team_manager"]},  # type: ignore[union-attr]
    )
    assert response.status_code == 302
    restriction = Restriction.objects.get()
    assert restriction.role_keys == ["team_manager"]
    assert "Accuracy contested" in client.get(url).content.decode()
    lift = f"/privacy/restrictions/{restriction.pk}/lift/"
    assert resolve(lift).url_name == "restriction-lift"
    client.post(lift, {"reason": ""})
    restriction.refresh_from_db()
    assert restriction.lifted_at is None
    client.post(lift, {"reason": "Corrected"})
    restriction.refresh_from_db()
    assert restriction.lifted_at is not None and restriction.lift_reason == "Corrected"


def test_a_correction_keeps_the_old_value_who_and_why(world: dict[str, Tenant]) -> None:
    """A young person's details corrected at their request: the old and new values, who and why are kept,
    in the correction and the audit trail; a history record's correction keeps the old record with its reason
    (people.services already does this)."""
    tenant = world["A"]
    person = tenant.person
    assert person is not None
    officer = tenant.users["data_protection_officer"]
    old_email = person.email
    rectification = services.rectification_record(
        acting_user=officer,
        person=person,
        version=person.version,
        reason="The young person told us their email address is wrong",
        asked_via="portal",
        email="new.address@example.org",
    )
    assert rectification.changes == {"email": [old_email, "new.address@example.org"]}
    assert rectification.recorded_by == officer
    event = AuditEvent.objects.get(object_type="privacy.Rectification")
    assert event.changes["email"] == [old_email, "new.address@example.org"]
    assert "email address is wrong" in event.summary
    with pytest.raises(ValidationError):
        services.rectification_record(
            acting_user=officer, person=person, version=person.version + 1, reason="", asked_via="portal", email="x@y.z"
        )
    assert Rectification.objects.count() == 1

    spell = tenant.spell
    assert spell is not None
    corrected = eet_correct(
        acting_user=tenant.users["personal_adviser"], spell=spell, reason="Wrong college", provider="Another College"
    )
    old = EETSpell.objects.get(pk=spell.pk)
    assert old.superseded_at is not None and corrected.corrects == old
    assert corrected.correction_reason == "Wrong college" and corrected.recorded_by == tenant.users["personal_adviser"]
