"""Today's at-risk scores are kept (ADR 36): after any kind of write, bringing them up to date gives
exactly the scores worked out from the records, recomputing only the young people who changed."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from onward.core.codelists import NEET_ACTIVITIES, InTouch
from onward.core.models import touched
from onward.people import open_work, selectors, services, stored
from onward.people.generator import generate_council
from onward.people.models import EETSpell, RiskScore, StoredDay, YoungPerson
from onward.referrals.models import Referral, Send
from tests.factories import CouncilFactory

TODAY = timezone.localdate


def _stored(council_id: int, day: datetime.date) -> tuple[list[tuple[int, int]], int]:
    return selectors.ranked_at_risk_stored(YoungPerson.objects.filter(council_id=council_id), day)


def _live(council_id: int, day: datetime.date) -> tuple[list[tuple[int, int]], int]:
    return selectors.ranked_at_risk(YoungPerson.objects.filter(council_id=council_id), day)


@pytest.fixture
def council(db):  # type: ignore[no-untyped-def]
    """A generated council whose records were written an hour ago (outside the margin)."""
    council = CouncilFactory()
    generate_council(council=council, size=80, seed=21)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    YoungPerson.objects.filter(council=council).update(updated_at=an_hour_ago)
    for model in stored.SOURCES:
        model.objects.filter(person__council=council).update(updated_at=an_hour_ago)
    Referral.objects.filter(council=council).update(updated_at=an_hour_ago)
    Send.objects.filter(referral__council=council).update(updated_at=an_hour_ago)
    return council


def _recomputed(monkeypatch: pytest.MonkeyPatch) -> list[set[int]]:
    """Records the young people each refresh works out again."""
    seen: list[set[int]] = []
    make = stored._risk_rows

    def spy(people, day):  # type: ignore[no-untyped-def]
        seen.append(set(people.values_list("pk", flat=True)))
        return make(people, day)

    monkeypatch.setattr(stored, "_risk_rows", spy)
    return seen


@pytest.mark.django_db
def test_the_stored_ranking_is_the_ranking_worked_out_from_the_records(council) -> None:
    day = TODAY()
    stored.keep_risk_current([council.pk], day)
    ranked, total = _stored(council.pk, day)
    assert (ranked, total) == _live(council.pk, day)
    assert total > 10  # the generated council has young people at risk
    # Pages are slices of the same order.
    page, _total = selectors.ranked_at_risk_stored(YoungPerson.objects.filter(council=council), day, offset=5, limit=5)
    assert page == ranked[5:10]


@pytest.mark.django_db
def test_after_each_kind_of_write_only_the_young_person_written_to_is_worked_out_again(council, monkeypatch) -> None:
    day = TODAY()
    stored.keep_risk_current([council.pk], day)
    seen = _recomputed(monkeypatch)
    ranked, _total = _live(council.pk, day)
    people = {p.pk: p for p in YoungPerson.objects.filter(council=council)}
    at_risk = [people[pk] for pk, _score in ranked]
    adviser = next(p.personal_adviser for p in people.values() if p.personal_adviser is not None)
    writes = [
        lambda p: services.contact_record(
            acting_user=adviser, person=p, date=day, method="phone", in_touch=InTouch.YES.value
        ),
        lambda p: services.accommodation_record(
            acting_user=adviser, person=p, accommodation_type="V", suitability="unsuitable", start=day
        ),
        lambda p: services.eet_record(acting_user=adviser, person=p, activity=sorted(NEET_ACTIVITIES)[0], start=day),
        lambda p: services.pathway_review_record(acting_user=adviser, person=p, date=day),
        lambda p: Referral.objects.create(
            council=council, person=p, made_by=adviser, needs=["job_search"], triage_due=day
        ),
        # A write that goes round save(): a queryset update, with updated_at moved (core.models.touched).
        lambda p: YoungPerson.objects.filter(pk=p.pk).update(**touched(died_on=day)),
    ]
    for n, write in enumerate(writes):
        person = at_risk[n]
        write(person)
        seen.clear()
        stored.keep_risk_current([council.pk], day)
        assert len(seen) == 1 and person.pk in seen[0], n
        assert len(seen[0]) <= n + 1  # the margin takes in the earlier writes again, nothing else
        assert _stored(council.pk, day) == _live(council.pk, day), n


@pytest.mark.django_db
def test_nothing_is_worked_out_or_written_when_nothing_changed(
    council, monkeypatch, django_assert_max_num_queries
) -> None:
    day = TODAY()
    stored.keep_risk_current([council.pk], day)
    seen = _recomputed(monkeypatch)
    with django_assert_max_num_queries(2):  # the mark, and one query for what changed
        stored.keep_risk_current([council.pk], day)
    assert seen == []


@pytest.mark.django_db
def test_with_nothing_changed_the_mark_moves_on_so_other_councils_writes_are_not_looked_through_again(
    council, monkeypatch
) -> None:
    """What changed is looked for in every council's writes since the mark: a council with nothing
    changed records the time it looked (at most once a margin), or each look would take longer."""
    day = TODAY()
    stored.keep_risk_current([council.pk], day)
    half_an_hour_ago = timezone.now() - datetime.timedelta(minutes=30)
    StoredDay.objects.filter(council=council, kind="risk").update(refreshed_at=half_an_hour_ago)
    generate_council(council=CouncilFactory(), size=20, seed=3)  # another council's writes, after the mark
    seen = _recomputed(monkeypatch)
    looked = timezone.now()
    stored.keep_risk_current([council.pk], day)
    assert seen == []
    moved = StoredDay.objects.get(council=council, kind="risk").refreshed_at
    assert moved >= looked
    stored.keep_risk_current([council.pk], day)  # within the margin: not written again
    assert StoredDay.objects.get(council=council, kind="risk").refreshed_at == moved
    person = YoungPerson.objects.filter(council=council, personal_adviser__isnull=False).first()
    services.contact_record(  # a change after the mark moved on is still found
        acting_user=person.personal_adviser, person=person, date=day, method="phone", in_touch=InTouch.YES.value
    )
    stored.keep_risk_current([council.pk], day)
    assert seen == [{person.pk}]
    assert _stored(council.pk, day) == _live(council.pk, day)


@pytest.mark.django_db
def test_a_new_day_or_new_rules_work_out_the_whole_council_again(council, monkeypatch) -> None:
    day = TODAY()
    stored.keep_risk_current([council.pk], day)
    everyone = set(YoungPerson.objects.filter(council=council).values_list("pk", flat=True))
    seen = _recomputed(monkeypatch)
    later = day + datetime.timedelta(days=40)
    stored.keep_risk_current([council.pk], later)
    assert seen == [everyone]
    assert _stored(council.pk, later) == _live(council.pk, later)
    assert not RiskScore.objects.filter(council=council, day=day).exists()
    seen.clear()
    StoredDay.objects.filter(council=council, kind="risk").update(rules="made by older rules")
    stored.keep_risk_current([council.pk], later)
    assert seen == [everyone]


@pytest.mark.django_db
def test_a_bulk_load_works_out_the_whole_council_again(council, monkeypatch) -> None:
    day = TODAY()
    stored.keep_risk_current([council.pk], day)
    seen = _recomputed(monkeypatch)
    EETSpell.objects.filter(person__council=council).update(**touched(correction_reason=""))  # every spell
    stored.keep_risk_current([council.pk], day)
    assert seen == [set(YoungPerson.objects.filter(council=council).values_list("pk", flat=True))]


def test_every_table_the_rules_read_is_watched_for_changes() -> None:
    """A history added to the at-risk rules but not to ``stored.SOURCES`` would leave stored scores stale."""
    sql, _params = selectors.risk_sql(YoungPerson.objects.filter(council_id=0), datetime.date(2026, 1, 1))
    read = set(re.findall(r'"((?:people|referrals)_\w+)"', sql))
    watched = {YoungPerson._meta.db_table} | {model._meta.db_table for model in stored.SOURCES}
    watched |= {"referrals_referral", "referrals_send"}  # people.open_work: referrals.home.referrals_changed_since
    assert read, sql
    assert read <= watched, read - watched


@pytest.mark.django_db
def test_the_list_for_today_shows_a_change_at_once(council, client) -> None:
    """A performance officer's list for today is read from the stored scores, and a contact just
    recorded changes it on the next view."""
    from onward.accounts import services as account_services
    from tests.conftest import sign_in

    officer = account_services.user_create(
        acting_user=None,
        organisation=council,
        email="officer@stored.example",
        given_name="Pat",
        family_name="Officer",
        role_keys={"performance_officer"},
    )
    sign_in(client, officer)
    url = reverse("people:at-risk") + "?scope=all"
    first = client.get(url)
    assert first.status_code == 200
    assert StoredDay.objects.filter(council=council, kind="risk", day=TODAY()).exists()
    ranked, total = _live(council.pk, TODAY())
    assert first.context["page"].paginator.count == total
    assert [row.person.pk for row in first.context["rows"]] == [
        pk for pk, _score in ranked[: len(first.context["rows"])]
    ]
    top = YoungPerson.objects.get(pk=ranked[0][0])
    services.contact_record(acting_user=officer, person=top, date=TODAY(), method="phone", in_touch=InTouch.YES.value)
    services.accommodation_record(
        acting_user=officer, person=top, accommodation_type="V", suitability="unsuitable", start=TODAY()
    )
    after = client.get(url)
    ranked_after, total_after = _live(council.pk, TODAY())
    assert ranked_after != ranked  # the writes changed the ranking...
    assert after.context["page"].paginator.count == total_after  # ...and the page shows the new one
    rows = after.context["rows"]
    assert [(row.person.pk, row.score) for row in rows] == ranked_after[: len(rows)]


@pytest.mark.django_db
def test_an_import_saved_has_its_councils_figures_worked_out_again(council, monkeypatch) -> None:
    """An import's long transaction can commit rows older than the margin: once saved, the council is
    done again whole (``core.imports.on_saved``)."""
    from onward.core import imports

    day = TODAY()
    stored.keep_risk_current([council.pk], day)
    seen = _recomputed(monkeypatch)
    imports._saved(council.pk)
    stored.keep_risk_current([council.pk], day)
    assert seen == [set(YoungPerson.objects.filter(council=council).values_list("pk", flat=True))]


@pytest.mark.django_db
def test_an_update_that_leaves_updated_at_behind_is_refused_in_the_suite(council, monkeypatch) -> None:
    """The suite-wide guard (``tests/conftest.py``): Onward's code changing a watched table round ``save``
    without moving ``updated_at`` fails; with it, it passes."""
    from onward.people import services as people_services

    person = YoungPerson.objects.filter(council=council, personal_adviser__isnull=False).first()
    adviser = person.personal_adviser
    monkeypatch.setattr(people_services, "touched", lambda **values: values)  # as if the service forgot
    with pytest.raises(AssertionError, match="touched"):
        people_services.contact_record(
            acting_user=adviser, person=person, date=TODAY(), method="phone", in_touch=InTouch.DIED.value
        )
    monkeypatch.undo()
    people_services.contact_record(
        acting_user=adviser, person=person, date=TODAY(), method="phone", in_touch=InTouch.DIED.value
    )
    person.refresh_from_db()
    assert person.died_on == TODAY()


@pytest.mark.django_db
def test_the_changed_young_people_are_found_by_sql_compiled_once(council) -> None:
    """``changed_people`` runs SQL compiled once a process, with the call's council and time put in:
    it finds the young people written to since the time (their own row, a history, work in progress),
    as the query built for the call does, and none of another council's."""
    second = EETSpell.objects.filter(person__council=council).order_by("pk")[0].person
    first, third = YoungPerson.objects.filter(council=council).exclude(pk=second.pk).order_by("pk")[:2]
    YoungPerson.objects.filter(pk=first.pk).update(**touched(preferred_name="Sam"))
    EETSpell.objects.filter(person=second).update(**touched())
    maker = next(p.personal_adviser for p in YoungPerson.objects.filter(council=council) if p.personal_adviser)
    Referral.objects.create(council=council, person=third, made_by=maker, needs=["job_search"], triage_due=TODAY())
    assert stored._changed_sql(connection.vendor, True, open_work.registered()) is not None
    half_an_hour_ago = timezone.now() - datetime.timedelta(minutes=30)
    assert stored.changed_people(council.pk, half_an_hour_ago) == {first.pk, second.pk, third.pk}
    assert stored.changed_people(council.pk, half_an_hour_ago, work=False) == {first.pk, second.pk}
    assert stored.changed_people(CouncilFactory().pk, half_an_hour_ago) == set()
    everyone = set(YoungPerson.objects.filter(council=council).values_list("pk", flat=True))
    assert stored.changed_people(council.pk, timezone.now() - datetime.timedelta(hours=2)) == everyone
    for since in (half_an_hour_ago, timezone.now() - datetime.timedelta(hours=2), timezone.now()):
        for work in (True, False):
            built = {row[0] for row in stored._changed_query(council.pk, since, work=work)}
            assert stored.changed_people(council.pk, since, work=work) == built


@pytest.mark.django_db
def test_a_source_whose_query_reworks_the_time_is_built_for_each_call(council, monkeypatch) -> None:
    """A source of work in progress that looks a day further back than asked: its query's value is
    not the time given, so nothing is compiled once; the query is built for each call, and finds it."""
    person = YoungPerson.objects.filter(council=council).order_by("pk").first()
    assert person is not None
    maker = next(p.personal_adviser for p in YoungPerson.objects.filter(council=council) if p.personal_adviser)
    Referral.objects.create(council=council, person=person, made_by=maker, needs=["job_search"], triage_due=TODAY())
    Referral.objects.filter(person=person).update(updated_at=timezone.now() - datetime.timedelta(hours=20))

    def a_day_earlier(since: datetime.datetime):  # type: ignore[no-untyped-def]
        return Referral.objects.filter(updated_at__gt=since - datetime.timedelta(days=1)).values("person_id")

    monkeypatch.setitem(open_work._CHANGED, "a_day_earlier", a_day_earlier)
    assert stored._changed_sql(connection.vendor, True, open_work.registered()) is None
    assert stored.changed_people(council.pk, timezone.now() - datetime.timedelta(minutes=30)) == {person.pk}
