"""Accommodation providers: the register, each spell's provider, young people's ratings, and move-on planning."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.people.models import AccommodationSpell
from onward.supporters.models import AccommodationProvider, MoveOnPlan, ProviderRating
from tests.supporters.world import date_fields, supporters_world

TODAY = timezone.localdate


def _spell(person, **fields) -> AccommodationSpell:  # type: ignore[no-untyped-def]
    values = {"accommodation_type": "D", "suitability": "suitable", "start": TODAY() - datetime.timedelta(days=90)}
    values.update(fields)
    return AccommodationSpell.objects.create(person=person, **values)


def test_a_team_manager_adds_a_provider_with_its_units(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["team_manager"])
    data = {"name": "Harbour Lodge", "kind": "supported", "units": "8", "active": "on"}
    assert client.post(reverse("supporters:provider-create"), data).status_code == 302
    provider = AccommodationProvider.objects.get(name="Harbour Lodge")
    assert provider.council == a.council and provider.units == 8
    assert AuditEvent.objects.filter(object_type="supporters.AccommodationProvider", action="create").exists()
    content = client.post(reverse("supporters:provider-create"), {**data, "name": "harbour lodge"}).content.decode()
    assert "A provider with this name is already on the register" in content
    content = client.post(reverse("supporters:provider-create"), {**data, "name": "Other", "units": "-1"}).content
    assert "Number of units must be 0 or more" in content.decode()
    assert AccommodationProvider.objects.filter(council=a.council).count() == 1


def test_a_spell_names_its_provider_and_the_register_counts_and_rates(world, signed_in) -> None:
    """An adviser names the provider of a young person's accommodation and records their rating; the register
    shows one young person housed and the average rating."""
    a = world["A"]
    provider = supporters_world(a).provider
    spell = _spell(a.person)
    client = signed_in(a.users["personal_adviser"])
    url = reverse("supporters:accommodation", kwargs={"person_pk": a.person.pk})
    assert client.post(url, {"name_provider": "1", "spell": spell.pk, "provider": provider.pk}).status_code == 302
    spell.refresh_from_db()
    assert spell.provider == provider
    event = AuditEvent.objects.get(object_type="people.AccommodationSpell", object_id=str(spell.pk))
    assert event.changes == {"provider": [None, provider.pk]}
    response = client.post(
        url,
        {
            "rating": "1",
            "rating_provider": provider.pk,
            "score": "4",
            "comment": "Staff are kind",
            **date_fields("rated_on", TODAY()),
        },
    )
    assert response.status_code == 302
    assert ProviderRating.objects.get().score == 4
    page = client.get(reverse("supporters:provider-list")).content.decode()
    assert "4.0 (1 rating)" in page
    detail = client.get(reverse("supporters:provider-detail", kwargs={"provider_pk": provider.pk})).content.decode()
    assert "Staff are kind" in detail


def test_a_rating_needs_a_provider_the_young_person_lived_with(world, signed_in) -> None:
    a = world["A"]
    provider = supporters_world(a).provider
    client = signed_in(a.users["personal_adviser"])
    url = reverse("supporters:accommodation", kwargs={"person_pk": a.person.pk})
    content = client.post(
        url, {"rating": "1", "rating_provider": provider.pk, "score": "2", **date_fields("rated_on", TODAY())}
    ).content.decode()
    assert "Select a provider from the list" in content
    assert not ProviderRating.objects.exists()


def test_another_councils_provider_cannot_be_named_or_opened(world, signed_in) -> None:
    a, b = world["A"], world["B"]
    other = supporters_world(b).provider
    spell = _spell(a.person)
    client = signed_in(a.users["team_manager"])
    url = reverse("supporters:accommodation", kwargs={"person_pk": a.person.pk})
    content = client.post(url, {"name_provider": "1", "spell": spell.pk, "provider": other.pk}).content.decode()
    assert "Select a provider from the list" in content
    spell.refresh_from_db()
    assert spell.provider is None
    assert client.get(reverse("supporters:provider-detail", kwargs={"provider_pk": other.pk})).status_code == 404
    assert other.name not in client.get(reverse("supporters:provider-list")).content.decode()


def test_move_on_planning_and_the_list_of_those_due_to_move(world, signed_in) -> None:
    """A planned move within the weeks asked for is listed (overdue ones too); one further ahead is not until
    the weeks reach it; a second plan while one is planned is refused."""
    a = world["A"]
    found = supporters_world(a)
    client = signed_in(a.users["team_manager"])
    listed = client.get(reverse("supporters:move-on")).content.decode()
    assert a.person.display_name in listed  # the world's plan is 20 days ahead
    url = reverse("supporters:accommodation", kwargs={"person_pk": a.person.pk})
    data = {"move_on": "1", "planned_type": "U", **date_fields("planned_on", TODAY() + datetime.timedelta(days=10))}
    assert "A move is already planned" in client.post(url, data).content.decode()
    MoveOnPlan.objects.filter(pk=found.plan.pk).update(planned_on=TODAY() + datetime.timedelta(weeks=12))
    assert a.person.display_name not in client.get(reverse("supporters:move-on")).content.decode()
    assert a.person.display_name in client.get(reverse("supporters:move-on") + "?weeks=13").content.decode()
    assert "Weeks ahead must be 52 or fewer" in client.get(reverse("supporters:move-on") + "?weeks=99").content.decode()
    MoveOnPlan.objects.filter(pk=found.plan.pk).update(planned_on=TODAY() - datetime.timedelta(days=3))
    assert "Overdue" in client.get(reverse("supporters:move-on")).content.decode()
    assert AuditEvent.objects.filter(action="list", object_type="supporters.MoveOnPlan").exists()


def test_a_move_is_marked_done_and_leaves_the_list(world, signed_in) -> None:
    a = world["A"]
    plan = supporters_world(a).plan
    client = signed_in(a.users["team_manager"])
    url = reverse("supporters:move-on-update", kwargs={"plan_pk": plan.pk})
    response = client.post(
        url,
        {
            "planned_type": "U",
            "planned_provider": "",
            **date_fields("planned_on", plan.planned_on),
            "status": "moved",
            "version": str(plan.version),
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "moved" and plan.planned_provider is None
    assert a.person.display_name not in client.get(reverse("supporters:move-on")).content.decode()


def test_other_councils_young_people_are_not_on_the_move_on_list(world, signed_in) -> None:
    supporters_world(world["B"])
    client = signed_in(world["A"].users["team_manager"])
    assert world["B"].person.display_name not in client.get(reverse("supporters:move-on")).content.decode()


@pytest.mark.parametrize("role", ["councillor", "partner_provider", "triage_coordinator"])
def test_roles_without_young_peoples_records_cannot_see_accommodation(world, signed_in, role) -> None:
    a = world["A"]
    client = signed_in(a.users[role])
    assert client.get(reverse("supporters:accommodation", kwargs={"person_pk": a.person.pk})).status_code == 403
    assert client.get(reverse("supporters:move-on")).status_code == 403
