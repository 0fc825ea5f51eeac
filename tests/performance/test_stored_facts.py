"""Today's indicator facts are kept per young person (ADR 36): counted from the stored rows, a council's
figures and every breakdown are exactly the live statement's, after any kind of write; a month end
the trend lacks is taken once, not worked out on every view."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.core.codelists import NEET_ACTIVITIES, InTouch
from onward.core.models import touched
from onward.people import services as people_services
from onward.people import stored
from onward.people.generator import generate_council
from onward.people.models import YoungPerson
from onward.performance import indicators, live, selectors, services
from onward.performance.live import BREAKDOWNS
from onward.performance.models import IndicatorSnapshot, Method, PersonFacts
from tests.factories import CouncilFactory

TODAY = timezone.localdate
DIMENSIONS = ["", *BREAKDOWNS]


@pytest.fixture
def council(db):  # type: ignore[no-untyped-def]
    """A generated council whose records were written an hour ago (outside the margin)."""
    council = CouncilFactory()
    generate_council(council=council, size=90, seed=33)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    YoungPerson.objects.filter(council=council).update(updated_at=an_hour_ago)
    for model in stored.SOURCES:
        model.objects.filter(person__council=council).update(updated_at=an_hour_ago)
    return council


def _agree(council, day: datetime.date) -> None:  # type: ignore[no-untyped-def]
    services.keep_facts_current(council, day)
    kept = live.stored_counts_per_person(council.pk, day, dimensions=DIMENSIONS)
    worked_out = live.live_counts_per_person(YoungPerson.objects.filter(council=council), day, dimensions=DIMENSIONS)
    assert kept == worked_out


@pytest.mark.django_db
def test_the_stored_facts_give_every_figure_and_breakdown_of_the_live_statement(council) -> None:
    _agree(council, TODAY())
    assert PersonFacts.objects.filter(council=council).count() > 40  # those aged 16 to 25
    headline, _groups = selectors.headline_and_breakdown(council, TODAY(), Method.SNAPSHOT, "team", stored=True)
    assert headline == selectors.headline_and_breakdown(council, TODAY(), Method.SNAPSHOT, "team")[0]
    assert any(figure.numerator for figure in headline.values())


@pytest.mark.django_db
def test_after_each_kind_of_write_the_stored_facts_still_agree(council) -> None:
    day = TODAY()
    services.keep_facts_current(council, day)
    people = list(YoungPerson.objects.filter(council=council, personal_adviser__isnull=False).order_by("pk"))
    adviser = people[0].personal_adviser
    writes = [
        lambda p: people_services.contact_record(
            acting_user=adviser, person=p, date=day, method="phone", in_touch=InTouch.NO.value
        ),
        lambda p: people_services.accommodation_record(
            acting_user=adviser, person=p, accommodation_type="V", suitability="unsuitable", start=day
        ),
        lambda p: people_services.eet_record(
            acting_user=adviser, person=p, activity=sorted(NEET_ACTIVITIES)[0], start=day
        ),
        lambda p: people_services.pathway_review_record(acting_user=adviser, person=p, date=day),
        lambda p: YoungPerson.objects.filter(pk=p.pk).update(**touched(sex="2" if p.sex == "1" else "1")),
        lambda p: YoungPerson.objects.filter(pk=p.pk).update(**touched(died_on=day)),
    ]
    for n, write in enumerate(writes):
        write(people[n + 1])
        _agree(council, day)


@pytest.mark.django_db
def test_a_new_day_works_out_the_facts_for_it(council) -> None:
    services.keep_facts_current(council, TODAY())
    later = TODAY() + datetime.timedelta(days=45)
    _agree(council, later)
    assert set(PersonFacts.objects.filter(council=council).values_list("day", flat=True)) == {later}


def test_every_table_the_facts_read_is_watched_for_changes() -> None:
    """A history added to the facts but not to ``people.stored.SOURCES`` would leave stored facts stale."""
    read = set(re.findall(r'"(people_\w+)"', live.facts_rules()))
    watched = {YoungPerson._meta.db_table} | {model._meta.db_table for model in stored.SOURCES}
    assert read, "no table found in the statement"
    assert read <= watched, read - watched
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.django_db
def test_a_month_end_the_trend_lacks_is_taken_once_and_kept(council) -> None:
    day = TODAY()
    ends = [end for end in indicators.month_ends_before(day, 12) if end < day]
    services.snapshot_months(councils=[council], upto=ends[-2], months=11)  # the latest month end not taken
    assert not IndicatorSnapshot.objects.filter(council=council, month_end=ends[-1]).exists()
    audits = AuditEvent.objects.filter(object_type="performance.IndicatorSnapshot").count()
    stored_rows = services.snapshot_missing(council=council, method=Method.SNAPSHOT, day=day)
    assert stored_rows > 0
    assert IndicatorSnapshot.objects.filter(council=council, month_end=ends[-1], method=Method.SNAPSHOT).exists()
    assert AuditEvent.objects.filter(object_type="performance.IndicatorSnapshot").count() == audits + 1
    # Taken: the trend reads it, and nothing is worked out again.
    assert services.snapshot_missing(council=council, method=Method.SNAPSHOT, day=day) == 0
    trend = selectors.trend(council, Method.SNAPSHOT, day)
    live_then = selectors.headline(council, ends[-1], Method.SNAPSHOT)
    assert dict(trend)[ends[-1]] == live_then


@pytest.mark.django_db
def test_the_nightly_command_keeps_every_councils_figures_for_today(council) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    from onward.people.models import RiskScore, StoredDay

    out = StringIO()
    call_command("keep_figures_current", stdout=out)
    assert set(StoredDay.objects.filter(council=council).values_list("kind", "day")) == {
        ("risk", TODAY()),
        ("facts", TODAY()),
    }
    assert RiskScore.objects.filter(council=council).exists() and PersonFacts.objects.filter(council=council).exists()
    assert council.name in out.getvalue()
    with pytest.raises(CommandError, match="no council called"):
        call_command("keep_figures_current", "--council", "Nowhere")
