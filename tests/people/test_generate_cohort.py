"""The synthetic cohort generator: deterministic, national-looking, consistent with the rules."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onward.audit.models import AuditEvent
from onward.core.codelists import ACTIVITY_INFO
from onward.people import categories, selectors
from onward.people.categories import CARE_LEAVER_CATEGORIES
from onward.people.models import CareEpisode, Contact, EETSpell, YoungPerson
from tests.chains import assert_chained

pytestmark = pytest.mark.django_db


def fingerprint(council_name: str) -> list[tuple[object, ...]]:
    people = YoungPerson.objects.filter(council__name=council_name).order_by("child_id")
    return [
        (
            p.child_id,
            p.legal_given_name,
            p.date_of_birth,
            p.eligible_from,
            p.ethnicity,
            tuple(EETSpell.objects.filter(person=p).order_by("start").values_list("activity", "start")),
        )
        for p in people[:200]
    ]


def test_the_same_seed_gives_the_same_cohort_and_another_seed_does_not() -> None:
    call_command("generate_cohort", "--council", "Seed Council A", "--size", "300", "--seed", "5")
    call_command("generate_cohort", "--council", "Seed Council B", "--size", "300", "--seed", "5")
    call_command("generate_cohort", "--council", "Seed Council C", "--size", "300", "--seed", "6")
    a, b, c = fingerprint("Seed Council A"), fingerprint("Seed Council B"), fingerprint("Seed Council C")
    assert [row[1:] for row in a] == [row[1:] for row in b]
    assert [row[1:] for row in a] != [row[1:] for row in c]


def test_generated_dated_records_are_chained_as_the_services_chain_them() -> None:
    """The generator works out each record's next date in memory; it matches the history, record by record."""
    call_command("generate_cohort", "--council", "Chained Council", "--size", "300", "--seed", "8")
    assert Contact.objects.filter(person__council__name="Chained Council", next_date__isnull=False).count() > 1000
    assert_chained()


def test_proportions_on_the_day_resemble_the_national_figures() -> None:
    """19-21: about 54% EET, 40% NEET, 6% not known; 17-18: about 64% EET and 30% NEET."""
    call_command("generate_cohort", "--council", "National Look", "--size", "3000", "--seed", "11")
    day = selectors.today()
    people = YoungPerson.objects.filter(council__name="National Look")
    for band, eet, neet in (("19_21", 54, 40), ("17_18", 64, 30)):
        rows = selectors.annotate_status(selectors.filter_age_band(people, band, day), day).filter(
            category__in=[c.value for c in CARE_LEAVER_CATEGORIES]
        )
        groups = Counter(ACTIVITY_INFO[r.eet_activity].group.value for r in rows)
        total = sum(groups.values())
        assert total > 300
        assert abs(100 * groups["eet"] / total - eet) <= 7, (band, groups)
        assert abs(100 * groups["neet"] / total - neet) <= 7, (band, groups)


def test_the_care_summary_and_sql_category_agree_with_the_rules() -> None:
    """Stored summaries equal the rules' own; the database's category equals the Python rules for today."""
    call_command("generate_cohort", "--council", "Rules Council", "--size", "600", "--seed", "3")
    day = selectors.today()
    people = YoungPerson.objects.filter(council__name="Rules Council")
    for person in selectors.annotate_category(people, day):
        episodes = [
            categories.Episode(e.start, e.end, e.legal_status, e.reason_ceased)
            for e in CareEpisode.objects.filter(person=person).order_by("start", "id")
        ]
        assert person.eligible_from == categories.summarise(person.date_of_birth, episodes).eligible_from
        assert person.category == selectors.category_of(person, day).value, person.child_id


def test_a_second_run_needs_replace_and_each_run_is_audited_once() -> None:
    call_command("generate_cohort", "--council", "Twice Council", "--size", "50", "--seed", "1")
    with pytest.raises(CommandError, match="add --replace"):
        call_command("generate_cohort", "--council", "Twice Council", "--size", "50", "--seed", "1")
    call_command("generate_cohort", "--council", "Twice Council", "--size", "40", "--seed", "1", "--replace")
    assert YoungPerson.objects.filter(council__name="Twice Council").count() == 40
    assert AuditEvent.objects.filter(council__name="Twice Council", summary__startswith="Generated").count() == 2


def test_several_councils_share_the_size() -> None:
    call_command("generate_cohort", "--council", "Region", "--size", "101", "--seed", "2", "--councils", "3")
    counts = [YoungPerson.objects.filter(council__name=f"Region {n:03d}").count() for n in (1, 2, 3)]
    assert counts == [34, 34, 33]
