"""Mentors: the register with checks and training, matching a young person, meetings, and the counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.core.indicators import indicator_source
from onward.supporters import registry, services
from onward.supporters.models import Mentor, MentorMatch, MentorMeeting
from tests.supporters.world import date_fields, supporters_world

TODAY = timezone.localdate


def _mentor_post(**changes: str | None) -> dict[str, str | None]:
    day = TODAY() - datetime.timedelta(days=10)
    data: dict[str, str | None] = {
        "name": "Priya Holt",
        "kind": "volunteer",
        "active": "on",
        **date_fields("dbs_checked_on", day),
        **date_fields("references_checked_on", day),
        **date_fields("trained_on", day),
    }
    data.update(changes)
    return data


def test_a_team_manager_adds_a_mentor_with_checks_and_it_is_audited(world, signed_in) -> None:
    """The register's keeper adds a mentor; the record and an audit entry with the fields are saved."""
    a = world["A"]
    client = signed_in(a.users["team_manager"])
    response = client.post(reverse("supporters:mentor-create"), _mentor_post())
    mentor = Mentor.objects.get(name="Priya Holt")
    assert response.status_code == 302
    assert mentor.council == a.council and mentor.ready_on(TODAY())
    event = AuditEvent.objects.get(object_type="supporters.Mentor", object_id=str(mentor.pk))
    assert event.action == AuditEvent.Action.CREATE and "dbs_checked_on" in event.changes


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the mentor&#x27;s name"),
        ({"kind": "guru"}, "Select a valid choice"),
        ({"kind": "employer", "organisation_name": ""}, "Enter the employer an employer mentor works for"),
        ({"dbs_checked_on_2": "2999"}, "DBS check date must be today or in the past"),
        ({"trained_on_1": "13"}, "Training date must be a real date"),
    ],
)
def test_bad_mentor_details_get_a_message_and_change_nothing(world, signed_in, changes, message) -> None:
    client = signed_in(world["A"].users["team_manager"])
    content = client.post(reverse("supporters:mentor-create"), _mentor_post(**changes)).content.decode()
    assert message in content
    assert not Mentor.objects.filter(name="Priya Holt").exists()


def test_a_personal_adviser_may_read_the_register_but_not_change_it(world, signed_in) -> None:
    a = world["A"]
    found = supporters_world(a)
    client = signed_in(a.users["personal_adviser"])
    assert found.mentor.name in client.get(reverse("supporters:mentor-list")).content.decode()
    assert client.post(reverse("supporters:mentor-create"), _mentor_post()).status_code == 403
    url = reverse("supporters:mentor-update", kwargs={"mentor_pk": found.mentor.pk})
    assert client.post(url, _mentor_post()).status_code == 403


def test_another_councils_mentor_and_match_are_not_found(world, signed_in) -> None:
    """Council B's mentor and match answer 404 to council A's staff, and B's mentor is not on A's register."""
    b = supporters_world(world["B"])
    client = signed_in(world["A"].users["team_manager"])
    assert client.get(reverse("supporters:mentor-detail", kwargs={"mentor_pk": b.mentor.pk})).status_code == 404
    assert client.get(reverse("supporters:match-detail", kwargs={"match_pk": b.match.pk})).status_code == 404
    assert b.mentor.name not in client.get(reverse("supporters:mentor-list")).content.decode()


def test_an_adviser_matches_their_young_person_with_a_ready_mentor(world, signed_in) -> None:
    a = world["A"]
    mentor = supporters_world(a).mentor
    MentorMatch.objects.all().delete()
    client = signed_in(a.users["personal_adviser"])
    url = reverse("supporters:match-create", kwargs={"person_pk": a.person.pk})
    response = client.post(url, {"mentor": mentor.pk, **date_fields("start", TODAY()), "goals": "Confidence"})
    match = MentorMatch.objects.get(person=a.person)
    assert response.status_code == 302 and match.mentor == mentor and match.recorded_by == a.users["personal_adviser"]
    assert AuditEvent.objects.filter(object_type="supporters.MentorMatch", action="create").exists()
    assert mentor.name in client.get(reverse("supporters:person", kwargs={"person_pk": a.person.pk})).content.decode()


def test_a_mentor_without_a_current_dbs_check_cannot_be_matched(world, signed_in) -> None:
    a = world["A"]
    mentor = supporters_world(a).mentor
    Mentor.objects.filter(pk=mentor.pk).update(dbs_checked_on=TODAY() - datetime.timedelta(days=4 * 365))
    MentorMatch.objects.all().delete()
    client = signed_in(a.users["personal_adviser"])
    url = reverse("supporters:match-create", kwargs={"person_pk": a.person.pk})
    content = client.post(url, {"mentor": mentor.pk, **date_fields("start", TODAY())}).content.decode()
    assert "cannot be matched: no current DBS check" in content
    assert not MentorMatch.objects.exists()


def test_another_councils_mentor_is_not_offered_nor_accepted(world, signed_in) -> None:
    a = world["A"]
    other = supporters_world(world["B"]).mentor
    client = signed_in(a.users["personal_adviser"])
    url = reverse("supporters:match-create", kwargs={"person_pk": a.person.pk})
    assert other.name not in client.get(url).content.decode()
    content = client.post(url, {"mentor": other.pk, **date_fields("start", TODAY())}).content.decode()
    assert "Select a mentor from the list" in content
    assert not MentorMatch.objects.filter(mentor=other, person=a.person).exists()


def test_an_adviser_cannot_match_a_young_person_outside_their_caseload(world, signed_in) -> None:
    b = world["B"]
    client = signed_in(world["A"].users["personal_adviser"])
    assert client.get(reverse("supporters:match-create", kwargs={"person_pk": b.person.pk})).status_code == 404


def test_meetings_are_logged_within_the_match_and_the_match_ends(world, signed_in) -> None:
    a = world["A"]
    match = supporters_world(a).match
    client = signed_in(a.users["personal_adviser"])
    url = reverse("supporters:match-detail", kwargs={"match_pk": match.pk})
    before_start = match.start - datetime.timedelta(days=1)
    content = client.post(url, {"meeting": "1", **date_fields("held_on", before_start)}).content.decode()
    assert "The meeting date must be while the match was in place" in content
    assert client.post(url, {"meeting": "1", **date_fields("held_on", TODAY()), "minutes": "45"}).status_code == 302
    assert MentorMeeting.objects.filter(match=match, minutes=45).exists()
    response = client.post(url, {"end_match": "1", **date_fields("end", TODAY()), "version": str(match.version)})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.end == TODAY() and match.version == 2


def test_the_counts_are_registered_as_indicators_and_read_as_at_a_date(world) -> None:
    """Plan measures can bind to the mentoring counts; a past date counts what was in force then."""
    a = world["A"]
    found = supporters_world(a)
    source = indicator_source(registry.YOUNG_PEOPLE_MENTORED)
    assert source is not None and source.unit == "count"
    today_reading = source.read(a.council, TODAY())
    assert today_reading is not None and today_reading.numerator == 1 and today_reading.shown == "c"
    before = source.read(a.council, found.match.start - datetime.timedelta(days=1))
    assert before is not None and before.numerator == 0
    ready = indicator_source(registry.MENTORS_READY)
    assert ready is not None and ready.read(a.council, TODAY()).numerator == 1  # type: ignore[union-attr]
    assert ready.read(world["B"].council, TODAY()).numerator == 0  # type: ignore[union-attr]
    meetings = indicator_source(registry.MENTOR_MEETINGS)
    assert meetings is not None and meetings.read(a.council, TODAY()).numerator == 1  # type: ignore[union-attr]


def test_a_match_cannot_end_before_its_last_meeting(world) -> None:
    a = world["A"]
    match = supporters_world(a).match
    with pytest.raises(ValidationError, match="on or after the last meeting"):
        services.match_end(
            acting_user=a.users["personal_adviser"],
            match=match,
            version=match.version,
            end=match.start,
            reason="",
        )
