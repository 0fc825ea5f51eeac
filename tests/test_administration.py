"""Administrators manage their council's users, teams and partner organisations."""

from __future__ import annotations

from django.urls import reverse

from onward.accounts.models import Organisation, Partnership, Team, User
from onward.audit.models import AuditEvent
from tests.factories import verified_domains


def test_an_administrator_adds_a_user_and_gets_a_set_password_link(world, signed_in) -> None:
    """A new user gets their roles and teams, no password, and a one-use link is shown once."""
    a = world["A"]
    client = signed_in(a.users["administrator"])
    response = client.post(
        reverse("accounts:user-create"),
        {
            "email": "Jordan.Reeve@Alderley.example",
            "given_name": "Jordan",
            "family_name": "Reeve",
            "job_title": "Personal adviser",
            "organisation": a.council.pk,
            "roles": ["personal_adviser"],
            "teams": [a.team.pk],
        },
    )
    user = User.objects.get(email="jordan.reeve@alderley.example")
    assert response["Location"] == reverse("accounts:user-detail", kwargs={"pk": user.pk})
    assert user.role_keys == {"personal_adviser"}
    assert list(user.teams.all()) == [a.team]
    assert not user.has_usable_password()
    detail = client.get(response["Location"]).content.decode()
    assert "/set-password/" in detail
    assert "/set-password/" not in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=str(user.pk)).exists()


def test_adding_a_user_with_bad_input_explains_each_problem_and_saves_nothing(world, signed_in) -> None:
    """Missing and invalid answers each get a GOV.UK-style message; nothing is created."""
    a = world["A"]
    client = signed_in(a.users["administrator"])
    before = User.objects.count()
    content = client.post(reverse("accounts:user-create"), {"email": "not-an-email"}).content.decode()
    for message in (
        "There is a problem",
        "Enter an email address in the correct format, like name@example.org",
        "Enter a given name",
        "Enter a family name",
        "Select at least one role",
    ):
        assert message in content
    assert User.objects.count() == before


def test_partner_roles_go_to_partner_users_and_council_roles_to_council_staff(world, signed_in) -> None:
    """A college user cannot be made a personal adviser; a council officer cannot be a partner provider."""
    a = world["A"]
    client = signed_in(a.users["partner_administrator"])
    content = client.post(
        reverse("accounts:user-create"),
        {
            "email": "tutor@college.example",
            "given_name": "Ali",
            "family_name": "Khan",
            "organisation": a.partner.pk,
            "roles": ["personal_adviser"],
        },
    ).content.decode()
    assert "Personal adviser is a role for council staff only" in content
    client = signed_in(a.users["administrator"])
    content = client.post(
        reverse("accounts:user-create"),
        {
            "email": "officer@alderley.example",
            "given_name": "Ali",
            "family_name": "Khan",
            "organisation": a.council.pk,
            "roles": ["partner_provider"],
        },
    ).content.decode()
    assert "Partner provider is a role for partner organisations&#x27; users only" in content
    assert not User.objects.filter(email__in=["tutor@college.example", "officer@alderley.example"]).exists()


def test_a_stale_edit_is_refused_and_the_other_change_is_kept(world, signed_in) -> None:
    """Two administrators edit one user: the second save, from an older version, is refused."""
    a = world["A"]
    subject = a.users["plan_lead"]
    client = signed_in(a.users["administrator"])
    url = reverse("accounts:user-update", kwargs={"pk": subject.pk})
    form = {
        "given_name": "First",
        "family_name": "Editor",
        "roles": ["plan_lead"],
        "is_active": "yes",
        "version": subject.version,
    }
    assert client.post(url, form).status_code == 302
    stale = client.post(url, {**form, "given_name": "Second"})
    assert stale.status_code == 200
    assert "Someone else changed this user while you were working on it" in stale.content.decode()
    subject.refresh_from_db()
    assert subject.given_name == "First"


def test_administrators_cannot_lock_themselves_out(world, signed_in) -> None:
    """An administrator cannot deactivate themself or drop their own administrator role."""
    admin = world["A"].users["administrator"]
    client = signed_in(admin)
    url = reverse("accounts:user-update", kwargs={"pk": admin.pk})
    base = {"given_name": admin.given_name, "family_name": admin.family_name, "version": admin.version}
    content = client.post(url, {**base, "roles": ["administrator"], "is_active": "no"}).content.decode()
    assert "You cannot deactivate your own account" in content
    content = client.post(url, {**base, "roles": ["plan_lead"], "is_active": "yes"}).content.decode()
    assert "You cannot remove the administrator role from yourself" in content
    admin.refresh_from_db()
    assert admin.is_active
    assert "administrator" in admin.role_keys


def test_a_deactivated_user_can_no_longer_use_the_service(world, signed_in, client) -> None:
    """Deactivating a user ends what they can do, even with a session already open."""
    from django.test import Client

    from tests.conftest import sign_in

    a = world["A"]
    subject = a.users["personal_adviser"]
    their_client = sign_in(Client(), subject)
    admin = signed_in(a.users["administrator"])
    admin.post(
        reverse("accounts:user-update", kwargs={"pk": subject.pk}),
        {
            "given_name": subject.given_name,
            "family_name": subject.family_name,
            "roles": ["personal_adviser"],
            "is_active": "no",
            "version": subject.version,
        },
    )
    assert their_client.get(reverse("core:home")).status_code == 302


def test_teams_are_added_and_renamed_with_unique_names(world, signed_in) -> None:
    """A team name is unique in its council, whatever its case."""
    a = world["A"]
    client = signed_in(a.users["administrator"])
    response = client.post(reverse("accounts:team-create"), {"name": "Virtual School", "description": ""})
    team = Team.objects.get(council=a.council, name="Virtual School")
    assert response["Location"] == reverse("accounts:team-detail", kwargs={"pk": team.pk})
    clash = client.post(reverse("accounts:team-create"), {"name": "virtual school"})
    assert "A team with this name already exists" in clash.content.decode()
    empty = client.post(reverse("accounts:team-create"), {"name": ""})
    assert "Enter a team name" in empty.content.decode()
    client.post(reverse("accounts:team-update", kwargs={"pk": team.pk}), {"name": "Virtual School Team", "version": 1})
    team.refresh_from_db()
    assert team.name == "Virtual School Team"
    # Another council may have a team of the same name.
    other = signed_in(world["B"].users["administrator"])
    other.post(reverse("accounts:team-create"), {"name": "Virtual School Team"})
    assert Team.objects.filter(name="Virtual School Team").count() == 2


def test_a_partner_organisation_already_on_onward_is_linked_not_duplicated(world, signed_in) -> None:
    """Inviting a partner that works with another council invites the same organisation (it must accept),
    once the service team has confirmed it (test_partnerships: a name registered by another council)."""
    a, b = world["A"], world["B"]
    verified_domains(a.partner, "partner-a.example.org")
    client = signed_in(b.users["administrator"])
    response = client.post(reverse("accounts:partner-add"), {"name": a.partner.name.upper(), "kind": a.partner.kind})
    assert response["Location"] == reverse("accounts:partner-detail", kwargs={"pk": a.partner.pk})
    assert Partnership.objects.filter(council=b.council, partner=a.partner, status="invited").exists()
    again = client.post(reverse("accounts:partner-add"), {"name": a.partner.name, "kind": a.partner.kind})
    assert "already works with your council or has been invited" in again.content.decode()
    wrong_kind = client.post(reverse("accounts:partner-add"), {"name": a.partner.name, "kind": "employer"})
    assert "is already recorded as" in wrong_kind.content.decode()
    new = client.post(
        reverse("accounts:partner-add"),
        {
            "name": "Harbour Youth Charity",
            "kind": "charity",
            "admin_email": "lead@harbour.example",
            "admin_given_name": "Nia",
            "admin_family_name": "Roberts",
        },
    )
    assert new.status_code == 302
    assert Organisation.objects.get(name="Harbour Youth Charity").kind == "charity"
