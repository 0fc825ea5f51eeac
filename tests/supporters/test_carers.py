"""Carers: foster carers and residential staff as dated contacts, with a named contact, invited to reviews."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onward.audit.models import AuditEvent
from onward.people.models import PathwayPlanReview
from onward.supporters.models import Carer, ReviewInvitation
from tests.supporters.world import date_fields, supporters_world

TODAY = timezone.localdate


def _carer_post(**changes: str | None) -> dict[str, str | None]:
    data: dict[str, str | None] = {
        "kind": "foster_carer",
        "name": "Jo and Sam Whitfield",
        "named_contact": "Jo Whitfield",
        "phone": "01632 960123",
        "invite_to_reviews": "on",
        **date_fields("start", TODAY() - datetime.timedelta(days=100)),
    }
    data.update(changes)
    return data


def _review(person, days_ago: int = 30, due_in: int = 150) -> PathwayPlanReview:  # type: ignore[no-untyped-def]
    return PathwayPlanReview.objects.create(
        person=person,
        date=TODAY() - datetime.timedelta(days=days_ago),
        next_due=TODAY() + datetime.timedelta(days=due_in),
    )


def test_an_adviser_adds_a_foster_carer_with_a_named_contact(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    response = client.post(reverse("supporters:carer-create", kwargs={"person_pk": a.person.pk}), _carer_post())
    carer = Carer.objects.get(name="Jo and Sam Whitfield")
    assert response.status_code == 302
    assert carer.person == a.person and carer.named_contact == "Jo Whitfield" and carer.end is None
    assert AuditEvent.objects.filter(object_type="supporters.Carer", object_id=str(carer.pk), action="create").exists()
    page = client.get(reverse("supporters:person", kwargs={"person_pk": a.person.pk})).content.decode()
    assert "Jo and Sam Whitfield" in page and "Jo Whitfield" in page


def test_a_carer_without_a_named_contact_or_ending_before_they_started_is_refused(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    url = reverse("supporters:carer-create", kwargs={"person_pk": a.person.pk})
    assert "Enter the named contact" in client.post(url, _carer_post(named_contact="")).content.decode()
    early = date_fields("end", TODAY() - datetime.timedelta(days=200))
    content = client.post(url, _carer_post(**early)).content.decode()
    assert "The end date must be the same as or after the start date" in content
    assert not Carer.objects.filter(name="Jo and Sam Whitfield").exists()


def test_carers_of_another_councils_young_person_are_not_found(world, signed_in) -> None:
    b = supporters_world(world["B"])
    client = signed_in(world["A"].users["team_manager"])
    assert client.get(reverse("supporters:carer-update", kwargs={"carer_pk": b.carer.pk})).status_code == 404
    url = reverse("supporters:carer-create", kwargs={"person_pk": world["B"].person.pk})
    assert client.post(url, _carer_post()).status_code == 404
    assert not Carer.objects.filter(name="Jo and Sam Whitfield").exists()


def test_a_virtual_school_officer_sees_carers_but_cannot_change_them(world, signed_in) -> None:
    a = world["A"]
    found = supporters_world(a)
    client = signed_in(a.users["virtual_school_officer"])
    assert (
        escape(found.carer.name)
        in client.get(reverse("supporters:person", kwargs={"person_pk": a.person.pk})).content.decode()
    )
    assert (
        client.post(reverse("supporters:carer-update", kwargs={"carer_pk": found.carer.pk}), _carer_post()).status_code
        == 403
    )


def test_current_carers_are_invited_to_the_next_pathway_plan_review_once(world, signed_in) -> None:
    """Carers in force on the due date and to be invited are invited, linked to the review that set the date;
    an ended carer and one not to be invited are not; inviting again adds nobody."""
    a = world["A"]
    current = supporters_world(a).carer
    ended = Carer.objects.create(
        person=a.person,
        kind=Carer.Kind.FOSTER_CARER,
        name="Former carers",
        named_contact="Pat",
        start=TODAY() - datetime.timedelta(days=900),
        end=TODAY() - datetime.timedelta(days=400),
        recorded_by=a.users["personal_adviser"],
    )
    Carer.objects.create(
        person=a.person,
        kind=Carer.Kind.FOSTER_CARER,
        name="Respite carers",
        named_contact="Lee",
        start=TODAY() - datetime.timedelta(days=90),
        invite_to_reviews=False,
        recorded_by=a.users["personal_adviser"],
    )
    client = signed_in(a.users["personal_adviser"])
    url = reverse("supporters:review-invite", kwargs={"person_pk": a.person.pk})
    page = client.post(url, follow=True).content.decode()
    assert "Record a pathway plan review first" in page
    review = _review(a.person)
    client.post(url)
    invited = ReviewInvitation.objects.get()
    assert invited.carer == current and invited.after_review == review and invited.review_due == review.next_due
    assert not ReviewInvitation.objects.filter(carer=ended).exists()
    page = client.post(url, follow=True).content.decode()
    assert "No one to invite" in page and ReviewInvitation.objects.count() == 1
    assert "Invited on" in client.get(reverse("supporters:person", kwargs={"person_pk": a.person.pk})).content.decode()
    assert AuditEvent.objects.filter(object_type="supporters.ReviewInvitation").count() == 1


def test_a_councillor_cannot_see_a_young_persons_carers(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["councillor"])
    assert client.get(reverse("supporters:person", kwargs={"person_pk": a.person.pk})).status_code == 403
