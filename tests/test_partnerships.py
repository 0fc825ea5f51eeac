"""Ownership of organisations, users and partnership links (ADR 14).

An organisation's users are managed only by its own administrators. A council invites a partner;
the link counts only once the partner's administrator accepts it, and either side can end it. A
council is never another council's partner.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from onward.accounts import access
from onward.accounts.models import Organisation, OrganisationDomain, Partnership, User
from onward.audit.models import AuditEvent
from onward.referrals import access as referral_access
from tests.factories import UserFactory, verified_domains


def _accepted_link(council: Organisation, partner: Organisation) -> Partnership:
    return Partnership.objects.create(council=council, partner=partner, status=Partnership.Status.ACCEPTED)


def _answer(client, link: Partnership, action: str):  # type: ignore[no-untyped-def]
    link.refresh_from_db()
    return client.post(
        reverse("accounts:partnership-change", kwargs={"pk": link.pk}), {"action": action, "version": link.version}
    )


# A council is never another council's partner ---------------------------------------------------


def test_a_council_cannot_add_another_council_as_its_partner(world, signed_in) -> None:
    """Typing another council's name, whatever type is chosen, links nothing; the form offers no councils."""
    a, b = world["A"], world["B"]
    client = signed_in(b.users["administrator"])
    page = client.get(reverse("accounts:partner-add")).content.decode()
    assert "Another council" not in page
    for kind in ("council", "training_provider"):
        response = client.post(reverse("accounts:partner-add"), {"name": a.council.name, "kind": kind})
        assert response.status_code == 200
    assert "is a council: a council cannot be another council&#x27;s partner" in response.content.decode()
    assert not Partnership.objects.filter(council=b.council, partner=a.council).exists()


def test_the_model_refuses_a_council_as_a_partner(world) -> None:
    """Whatever path a link takes, validation refuses a council in the partner's place."""
    a, b = world["A"], world["B"]
    with pytest.raises(ValidationError, match="cannot be another council"):
        Partnership(council=b.council, partner=a.council).full_clean()


def test_a_link_to_another_council_made_before_the_rule_gives_no_access(world, signed_in) -> None:
    """Even with a link row naming council A as B's partner, B's administrator cannot reach A's staff."""
    a, b = world["A"], world["B"]
    Partnership.objects.bulk_create([Partnership(council=b.council, partner=a.council, status="accepted")])
    admin = b.users["administrator"]
    assert not access.users_visible_to(admin).filter(organisation=a.council).exists()
    client = signed_in(admin)
    target = a.users["administrator"]
    assert client.get(reverse("accounts:user-detail", kwargs={"pk": target.pk})).status_code == 404
    assert client.get(reverse("accounts:user-update", kwargs={"pk": target.pk})).status_code == 404
    link = client.post(reverse("accounts:user-set-password-link", kwargs={"pk": target.pk}))
    assert link.status_code == 404
    create = client.post(
        reverse("accounts:user-create"),
        {
            "email": "intruder@alderley.example",
            "given_name": "Ivy",
            "family_name": "Hart",
            "organisation": a.council.pk,
            "roles": ["administrator"],
        },
    )
    assert create.status_code == 200
    assert not User.objects.filter(email="intruder@alderley.example").exists()


# Users are managed by their own organisation ----------------------------------------------------


def test_a_council_administrator_manages_only_their_own_councils_users(world, signed_in) -> None:
    """A's administrator lists, opens and changes A's staff, and none of its partner's users."""
    a = world["A"]
    admin = a.users["administrator"]
    partner_user = a.users["partner_provider"]
    client = signed_in(admin)
    listing = client.get(reverse("accounts:user-list")).content.decode()
    assert a.users["personal_adviser"].email in listing
    assert partner_user.email not in listing
    assert client.get(reverse("accounts:user-detail", kwargs={"pk": partner_user.pk})).status_code == 404
    update = client.post(
        reverse("accounts:user-update", kwargs={"pk": partner_user.pk}),
        {
            "given_name": "Taken",
            "family_name": "Over",
            "roles": ["partner_provider"],
            "is_active": "no",
            "version": partner_user.version,
        },
    )
    assert update.status_code == 404
    partner_user.refresh_from_db()
    assert partner_user.is_active and partner_user.given_name != "Taken"
    create = client.post(
        reverse("accounts:user-create"),
        {
            "email": "tutor@college.example",
            "given_name": "Ali",
            "family_name": "Khan",
            "organisation": a.partner.pk,
            "roles": ["partner_administrator"],
        },
    )
    assert "Select an organisation" in create.content.decode()
    assert not User.objects.filter(email="tutor@college.example").exists()


def test_a_second_council_linking_a_partner_cannot_take_over_its_users(world, signed_in) -> None:
    """Council B, even with an accepted link to A's partner, cannot see, change or add the partner's users."""
    a, b = world["A"], world["B"]
    _accepted_link(b.council, a.partner)
    client = signed_in(b.users["administrator"])
    partner_user = a.users["partner_provider"]
    assert partner_user.email not in client.get(reverse("accounts:user-list")).content.decode()
    assert client.get(reverse("accounts:user-update", kwargs={"pk": partner_user.pk})).status_code == 404
    assert client.post(reverse("accounts:user-set-password-link", kwargs={"pk": partner_user.pk})).status_code == 404


def test_a_partner_administrator_manages_their_own_organisations_users(world, signed_in) -> None:
    """The partner's administrator adds a colleague with a partner role, sees only their organisation's users."""
    a = world["A"]
    client = signed_in(a.users["partner_administrator"])
    listing = client.get(reverse("accounts:user-list")).content.decode()
    assert a.users["partner_provider"].email in listing
    assert a.users["personal_adviser"].email not in listing
    refused = client.post(
        reverse("accounts:user-create"),
        {
            "email": "tutor@trust.example",
            "given_name": "Ali",
            "family_name": "Khan",
            "organisation": a.partner.pk,
            "roles": ["personal_adviser"],
        },
    )
    assert "Personal adviser is a role for council staff only" in refused.content.decode()
    response = client.post(
        reverse("accounts:user-create"),
        {
            "email": "tutor@trust.example",
            "given_name": "Ali",
            "family_name": "Khan",
            "organisation": a.partner.pk,
            "roles": ["partner_provider"],
        },
    )
    created = User.objects.get(email="tutor@trust.example")
    assert response["Location"] == reverse("accounts:user-detail", kwargs={"pk": created.pk})
    assert created.organisation == a.partner and created.role_keys == {"partner_provider"}
    event = AuditEvent.objects.get(object_type="accounts.User", object_id=str(created.pk), action="create")
    assert event.council == a.partner
    assert client.get(reverse("accounts:user-detail", kwargs={"pk": a.users["administrator"].pk})).status_code == 404


def test_a_partner_administrator_cannot_remove_their_own_administrator_role(world, signed_in) -> None:
    """Like a council's administrator, a partner's administrator cannot lock their organisation out."""
    a = world["A"]
    admin = a.users["partner_administrator"]
    client = signed_in(admin)
    response = client.post(
        reverse("accounts:user-update", kwargs={"pk": admin.pk}),
        {
            "given_name": admin.given_name,
            "family_name": admin.family_name,
            "roles": ["partner_provider"],
            "is_active": "yes",
            "version": admin.version,
        },
    )
    assert "You cannot remove the administrator role from yourself" in response.content.decode()
    assert "partner_administrator" in User.objects.get(pk=admin.pk).role_keys


# Invitations: a link counts only once accepted ----------------------------------------------------


def _b_refers_to_a_partner(world):  # type: ignore[no-untyped-def]
    """Council B's referral sent to a service of A's partner, with consent naming the partner."""
    a, b = world["A"], world["B"]
    b.service.provider = a.partner
    b.service.save()
    b.referral.consent.organisations.set([a.partner])
    return a, b


def test_an_invited_partner_sees_nothing_of_the_council_until_its_administrator_accepts(world, signed_in) -> None:
    """B invites A's partner: until the partner accepts, B's referral is hidden and B cannot refer to it."""
    a, b = _b_refers_to_a_partner(world)
    verified_domains(a.partner, "partner-a.example.org")  # confirmed by the service team: invitable by name
    client = signed_in(b.users["administrator"])
    response = client.post(reverse("accounts:partner-add"), {"name": a.partner.name.upper(), "kind": a.partner.kind})
    assert response.status_code == 302
    link = Partnership.objects.get(council=b.council, partner=a.partner)
    assert link.status == Partnership.Status.INVITED
    assert link.invited_by == b.users["administrator"]
    listing = client.get(reverse("accounts:partner-list")).content.decode()
    assert a.partner.name in listing and "Invited" in listing
    provider = a.users["partner_provider"]
    assert not referral_access.sends_received_by(provider).filter(referral__council=b.council).exists()
    assert b.council not in access.councils_for(provider)
    assert a.partner.pk not in set(access.partner_ids(b.council))
    assert not referral_access.services_visible_to(b.users["personal_adviser"]).filter(provider=a.partner).exists()

    partner_client = signed_in(a.users["partner_administrator"])
    invitations = partner_client.get(reverse("accounts:partnership-list")).content.decode()
    assert b.council.name in invitations and "Accept" in invitations
    accepted = _answer(partner_client, link, "accept")
    assert accepted.status_code == 302
    link.refresh_from_db()
    assert link.status == Partnership.Status.ACCEPTED
    assert link.accepted_by == a.users["partner_administrator"] and link.accepted_at is not None
    assert referral_access.sends_received_by(provider).filter(referral__council=b.council).exists()
    assert referral_access.services_visible_to(b.users["personal_adviser"]).filter(provider=a.partner).exists()


def test_either_side_ends_a_link_and_its_history_is_kept(world, signed_in) -> None:
    """Ending stops the sharing at once; the link stays, ended, with who and when; a new invitation is possible."""
    a, b = _b_refers_to_a_partner(world)
    link = _accepted_link(b.council, a.partner)
    provider = a.users["partner_provider"]
    assert referral_access.sends_received_by(provider).filter(referral__council=b.council).exists()
    council_client = signed_in(b.users["administrator"])
    ended = _answer(council_client, link, "end")
    assert ended.status_code == 302
    link.refresh_from_db()
    assert link.status == Partnership.Status.ENDED
    assert link.ended_by == b.users["administrator"] and link.ended_at is not None
    assert not referral_access.sends_received_by(provider).filter(referral__council=b.council).exists()
    assert "Ended" in council_client.get(reverse("accounts:partner-list")).content.decode()

    again = council_client.post(reverse("accounts:partner-add"), {"name": a.partner.name, "kind": a.partner.kind})
    assert again.status_code == 302
    renewed = Partnership.objects.get(council=b.council, partner=a.partner, status=Partnership.Status.INVITED)
    partner_client = signed_in(a.users["partner_administrator"])
    _answer(partner_client, renewed, "accept")
    _answer(partner_client, renewed, "end")
    renewed.refresh_from_db()
    assert renewed.status == Partnership.Status.ENDED and renewed.ended_by == a.users["partner_administrator"]
    assert Partnership.objects.filter(council=b.council, partner=a.partner).count() == 2


def test_a_partner_declines_an_invitation(world, signed_in) -> None:
    """Declined, the link never counts; the council sees it was declined."""
    a, b = world["A"], world["B"]
    verified_domains(a.partner, "partner-a.example.org")  # confirmed: invitable by name
    signed_in(b.users["administrator"]).post(
        reverse("accounts:partner-add"), {"name": a.partner.name, "kind": a.partner.kind}
    )
    link = Partnership.objects.get(council=b.council, partner=a.partner)
    client = signed_in(a.users["partner_administrator"])
    _answer(client, link, "decline")
    link.refresh_from_db()
    assert link.status == Partnership.Status.DECLINED
    assert b.council not in access.councils_for(a.users["partner_provider"])
    assert _answer(client, link, "accept").status_code == 200
    link.refresh_from_db()
    assert link.status == Partnership.Status.DECLINED


def test_a_council_cannot_accept_its_own_invitation(world, signed_in) -> None:
    """Only the partner's administrator accepts: the inviting council's administrator is refused."""
    a, b = world["A"], world["B"]
    link = Partnership.objects.create(council=b.council, partner=a.partner, invited_by=b.users["administrator"])
    response = _answer(signed_in(b.users["administrator"]), link, "accept")
    assert response.status_code == 200
    assert "Only" in response.content.decode()
    link.refresh_from_db()
    assert link.status == Partnership.Status.INVITED


def test_a_stale_answer_is_refused(world, signed_in) -> None:
    """If the council ended the invitation while the partner looked at it, accepting is refused."""
    a, b = world["A"], world["B"]
    link = Partnership.objects.create(council=b.council, partner=a.partner)
    stale_version = link.version
    _answer(signed_in(b.users["administrator"]), link, "end")
    response = signed_in(a.users["partner_administrator"]).post(
        reverse("accounts:partnership-change", kwargs={"pk": link.pk}), {"action": "accept", "version": stale_version}
    )
    assert "Someone else changed this partnership" in response.content.decode()
    link.refresh_from_db()
    assert link.status == Partnership.Status.ENDED


def test_one_organisations_links_are_hidden_from_another(world, signed_in) -> None:
    """A partner administrator cannot answer another organisation's invitation, nor a council end another's link."""
    a, b = world["A"], world["B"]
    link = Partnership.objects.get(council=a.council, partner=a.partner)
    assert _answer(signed_in(b.users["partner_administrator"]), link, "end").status_code == 404
    assert _answer(signed_in(b.users["administrator"]), link, "end").status_code == 404
    link.refresh_from_db()
    assert link.status == Partnership.Status.ACCEPTED


def test_registering_a_new_organisation_makes_its_first_administrator(world, signed_in) -> None:
    """A council registers a new charity with its first administrator, who gets a link and accepts the invitation."""
    a = world["A"]
    client = signed_in(a.users["administrator"])
    missing = client.post(reverse("accounts:partner-add"), {"name": "Harbour Youth Charity", "kind": "charity"})
    assert "Enter the email address of the organisation&#x27;s first administrator" in missing.content.decode()
    assert not Organisation.objects.filter(name="Harbour Youth Charity").exists()
    response = client.post(
        reverse("accounts:partner-add"),
        {
            "name": "Harbour Youth Charity",
            "kind": "charity",
            "admin_email": "Lead@Harbour.example",
            "admin_given_name": "Nia",
            "admin_family_name": "Roberts",
        },
    )
    charity = Organisation.objects.get(name="Harbour Youth Charity")
    assert response["Location"] == reverse("accounts:partner-detail", kwargs={"pk": charity.pk})
    first = User.objects.get(email="lead@harbour.example")
    assert first.organisation == charity and first.role_keys == {"partner_administrator"}
    assert not first.has_usable_password()
    detail = client.get(response["Location"]).content.decode()
    assert "data-set-password-link" in detail and "/set-password/" in detail
    link = Partnership.objects.get(council=a.council, partner=charity)
    assert link.status == Partnership.Status.INVITED
    assert not access.users_visible_to(a.users["administrator"]).filter(pk=first.pk).exists()
    assert set(
        AuditEvent.objects.filter(object_type="accounts.Partnership", object_id=str(link.pk)).values_list(
            "council", flat=True
        )
    ) == {a.council.pk, charity.pk}

    _answer(signed_in(first), link, "accept")
    link.refresh_from_db()
    assert link.status == Partnership.Status.ACCEPTED


def test_partnership_changes_are_in_both_organisations_trails(world, signed_in) -> None:
    """Invite and accept each appear in the council's trail and in the partner's, which its administrator reads."""
    a, b = world["A"], world["B"]
    verified_domains(a.partner, "partner-a.example.org")  # confirmed: invitable by name
    signed_in(b.users["administrator"]).post(
        reverse("accounts:partner-add"), {"name": a.partner.name, "kind": a.partner.kind}
    )
    link = Partnership.objects.get(council=b.council, partner=a.partner)
    partner_client = signed_in(a.users["partner_administrator"])
    _answer(partner_client, link, "accept")
    events = AuditEvent.objects.filter(object_type="accounts.Partnership", object_id=str(link.pk))
    for organisation in (b.council, a.partner):
        assert events.filter(council=organisation, action="create").exists()
        assert events.filter(council=organisation, action="change").exists()
    trail = partner_client.get(reverse("audit:event-list")).content.decode()
    assert "Invited" in trail and "Accepted" in trail


def test_the_service_adds_users_only_to_the_acting_administrators_organisation(db) -> None:
    """An administrator may add a user only to their own organisation, even through the service."""
    from onward.accounts import services
    from tests.factories import CouncilFactory, PartnerFactory

    council = CouncilFactory()
    partner = PartnerFactory(councils=[council])
    admin = UserFactory(organisation=council, roles=["administrator"])
    with pytest.raises(ValidationError, match="your own organisation"):
        services.user_create(
            acting_user=admin,
            organisation=partner,
            email="new@partner.example",
            given_name="New",
            family_name="Person",
            role_keys={"partner_provider"},
        )


def test_the_operator_gives_an_existing_partner_its_administrator(world) -> None:
    """create_partner_administrator adds a partner administrator and prints their link; councils are refused."""
    import io

    from django.core.management import CommandError, call_command

    a = world["A"]
    out = io.StringIO()
    call_command(
        "create_partner_administrator",
        "--organisation",
        a.partner.name,
        "--email",
        "head@trust.example",
        "--given-name",
        "Sam",
        "--family-name",
        "Okafor",
        stdout=out,
    )
    made = User.objects.get(email="head@trust.example")
    assert made.organisation == a.partner and made.role_keys == {"partner_administrator"}
    assert "/set-password/" in out.getvalue()
    with pytest.raises(CommandError, match="No partner organisation"):
        call_command("create_partner_administrator", "--organisation", a.council.name, "--email", "x@y.example")


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_partner_links_live_and_ends_council_to_council_ones() -> None:
    """Links made before acceptance existed stay accepted; a council linked as a partner is ended, not deleted."""
    from tests.migrating import migrated_back

    with migrated_back([("accounts", "0001_initial")]) as old:  # and forward again on leaving
        OldOrganisation = old.get_model("accounts", "Organisation")
        OldPartnership = old.get_model("accounts", "Partnership")
        council = OldOrganisation.objects.create(name="Oldtown Council", kind="council")
        other = OldOrganisation.objects.create(name="Newtown Council", kind="council")
        college = OldOrganisation.objects.create(name="Oldtown College", kind="college")
        OldPartnership.objects.create(council=council, partner=college)
        OldPartnership.objects.create(council=council, partner=other)
    links = {link.partner.name: link for link in Partnership.objects.filter(council__name="Oldtown Council")}
    assert links["Oldtown College"].status == "accepted" and links["Oldtown College"].accepted_at is not None
    assert links["Newtown Council"].status == "ended" and links["Newtown Council"].ended_at is not None


def test_a_partner_administrator_is_told_of_an_invitation_on_their_home_page(world, signed_in) -> None:
    """An unanswered invitation is a task on the partner administrator's home page, gone once answered."""
    a, b = world["A"], world["B"]
    client = signed_in(a.users["partner_administrator"])
    assert "waiting for your answer" not in client.get(reverse("core:home")).content.decode()
    link = Partnership.objects.create(council=b.council, partner=a.partner, invited_by=b.users["administrator"])
    assert "1 council invitation waiting for your answer" in client.get(reverse("core:home")).content.decode()
    _answer(client, link, "accept")
    assert "waiting for your answer" not in client.get(reverse("core:home")).content.decode()


def test_a_partner_administrators_audit_export_is_in_their_own_trail(world, signed_in) -> None:
    """Exporting the partner's trail is itself recorded in the partner's trail."""
    a = world["A"]
    client = signed_in(a.users["partner_administrator"])
    assert client.get(reverse("audit:event-export")).status_code == 200
    assert AuditEvent.objects.filter(action="export", council=a.partner).exists()


def test_an_administrator_cannot_invite_on_behalf_of_another_council(world) -> None:
    """The invitation service refuses an administrator acting for a council that is not theirs."""
    from onward.accounts import services

    a, b = world["A"], world["B"]
    with pytest.raises(ValidationError, match="own administrators"):
        services.partner_invite(
            acting_user=b.users["administrator"], council=a.council, name=b.partner.name, kind=b.partner.kind
        )
    assert not Partnership.objects.filter(council=a.council, partner=b.partner).exists()


def test_a_name_registered_by_one_council_cannot_be_invited_by_another_until_confirmed(world, signed_in) -> None:
    """Council A registers "Brockmoor College" with a first administrator of its choosing. Council B, inviting
    the college by name, must not be linked to A's registration (whose administrator would accept and then
    receive B's referrals): refused with a message, nothing linked, until the service team confirms the
    organisation's email domains. An organisation B has worked with before is invited again as it is."""
    from onward.accounts import services

    a, b = world["A"], world["B"]
    squat, _first, _link = services.partner_invite(
        acting_user=a.users["administrator"],
        council=a.council,
        name="Brockmoor College",
        kind=Organisation.Kind.COLLEGE,
        admin_email="someone@squat.example.net",
        admin_given_name="Sam",
        admin_family_name="Squat",
    )
    college = squat.partner
    client = signed_in(b.users["administrator"])
    response = client.post(reverse("accounts:partner-add"), {"name": "brockmoor college", "kind": college.kind})
    assert response.status_code == 200
    assert "the Onward service team has not yet confirmed it" in response.content.decode()
    assert not Partnership.objects.filter(council=b.council, partner=college).exists()
    # Confirmed by the service team: B may invite it (its administrator still has to accept).
    verified_domains(college, "brockmoor.ac.uk")
    assert (
        client.post(reverse("accounts:partner-add"), {"name": "Brockmoor College", "kind": college.kind}).status_code
        == 302
    )
    link = Partnership.objects.get(council=b.council, partner=college)
    assert link.status == Partnership.Status.INVITED
    # A link that ended does not stop the council inviting the same organisation again.
    OrganisationDomain.objects.filter(organisation=college).delete()
    link.status = Partnership.Status.ENDED
    link.save()
    assert (
        services.partner_invite(
            acting_user=b.users["administrator"], council=b.council, name="Brockmoor College", kind=college.kind
        )[0].status
        == Partnership.Status.INVITED
    )
