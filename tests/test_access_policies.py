"""The access policies' edges, called directly: what the pages cannot reach but the policy must hold.

The rules table (tests/test_access_rules.py) checks each rule through the page and the policy;
these tests pin the edges mutation testing found open: signed-out and deactivated users,
identifiers that are not numbers, ordering and duplicates.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from onward.accounts import access
from onward.accounts.models import Organisation
from onward.audit import access as audit_access
from onward.opportunities import access as opportunity_access
from onward.participation import access as participation_access
from onward.people import access as people_access
from onward.performance import access as performance_access
from onward.performance.models import BenchmarkSet, Target
from onward.plans import access as plan_access
from onward.referrals import access as referral_access
from onward.referrals.consent import consent_covers
from onward.referrals.models import Consent, Feedback, Referral, Send, Service
from onward.returns import access as return_access
from tests.factories import PartnerFactory, UserFactory

POLICIES = [access, people_access, referral_access, opportunity_access, plan_access, performance_access]
POLICIES += [participation_access, return_access, audit_access]


def policy(name: str) -> Any:
    """The access function ``name``, from whichever app's policy (or the kernel) defines it."""
    for module in POLICIES:
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(name)


@pytest.fixture
def tenant(world):  # type: ignore[no-untyped-def]
    return world["A"]


def test_a_signed_out_visitor_is_in_no_council_and_sees_nothing(db: None) -> None:
    """Without signing in, nobody has a council, a network or a directory."""
    visitor = AnonymousUser()
    assert access.council_of(visitor) is None
    assert not access.councils_for(visitor).exists()
    assert not referral_access.services_visible_to(visitor).exists()  # type: ignore[arg-type]


def test_a_deactivated_user_sees_nothing_their_roles_would_show(tenant) -> None:  # type: ignore[no-untyped-def]
    """Deactivating a user removes their council, their network and every record at once."""
    officer = tenant.users["performance_officer"]
    partner = tenant.users["partner_provider"]
    assert people_access.people_visible_to(officer).exists()
    assert access.councils_for(partner).exists()
    assert referral_access.services_visible_to(partner).exists()
    for user in (officer, partner):
        user.is_active = False
        user.save()
    assert access.council_of(officer) is None
    assert not people_access.people_visible_to(officer).exists()
    assert not access.councils_for(officer).exists()
    assert not access.councils_for(partner).exists()
    assert not referral_access.services_visible_to(partner).exists()


@pytest.mark.parametrize("pk", ["abc", None, [1], "1; DROP TABLE"])
def test_an_identifier_that_is_not_a_number_is_not_found(tenant, pk: object) -> None:  # type: ignore[no-untyped-def]
    """access_<thing> answers 404 for any identifier it cannot look up, never a server error."""
    with pytest.raises(Http404):
        people_access.access_person(tenant.users["performance_officer"], pk)


def test_administrators_add_users_to_their_own_organisation_only(tenant) -> None:  # type: ignore[no-untyped-def]
    """A council administrator adds users to the council alone, never to a partner it works with (ADR 14)."""
    PartnerFactory(name="Aaron's Apprenticeships", kind=Organisation.Kind.TRAINING_PROVIDER, councils=[tenant.council])
    names = [o.name for o in access.assignable_organisations(tenant.users["administrator"])]
    assert names == [tenant.council.name]


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
    received = referral_access.sends_received_by(user)
    assert list(received.values_list("pk", flat=True)) == [send.pk]


def test_referral_monitoring_counts_only_its_own_councils_feedback_on_a_shared_service(world, signed_in) -> None:  # type: ignore[no-untyped-def]
    """A partner working with two councils: each council's monitoring counts the feedback of its own
    young people only, on the page and in the counting scope."""
    a, b = world["A"], world["B"]
    shared = PartnerFactory(
        name="Shared Skills Charity", kind=Organisation.Kind.CHARITY, councils=[a.council, b.council]
    )
    service = Service.objects.create(
        provider=shared,
        name="Shared Skills Mentoring",
        kind=Service.Kind.EMPLOYABILITY,
        area="Both boroughs",
        active_from=timezone.localdate() - datetime.timedelta(days=30),
    )
    for tenant, rating in ((a, 5), (b, 1), (b, 1)):
        Feedback.objects.create(
            service=service,
            person=tenant.person,
            rating=rating,
            given_on=timezone.localdate(),
            recorded_by=tenant.users["personal_adviser"],
        )
    # Feedback from A's young person on a service outside A's network is not A's to count.
    Feedback.objects.create(
        service=b.service,
        person=a.person,
        rating=1,
        given_on=timezone.localdate(),
        recorded_by=a.users["personal_adviser"],
    )
    triage = a.users["triage_coordinator"]
    counted = referral_access.feedback_counted_for(triage)
    assert [(f.person.council_id, f.service_id) for f in counted] == [(a.council.pk, service.pk)]
    response = signed_in(triage).get(reverse("referrals:monitoring"))
    row = next(r for r in response.context["rows"] if r.service == service)
    assert row.feedback == "5.0 out of 5 (1)"


def test_only_those_who_see_monitoring_have_counting_scopes(world) -> None:  # type: ignore[no-untyped-def]
    """Referrals, sends and feedback are counted for triage and aggregate roles of the council, for
    nobody else; a partner's users and advisers have no counting scope."""
    a, b = world["A"], world["B"]
    feedback = Feedback.objects.create(
        service=a.service,
        person=a.person,
        rating=4,
        given_on=timezone.localdate(),
        recorded_by=a.users["personal_adviser"],
    )
    for role in ("triage_coordinator", "councillor", "performance_officer"):
        user = a.users[role]
        assert list(referral_access.feedback_counted_for(user)) == [feedback]
        assert list(referral_access.referrals_counted_for(user)) == [a.referral]
        assert list(referral_access.sends_counted_for(user)) == [a.send]
    for role in ("personal_adviser", "partner_provider", "plan_lead", "administrator"):
        user = a.users[role]
        assert not referral_access.referrals_counted_for(user).exists()
        assert not referral_access.sends_counted_for(user).exists()
        assert not referral_access.feedback_counted_for(user).exists()
    assert not people_access.people_counted_for(a.users["partner_provider"]).exists()
    assert list(people_access.people_counted_for(a.users["personal_adviser"])) == [a.person]
    assert b.referral not in referral_access.referrals_counted_for(a.users["triage_coordinator"])


def test_only_administrators_list_organisations_to_add_users_to_or_manage(world) -> None:  # type: ignore[no-untyped-def]
    """Council staff without user or organisation management, and partners' users, get no organisations
    to add users to and no partner organisations to manage."""
    a = world["A"]
    assert access.assignable_organisations(a.users["administrator"]).exists()
    assert list(access.partner_organisations_visible_to(a.users["administrator"])) == [a.partner]
    for role in ("personal_adviser", "performance_officer", "partner_provider"):
        assert not access.assignable_organisations(a.users[role]).exists()
        assert not access.partner_organisations_visible_to(a.users[role]).exists()


def test_only_those_who_read_the_audit_trail_see_its_events(world, signed_in) -> None:  # type: ignore[no-untyped-def]
    """The audit trail is the administrator's council's only; other council staff and partners see none of it."""
    a, b = world["A"], world["B"]
    signed_in(a.users["performance_officer"]).get(reverse("people:person-detail", args=[a.person.pk]))
    signed_in(b.users["performance_officer"]).get(reverse("people:person-detail", args=[b.person.pk]))
    events = audit_access.audit_events_visible_to(a.users["administrator"])
    assert events.exists() and set(events.values_list("council_id", flat=True)) == {a.council.pk}
    for role in ("personal_adviser", "performance_officer", "partner_provider"):
        assert not audit_access.audit_events_visible_to(a.users[role]).exists()


def test_only_those_who_set_targets_see_targets_and_benchmark_files(world) -> None:  # type: ignore[no-untyped-def]
    """Targets and benchmark files are the council's, for performance officers; other staff see none."""
    a, b = world["A"], world["B"]
    for tenant in (a, b):
        Target.objects.create(council=tenant.council, indicator="eet_19_21")
        BenchmarkSet.objects.create(council=tenant.council, status="saved", file_name="b.csv", content="x")
    officer = a.users["performance_officer"]
    assert [t.council_id for t in performance_access.targets_visible_to(officer)] == [a.council.pk]
    assert [s.council_id for s in performance_access.benchmark_sets_visible_to(officer)] == [a.council.pk]
    for role in ("team_manager", "councillor", "partner_provider"):
        assert not performance_access.targets_visible_to(a.users[role]).exists()
        assert not performance_access.benchmark_sets_visible_to(a.users[role]).exists()


def test_plan_owners_are_the_councils_active_staff_by_name(world) -> None:  # type: ignore[no-untyped-def]
    """A manager of plans may name their own council's active staff, ordered by given then family name;
    never another council's staff or a deactivated user; others may name nobody."""
    a, b = world["A"], world["B"]
    young = UserFactory(organisation=a.council, given_name="Aaliyah", family_name="Young")
    brown = UserFactory(organisation=a.council, given_name="Aaliyah", family_name="Brown")
    zed = UserFactory(organisation=a.council, given_name="Zed", family_name="Aardvark")
    UserFactory(organisation=a.council, given_name="Aaliyah", family_name="Able", is_active=False)
    UserFactory(organisation=b.council, given_name="Aaliyah", family_name="Other")
    officers = list(plan_access.plan_officers(a.users["performance_officer"]))
    assert officers.index(brown) < officers.index(young) < officers.index(zed)
    assert {u.organisation_id for u in officers} == {a.council.pk} and all(u.is_active for u in officers)
    assert not plan_access.plan_officers(a.users["team_manager"]).exists()


SCOPES = [
    ("users_visible_to", "administrator", ["performance_officer", "partner_provider"], "user"),
    ("import_runs_visible_to", "performance_officer", ["team_manager", "partner_provider"], "import_run"),
    ("mappings_visible_to", "performance_officer", ["team_manager", "partner_provider"], "mapping"),
    ("rating_schemes_visible_to", "plan_lead", ["personal_adviser", "partner_provider"], "rating_scheme"),
    ("employers_visible_to", "employer_engagement_worker", ["performance_officer", "partner_provider"], "employer"),
    ("opportunities_visible_to", "personal_adviser", ["performance_officer", "partner_provider"], "opportunity"),
    ("plans_visible_to", "plan_lead", ["personal_adviser", "partner_provider"], "plan"),
    ("teams_visible_to", "personal_adviser", ["partner_provider"], "team"),
]


def record_of(tenant, name: str):  # type: ignore[no-untyped-def]
    return tenant.users["personal_adviser"] if name == "user" else getattr(tenant, name)


@pytest.mark.parametrize(("scope", "holder", "others", "record"), SCOPES)
def test_a_scope_is_the_councils_for_its_permission_holders_and_empty_for_others(
    world, scope: str, holder: str, others: list[str], record: str
) -> None:  # type: ignore[no-untyped-def]
    """Each scope shows the holder of its permission their own council's records, not another
    council's; council staff without the permission, and partners, see none."""
    a, b = world["A"], world["B"]
    visible = policy(scope)
    assert visible(a.users[holder]).filter(pk=record_of(a, record).pk).exists()
    assert not visible(a.users[holder]).filter(pk=record_of(b, record).pk).exists()
    for role in others:
        assert not visible(a.users[role]).exists(), role


CHANGES = [
    ("access_rating_scheme", "administrator", "plan_lead", "rating_scheme"),
    ("access_plan", "performance_officer", "plan_lead", "plan"),
    ("access_plan_item", "performance_officer", "plan_lead", "plan_item"),
    ("access_plan_measure", "performance_officer", "plan_lead", "plan_measure"),
    ("access_review_round", "performance_officer", "plan_lead", "review_round"),
    ("access_employer", "employer_engagement_worker", "personal_adviser", "employer"),
    ("access_opportunity", "employer_engagement_worker", "personal_adviser", "opportunity"),
    ("access_team", "administrator", "personal_adviser", "team"),
]


@pytest.mark.parametrize(("fetch", "changer", "reader", "record"), CHANGES)
def test_a_record_fetched_for_change_needs_the_permission_to_change_it(
    world, fetch: str, changer: str, reader: str, record: str
) -> None:  # type: ignore[no-untyped-def]
    """Those who may only read a record get it to read and a 404 when they ask to change it; those who
    may change it get it for change."""
    a = world["A"]
    target = getattr(a, record)
    get = policy(fetch)
    assert get(a.users[changer], target.pk, for_change=True) == target
    assert get(a.users[reader], target.pk) == target
    with pytest.raises(Http404):
        get(a.users[reader], target.pk, for_change=True)


def test_consent_covers_its_organisations_up_to_and_including_its_expiry_date(world) -> None:  # type: ignore[no-untyped-def]
    """Consent lets a referral go to the organisations it names on its expiry date, not the day after,
    and to no organisation once withdrawn."""
    a, b = world["A"], world["B"]
    consent = a.referral.consent
    expiry = consent.expires_on
    assert consent_covers(consent, a.partner, expiry)
    assert not consent_covers(consent, a.partner, expiry + datetime.timedelta(days=1))
    assert not consent_covers(consent, b.partner, expiry)
    assert not consent_covers(None, a.partner, expiry)
    consent.withdrawn_at = timezone.now()
    assert not consent_covers(consent, a.partner, expiry)


def test_only_the_plans_own_council_may_update_its_items(world) -> None:  # type: ignore[no-untyped-def]
    """A manager of plans or the item's lead updates an item of their council's plan; another council's
    manager of plans never does."""
    a, b = world["A"], world["B"]
    assert plan_access.can_update_item(a.users["performance_officer"], a.plan_item)
    assert plan_access.can_update_item(a.users["plan_lead"], a.plan_item)
    assert not plan_access.can_update_item(b.users["performance_officer"], a.plan_item)
    assert not plan_access.can_update_item(a.users["partner_provider"], a.plan_item)


def test_an_adviser_does_not_see_a_young_person_allocated_to_another_worker(tenant) -> None:  # type: ignore[no-untyped-def]
    """An open allocation counts only for its own worker: another adviser's young person stays hidden."""
    from onward.people.models import Allocation
    from tests.factories import YoungPersonFactory

    adviser = tenant.users["personal_adviser"]
    colleague = UserFactory(organisation=tenant.council, roles=["personal_adviser"], teams=[tenant.team])
    theirs = YoungPersonFactory(council=tenant.council)
    Allocation.objects.create(
        person=theirs,
        role=Allocation.Role.PERSONAL_ADVISER,
        worker=colleague,
        start=timezone.localdate() - datetime.timedelta(days=30),
        recorded_by=colleague,
    )
    assert people_access.people_visible_to(colleague).filter(pk=theirs.pk).exists()
    assert not people_access.people_visible_to(adviser).filter(pk=theirs.pk).exists()


def test_only_administrators_see_partnership_links_and_only_their_own(world) -> None:  # type: ignore[no-untyped-def]
    """A council's administrator sees its council's links; a partner's administrator its
    organisation's; other roles on either side, and other organisations, see none."""
    from onward.accounts.models import Partnership

    a, b = world["A"], world["B"]
    a_link = Partnership.objects.get(council=a.council, partner=a.partner)
    b_link = Partnership.objects.get(council=b.council, partner=b.partner)
    assert set(access.partnerships_visible_to(a.users["administrator"])) == {a_link}
    assert set(access.partnerships_visible_to(a.users["partner_administrator"])) == {a_link}
    assert b_link not in set(access.partnerships_visible_to(a.users["partner_administrator"]))
    for role in ("partner_provider", "personal_adviser", "triage_coordinator", "councillor"):
        assert not access.partnerships_visible_to(a.users[role]).exists(), role
    a.users["administrator"].is_active = False
    assert not access.partnerships_visible_to(a.users["administrator"]).exists()


def test_a_council_recorded_as_a_partner_never_makes_a_live_link(world) -> None:  # type: ignore[no-untyped-def]
    """Even an accepted row naming a council as partner (as old data held) does not count (ADR 14)."""
    from onward.accounts.models import Partnership

    a, b = world["A"], world["B"]
    Partnership.objects.bulk_create(
        [Partnership(council=a.council, partner=b.council, status=Partnership.Status.ACCEPTED)]
    )
    assert not access.live_links().filter(council=a.council, partner=b.council).exists()
    assert b.council not in set(access.councils_for(a.users["administrator"]))


def _council_service(tenant) -> Service:  # type: ignore[no-untyped-def]
    """A directory entry the council itself provides (the world's only service is its partner's)."""
    return Service.objects.create(
        provider=tenant.council,
        name=f"{tenant.council.name} Care Leavers Jobs Club",
        kind=Service.Kind.EMPLOYABILITY,
        area="Citywide",
        active_from=timezone.localdate() - datetime.timedelta(days=30),
    )


OWN_ORGANISATION_SCOPES = [
    ("users_visible_to", "administrator"),
    ("assignable_organisations", "administrator"),
    ("audit_events_visible_to", "administrator"),
    ("services_editable_by", "triage_coordinator"),
    ("service_providers_for", "triage_coordinator"),
]


@pytest.mark.parametrize(("scope", "holder"), OWN_ORGANISATION_SCOPES)
def test_an_own_organisation_scope_closes_when_its_holder_is_deactivated(
    world, signed_in, scope: str, holder: str
) -> None:  # type: ignore[no-untyped-def]
    """Users, the organisations to add them to, the audit trail and the directory entries an
    organisation keeps: a holder of the permission sees them until deactivated, then nothing."""
    a = world["A"]
    _council_service(a)
    signed_in(a.users["performance_officer"]).get(reverse("people:person-detail", args=[a.person.pk]))
    user = a.users[holder]
    visible = policy(scope)
    assert visible(user).exists()
    user.is_active = False
    assert not visible(user).exists()


@pytest.mark.parametrize("scope", ["services_editable_by", "service_providers_for"])
def test_staff_without_the_directory_permission_keep_no_entries(world, scope: str) -> None:  # type: ignore[no-untyped-def]
    """Keeping the directory needs its permission: an adviser or a performance officer of the council
    that provides a service may read it but change nothing."""
    a = world["A"]
    _council_service(a)
    assert policy(scope)(a.users["triage_coordinator"]).exists()
    for role in ("personal_adviser", "performance_officer", "councillor"):
        assert not policy(scope)(a.users[role]).exists(), role
