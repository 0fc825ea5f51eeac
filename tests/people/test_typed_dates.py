"""A mistyped date does not quietly corrupt the history: far-future starts are refused, anything that
ends another record asks first, naming it, and correcting the date moves the record it ended."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from onward.people import services
from onward.people.models import AccommodationSpell, EETSpell
from tests.people.test_pages import add_care_leaver

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def _date_fields(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _eet_post(start: datetime.date, **extra: str) -> dict[str, str]:
    return {
        "activity": "apprenticeship",
        "part_time": "no",
        "provider": "Brightwell Logistics",
        "source": "worker",
        **_date_fields("start", start),
        **extra,
    }


def test_a_start_a_year_ahead_is_refused_by_the_service_whatever_the_route(world) -> None:
    """The service itself refuses an activity starting past the window (an import or a partner's start too)."""
    a = world["A"]
    person = add_care_leaver(a, name="Ayo", age=19, activity="neet_seeking")
    neet = EETSpell.objects.get(person=person)
    with pytest.raises(ValidationError, match="can start at most 92 days ahead"):
        services.eet_record(
            acting_user=a.users["personal_adviser"],
            person=person,
            activity="apprenticeship",
            start=TODAY() + datetime.timedelta(days=365),
            source="import",
        )
    neet.refresh_from_db()
    assert neet.end is None
    assert EETSpell.objects.filter(person=person).count() == 1


@override_settings(ONWARD_START_DAYS_AHEAD=10)
def test_the_window_is_a_setting_and_applies_to_accommodation(world) -> None:
    """ONWARD_START_DAYS_AHEAD sets the window: 10 days ahead is accepted, 11 refused."""
    a = world["A"]
    person = add_care_leaver(a, name="Bo", age=19, activity="neet_seeking")
    adviser = a.users["personal_adviser"]
    with pytest.raises(ValidationError, match="at most 10 days ahead"):
        services.accommodation_record(
            acting_user=adviser, person=person, accommodation_type="T", suitability="suitable", start=TODAY() + 11 * DAY
        )
    services.accommodation_record(
        acting_user=adviser, person=person, accommodation_type="T", suitability="suitable", start=TODAY() + 10 * DAY
    )
    assert AccommodationSpell.objects.filter(person=person).count() == 1


def test_correcting_a_mistyped_start_moves_the_record_it_ended(world) -> None:
    """A start typed too late ends the NEET spell late; correcting it is not an overlap: the NEET spell's end moves."""
    a = world["A"]
    adviser = a.users["personal_adviser"]
    person = add_care_leaver(a, name="Cy", age=19, activity="neet_seeking", months_in_activity=3)
    neet = EETSpell.objects.get(person=person)
    typo = services.eet_record(
        acting_user=adviser, person=person, activity="apprenticeship", start=TODAY() + 60 * DAY, source="worker"
    )
    neet.refresh_from_db()
    assert neet.end == TODAY() + 59 * DAY
    fixed = services.eet_correct(
        acting_user=adviser,
        spell=typo,
        reason="Mistyped the month",
        activity="apprenticeship",
        start=TODAY() - 5 * DAY,
        end=None,
        part_time=False,
        provider="",
        hours_per_week=None,
        source="worker",
    )
    neet.refresh_from_db()
    assert neet.end == TODAY() - 6 * DAY
    assert fixed.start == TODAY() - 5 * DAY
    # Correcting to before the NEET spell began is still refused: it would swallow it.
    with pytest.raises(ValidationError, match="overlaps"):
        services.eet_correct(
            acting_user=adviser,
            spell=fixed,
            reason="Wrong again",
            activity="apprenticeship",
            start=neet.start - DAY,
            end=None,
            part_time=False,
            provider="",
            hours_per_week=None,
            source="worker",
        )


def test_recording_what_would_end_the_current_activity_asks_first_naming_it(world, signed_in) -> None:
    """The first save shows a warning naming the record it will end and its new end date; nothing changes until confirmed."""
    a = world["A"]
    person = add_care_leaver(a, name="Dee", age=19, activity="neet_seeking", months_in_activity=2)
    neet = EETSpell.objects.get(person=person)
    client = signed_in(a.users["personal_adviser"])
    url = reverse("people:record-add", args=[person.pk, "eet"])
    start = TODAY() - 3 * DAY
    response = client.post(url, _eet_post(start))
    assert response.status_code == 200
    text = response.content.decode()
    assert "This will end" in text
    assert str(neet).replace("'", "&#x27;") in text
    assert f"{(start - DAY).day} {(start - DAY):%B %Y}" in text
    assert EETSpell.objects.filter(person=person).count() == 1
    neet.refresh_from_db()
    assert neet.end is None
    confirm = response.context["confirm_token"]
    response = client.post(url, _eet_post(start, confirm=confirm))
    assert response.status_code == 302
    neet.refresh_from_db()
    assert neet.end == start - DAY
    assert EETSpell.objects.filter(person=person).count() == 2


def test_a_correction_that_moves_another_record_asks_first(world, signed_in) -> None:
    """Correcting a start that another record ends on names that record and its new end before saving."""
    a = world["A"]
    adviser = a.users["personal_adviser"]
    person = add_care_leaver(a, name="Eli", age=19, activity="neet_seeking", months_in_activity=3)
    neet = EETSpell.objects.get(person=person)
    typo = services.eet_record(
        acting_user=adviser, person=person, activity="apprenticeship", start=TODAY() + 30 * DAY, source="worker"
    )
    client = signed_in(adviser)
    url = reverse("people:record-correct", args=[person.pk, "eet", typo.pk])
    data = _eet_post(TODAY() - 2 * DAY, correction_reason="Typed the wrong month")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This will end" in response.content.decode()
    neet.refresh_from_db()
    assert neet.end == TODAY() + 29 * DAY
    response = client.post(url, {**data, "confirm": response.context["confirm_token"]})
    assert response.status_code == 302
    neet.refresh_from_db()
    assert neet.end == TODAY() - 3 * DAY


def test_a_record_that_ends_nothing_saves_at_once(world, signed_in) -> None:
    """No warning when nothing else is ended."""
    a = world["A"]
    person = add_care_leaver(a, name="Fay", age=19, activity="neet_seeking")
    client = signed_in(a.users["personal_adviser"])
    url = reverse("people:record-add", args=[person.pk, "accommodation"])
    response = client.post(
        url, {"accommodation_type": "T", "suitability": "suitable", **_date_fields("start", TODAY() - DAY)}
    )
    assert response.status_code == 302
