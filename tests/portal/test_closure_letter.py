"""The young person's own copy of their case closure letter (issue 27): the same letter staff make, on their
own page once their case is closed, audited as an export; none before closure, after a death, or for anyone
else."""

from __future__ import annotations

import io

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from onward.audit.models import AuditEvent
from onward.people.models import CaseClosure
from tests.portal.conftest import portal_sign_in
from tests.supporters.world import supporters_world


def _text(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_a_young_person_reads_their_closing_letter_once_the_case_is_closed(world, young_people) -> None:
    """Before closure: no link and 404. After: a link on their page and the PDF with what support remains,
    audited as an export in their council's trail."""
    a = world["A"]
    client = portal_sign_in(Client(), young_people["A"])
    url = reverse("my:closure-letter")
    assert "data-closure-letter" not in client.get(reverse("my:home")).content.decode()
    assert client.get(url).status_code == 404
    found = supporters_world(a)
    assert url in client.get(reverse("my:home")).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert f"Mentoring with {found.mentor.name}" in text
    assert a.users["personal_adviser"].email in text
    event = AuditEvent.objects.get(action="export", object_type="people.CaseClosure")
    assert event.council == a.council
    assert "downloaded by the young person" in event.summary


def test_no_letter_after_a_death_and_only_their_own(world, young_people) -> None:
    """Another young person's closure gives this one nothing; no letter after a death; nothing audited."""
    b = world["B"]
    supporters_world(b)
    client = portal_sign_in(Client(), young_people["A"])
    assert client.get(reverse("my:closure-letter")).status_code == 404
    CaseClosure.objects.filter(person=b.person).update(reason=CaseClosure.Reason.DIED)
    other = portal_sign_in(Client(), young_people["B"])
    assert other.get(reverse("my:closure-letter")).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_staff_are_sent_to_the_portals_sign_in(world, signed_in) -> None:
    """The portal's copy is the young person's: a staff session is not theirs."""
    supporters_world(world["A"])
    client = signed_in(world["A"].users["personal_adviser"])
    response = client.get(reverse("my:closure-letter"))
    assert response.status_code == 302
