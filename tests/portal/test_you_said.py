"""'You said, we did': staff group feedback into themes and publish; the counts feed the indicators, suppressed
for councillors and never with anyone's words."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.core.indicators import read_indicator
from onward.portal import registry, services
from onward.portal.models import Statement, Theme
from tests.factories import YoungPersonFactory
from tests.portal.conftest import open_account, portal_sign_in

pytestmark = pytest.mark.django_db


def _say(tenant, n: int, text: str = "") -> list[Statement]:  # type: ignore[no-untyped-def]
    said = []
    for _ in range(n):
        person = YoungPersonFactory(council=tenant.council)
        said.append(
            Statement.objects.create(council=tenant.council, person=person, kind="check_in", mood="bad", text=text)
        )
    return said


def test_staff_group_feedback_into_a_theme_and_publish_it_to_young_people(world, signed_in) -> None:
    a = world["A"]
    account = open_account(a)
    words = services.check_in(account=account, mood="bad", wants_help=False, text="Bus fares to college are too dear")
    _say(world["B"], 1, "Another council's words")
    manager = signed_in(a.users["team_manager"])
    form = manager.get(reverse("portal:theme-create")).content.decode()
    assert "Bus fares to college are too dear" in form and "Another council's words" not in form
    bad = manager.post(reverse("portal:theme-create"), {"title": "", "statements": [str(words.pk)]})
    assert b"Enter the theme" in bad.content and not Theme.objects.exists()
    manager.post(
        reverse("portal:theme-create"),
        {"title": "Travel", "statements": [str(words.pk)], "you_said": "Travel costs too much", "we_did": ""},
    )
    theme = Theme.objects.get()
    words.refresh_from_db()
    assert words.theme == theme
    refused = manager.post(
        reverse("portal:theme-update", kwargs={"pk": theme.pk}),
        {
            "title": "Travel",
            "statements": [str(words.pk)],
            "you_said": "Travel costs too much",
            "publish": "1",
            "version": str(theme.version),
        },
    )
    assert b"Write what young people said and what you did" in refused.content
    yp = portal_sign_in(Client(), account)
    assert b"Travel costs too much" not in yp.get(reverse("my:you-said")).content
    manager.post(
        reverse("portal:theme-update", kwargs={"pk": theme.pk}),
        {
            "title": "Travel",
            "statements": [str(words.pk)],
            "you_said": "Travel costs too much",
            "we_did": "Free bus passes to 25 from April",
            "publish": "1",
            "version": str(theme.version),
        },
    )
    page = yp.get(reverse("my:you-said")).content.decode()
    assert "Free bus passes to 25 from April" in page
    other = portal_sign_in(Client(), open_account(world["B"]))
    assert "Free bus passes" not in other.get(reverse("my:you-said")).content.decode()


def test_feedback_counts_are_indicators(world) -> None:
    a = world["A"]
    today = timezone.localdate()
    said = _say(a, 12, "words")
    theme = Theme.objects.create(
        council=a.council, title="T", you_said="x", we_did="y", created_by=a.users["team_manager"]
    )
    Statement.objects.filter(pk__in=[s.pk for s in said[:6]]).update(theme=theme)
    reading = read_indicator(registry.FEEDBACK, council=a.council, as_at=today)
    assert reading is not None and reading.value == 12 and reading.shown == "10"
    answered = read_indicator(registry.FEEDBACK_ANSWERED, council=a.council, as_at=today)
    assert answered is not None and answered.value == 0  # not published yet
    Theme.objects.update(published_at=timezone.now())
    answered = read_indicator(registry.FEEDBACK_ANSWERED, council=a.council, as_at=today)
    assert answered is not None and answered.value == 50 and answered.shown == "50%"
    # As at a date before any of it: nothing said.
    earlier = read_indicator(registry.FEEDBACK, council=a.council, as_at=today - datetime.timedelta(days=30))
    assert earlier is not None and earlier.value == 0
    assert read_indicator(registry.FEEDBACK, council=world["B"].council, as_at=today).value == 0  # type: ignore[union-attr]


def test_councillors_see_counts_suppressed_and_never_words(world, signed_in) -> None:
    a = world["A"]
    _say(a, 3, "My private words")
    councillor = signed_in(a.users["councillor"])
    page = councillor.get(reverse("portal:feedback-figures")).content.decode()
    assert "My private words" not in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">c</td>' in page
    officer = signed_in(a.users["performance_officer"])
    exact = officer.get(reverse("portal:feedback-figures")).content.decode()
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in exact
    assert "My private words" not in exact
