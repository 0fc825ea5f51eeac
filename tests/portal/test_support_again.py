"""Returners aged 21 to 25 ask for support again on a public form; the answer never reveals a record."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.people.models import SupportRequest
from tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db


def _form(given: str, family: str, dob: datetime.date) -> dict[str, str]:
    return {
        "given_name": given,
        "family_name": family,
        "date_of_birth_0": str(dob.day),
        "date_of_birth_1": str(dob.month),
        "date_of_birth_2": str(dob.year),
        "contact": "07700 900123",
        "needs": "Help finding work",
    }


def test_a_matching_returner_becomes_a_request_in_the_register_and_the_page_says_the_same(world, signed_in) -> None:
    a = world["A"]
    today = timezone.localdate()
    dob = today.replace(year=today.year - 23) - datetime.timedelta(days=10)
    person = YoungPersonFactory(
        council=a.council,
        legal_given_name="Rowan",
        legal_family_name="Ashby",
        preferred_name="",
        date_of_birth=dob,
        personal_adviser=a.users["personal_adviser"],
        team=a.team,
    )
    url = reverse("local-offer:support-again", kwargs={"council": a.council.pk})
    matched = Client().post(url, _form("rowan", "ASHBY", dob))
    request = SupportRequest.objects.get(person=person)
    assert request.outcome == SupportRequest.Outcome.PENDING and "07700 900123" in request.needs
    unmatched = Client().post(url, _form("Nobody", "Known", dob))
    too_young = YoungPersonFactory(
        council=a.council,
        legal_given_name="Sky",
        legal_family_name="Lee",
        date_of_birth=today.replace(year=today.year - 19),
    )
    young = Client().post(url, _form("Sky", "Lee", too_young.date_of_birth))
    other_council = Client().post(
        reverse("local-offer:support-again", kwargs={"council": world["B"].council.pk}), _form("Rowan", "Ashby", dob)
    )
    assert not SupportRequest.objects.filter(person=too_young).exists()
    assert SupportRequest.objects.filter(person=person).count() == 1
    pages = {
        r.content.decode()
        .split("<main")[1]
        .split("</main>")[0]
        .replace(a.council.name, "")
        .replace(world["B"].council.name, "")
        for r in (matched, unmatched, young, other_council)
    }
    assert len(pages) == 1  # the same answer whatever matched
    # The request is in the existing list with its time limit.
    listing = signed_in(a.users["team_manager"]).get(reverse("people:support-requests")).content.decode()
    assert person.display_name in listing


def test_bad_input_gets_a_message(world) -> None:
    url = reverse("local-offer:support-again", kwargs={"council": world["A"].council.pk})
    response = Client().post(url, {"given_name": "", "date_of_birth_0": "40"})
    assert b"Enter your first name" in response.content and b"Enter what you would like help with" in response.content
    assert Client().get(reverse("local-offer:support-again", kwargs={"council": 999999})).status_code == 404
