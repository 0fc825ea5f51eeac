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


def _asks(world, given: str, family: str, dob: datetime.date, council_key: str = "A"):
    url = reverse("local-offer:support-again", kwargs={"council": world[council_key].council.pk})
    return Client().post(url, _form(given, family, dob))


def test_a_request_that_matches_no_record_is_kept_for_the_council_to_check(world, signed_in) -> None:
    from onward.portal.models import ReturnerEnquiry

    a = world["A"]
    dob = datetime.date(2003, 4, 5)
    _asks(world, "Jordan", "Misspelt", dob)
    enquiry = ReturnerEnquiry.objects.get()
    assert (enquiry.council, enquiry.status, enquiry.reason) == (
        a.council,
        ReturnerEnquiry.Status.OPEN,
        ReturnerEnquiry.Reason.NO_MATCH,
    )
    assert enquiry.contact == "07700 900123" and enquiry.needs == "Help finding work"
    # The team manager is told on their home page, and sees it in the list; B's manager sees nothing of it.
    manager = signed_in(a.users["team_manager"])
    assert "1 request for support again to check" in manager.get(reverse("core:home")).content.decode()
    assert "Misspelt" in manager.get(reverse("portal:returner-enquiries")).content.decode()
    other = signed_in(world["B"].users["team_manager"])
    assert "Misspelt" not in other.get(reverse("portal:returner-enquiries")).content.decode()
    assert other.get(reverse("portal:returner-enquiry", args=[enquiry.pk])).status_code == 404
    # An adviser who sees only their own caseload does not check the council's requests.
    assert signed_in(a.users["personal_adviser"]).get(reverse("portal:returner-enquiries")).status_code == 403


def test_staff_match_a_request_to_the_record_and_it_opens_a_request_for_support(world, signed_in) -> None:
    from onward.audit.models import AuditEvent
    from onward.portal.models import ReturnerEnquiry

    a = world["A"]
    today = timezone.localdate()
    dob = today.replace(year=today.year - 22) - datetime.timedelta(days=40)
    person = YoungPersonFactory(
        council=a.council,
        legal_given_name="Morgan",
        legal_family_name="Fairweather",
        preferred_name="",
        date_of_birth=dob,
        team=a.team,
        personal_adviser=a.users["personal_adviser"],
    )
    stranger = YoungPersonFactory(council=world["B"].council, legal_family_name="Fairweather", date_of_birth=dob)
    _asks(world, "Morgen", "Fairwether", dob)  # misspelt: no exact match
    enquiry = ReturnerEnquiry.objects.get()
    manager = signed_in(a.users["team_manager"])
    url = reverse("portal:returner-enquiry", args=[enquiry.pk])
    page = manager.get(url).content.decode()
    assert person.display_name in page  # the same date of birth
    assert stranger.display_name not in page  # another council's young person is never offered
    assert person.display_name in manager.get(url, {"q": "Fairweather"}).content.decode()
    # Matching to another council's young person is refused: that record does not exist here.
    assert manager.post(url, {"action": "match", "person": stranger.pk}).status_code == 404
    response = manager.post(url, {"action": "match", "person": person.pk})
    assert response.status_code == 302
    request = SupportRequest.objects.get(person=person)
    assert request.date == enquiry.received_on and "07700 900123" in request.needs
    enquiry.refresh_from_db()
    assert enquiry.status == ReturnerEnquiry.Status.MATCHED and enquiry.person == person
    assert AuditEvent.objects.filter(object_type="portal.ReturnerEnquiry", object_id=str(enquiry.pk)).exists()
    # Dealt with once: a second match or a close changes nothing.
    manager.post(url, {"action": "close", "note": "Duplicate"})
    enquiry.refresh_from_db()
    assert enquiry.status == ReturnerEnquiry.Status.MATCHED and enquiry.note == ""
    assert SupportRequest.objects.filter(person=person).count() == 1


def test_closing_a_request_needs_what_was_done(world, signed_in) -> None:
    from onward.portal.models import ReturnerEnquiry

    _asks(world, "Casey", "Elsewhere", datetime.date(2002, 2, 2))
    enquiry = ReturnerEnquiry.objects.get()
    manager = signed_in(world["A"].users["team_manager"])
    url = reverse("portal:returner-enquiry", args=[enquiry.pk])
    response = manager.post(url, {"action": "close", "note": "  "})
    assert response.status_code == 200 and "Enter what was done" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.status == ReturnerEnquiry.Status.OPEN
    manager.post(url, {"action": "close", "note": "A care leaver of another council: gave them its number"})
    enquiry.refresh_from_db()
    assert enquiry.status == ReturnerEnquiry.Status.CLOSED and enquiry.closed_by == world["A"].users["team_manager"]
    assert "for support again to check" not in manager.get(reverse("core:home")).content.decode()
