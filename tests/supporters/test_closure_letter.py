"""The case closure letter: what support remains, until when, and how to ask again, as a PDF."""

from __future__ import annotations

import datetime
import io

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from onward.audit.models import AuditEvent
from onward.people.categories import birthday
from onward.people.models import CaseClosure
from onward.supporters.models import Carer, MentorMatch
from tests.supporters.world import supporters_world

TODAY = timezone.localdate


def _text(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_the_letter_says_what_support_remains_until_when_and_how_to_ask_again(world, signed_in) -> None:
    """After closure the world's care leaver keeps their mentor and EHC plan and a staying-put carer; an ended
    match is not listed; they may ask again until their 25th birthday; making the letter is audited."""
    a = world["A"]
    found = supporters_world(a)
    Carer.objects.create(
        person=a.person,
        kind=Carer.Kind.STAYING_PUT,
        name="Jo Whitfield",
        named_contact="Jo Whitfield",
        start=TODAY() - datetime.timedelta(days=300),
        recorded_by=a.users["personal_adviser"],
    )
    MentorMatch.objects.create(
        mentor=found.mentor,
        person=a.person,
        start=TODAY() - datetime.timedelta(days=200),
        end=TODAY() - datetime.timedelta(days=100),
        recorded_by=a.users["personal_adviser"],
    )
    client = signed_in(a.users["personal_adviser"])
    response = client.get(reverse("supporters:closure-letter", kwargs={"person_pk": a.person.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    closed = CaseClosure.objects.get(person=a.person).date
    assert f"Your case with the leaving care service closed on {closed.day} {closed:%B %Y}" in text
    assert text.count(f"Mentoring with {found.mentor.name}") == 1
    assert "Living with Jo Whitfield" in text
    ceases = found.ehc_plan.ceases_on
    assert f"Your education, health and care plan {ceases.day} {ceases:%B %Y}" in text
    turns_25 = birthday(a.person.date_of_birth, 25)
    assert f"before your 25th birthday on {turns_25.day} {turns_25:%B %Y}" in text
    assert a.users["personal_adviser"].email in text
    assert AuditEvent.objects.filter(action="export", object_type="people.CaseClosure").count() == 1


def test_no_letter_without_a_closure_nor_after_a_death_nor_for_another_council(world, signed_in) -> None:
    a, b = world["A"], world["B"]
    client = signed_in(a.users["personal_adviser"])
    url = reverse("supporters:closure-letter", kwargs={"person_pk": a.person.pk})
    assert client.get(url).status_code == 404  # no closure yet
    supporters_world(a)
    CaseClosure.objects.filter(person=a.person).update(reason=CaseClosure.Reason.DIED)
    assert client.get(url).status_code == 404
    supporters_world(b)
    assert client.get(reverse("supporters:closure-letter", kwargs={"person_pk": b.person.pk})).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_young_persons_page_links_to_the_letter_once_the_case_is_closed(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    page = reverse("supporters:person", kwargs={"person_pk": a.person.pk})
    assert "Case closure letter" not in client.get(page).content.decode()
    supporters_world(a)
    assert "Case closure letter" in client.get(page).content.decode()
