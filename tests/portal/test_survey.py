"""The well-being survey: the four ONS questions and the council's own from a question bank it keeps; scheduled."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.portal import selectors, services
from onward.portal.models import ONS4, Survey, SurveyQuestion, SurveyResponse
from tests.portal.conftest import open_account, portal_sign_in

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def test_a_manager_keeps_the_question_bank_and_schedules_a_survey(world, signed_in) -> None:
    a = world["A"]
    manager = signed_in(a.users["team_manager"])
    url = reverse("portal:surveys")
    assert b"Enter the question" in manager.post(url, {"add_question": "1", "question-kind": "scale"}).content
    manager.post(url, {"add_question": "1", "question-text": "Do you feel safe at home?", "question-kind": "yes_no"})
    manager.post(url, {"add_question": "1", "question-text": "Old question", "question-kind": "text"})
    safe, old = SurveyQuestion.objects.order_by("pk")
    manager.post(reverse("portal:question-retire", kwargs={"pk": old.pk}))
    old.refresh_from_db()
    assert old.retired_at is not None and SurveyQuestion.objects.count() == 2  # kept
    today = timezone.localdate()
    bad = manager.post(
        url,
        {
            "schedule": "1",
            "survey-title": "Spring",
            **_date("survey-opens_on", today),
            **_date("survey-closes_on", today - datetime.timedelta(days=1)),
            "survey-questions": [str(old.pk)],
        },
    )
    assert b"Select questions from your question bank" in bad.content or b"closing date" in bad.content
    assert not Survey.objects.exists()
    manager.post(
        url,
        {
            "schedule": "1",
            "survey-title": "Spring",
            **_date("survey-opens_on", today),
            **_date("survey-closes_on", today + datetime.timedelta(days=14)),
            "survey-questions": [str(safe.pk)],
        },
    )
    survey = Survey.objects.get()
    assert list(survey.questions.all()) == [safe]
    # Another council's manager cannot retire this council's question.
    other = signed_in(world["B"].users["team_manager"])
    assert other.post(reverse("portal:question-retire", kwargs={"pk": safe.pk})).status_code == 404


def test_a_young_person_answers_once_and_the_council_sees_averages_only(world) -> None:
    a = world["A"]
    manager = a.users["team_manager"]
    today = timezone.localdate()
    question = services.question_add(
        acting_user=manager, council=a.council, text="Do you feel safe at home?", kind="yes_no"
    )
    survey = services.survey_schedule(
        acting_user=manager,
        council=a.council,
        title="Spring survey",
        opens_on=today,
        closes_on=today,
        questions=[question],
    )
    yp = portal_sign_in(Client(), open_account(a))
    assert b"Spring survey is open" in yp.get(reverse("my:home")).content
    page = yp.get(reverse("my:survey")).content.decode()
    for _key, text in ONS4:
        assert text in page
    assert b"Select a number from 0 to 10" in yp.post(reverse("my:survey"), {}).content
    answers = {key: "7" for key, _ in ONS4} | {f"q{question.pk}": "yes"}
    assert yp.post(reverse("my:survey"), answers).status_code == 302
    response = SurveyResponse.objects.get()
    assert response.answers["ons_happy"] == "7" and response.answers[f"q{question.pk}"] == "yes"
    assert b"no survey for you" in yp.get(reverse("my:survey")).content  # answered: not asked again
    results = selectors.survey_results(survey)
    assert results[0].summary.startswith("Fewer than")  # one answer: no average
    for _ in range(4):
        from tests.factories import YoungPersonFactory

        SurveyResponse.objects.create(survey=survey, person=YoungPersonFactory(council=a.council), answers=answers)
    results = selectors.survey_results(survey)
    assert results[0].summary == "Average 7.0 out of 10" and results[-1].summary == "100% said yes"


def test_a_closed_survey_or_another_councils_is_not_asked(world) -> None:
    a, b = world["A"], world["B"]
    today = timezone.localdate()
    services.survey_schedule(
        acting_user=b.users["team_manager"],
        council=b.council,
        title="B's",
        opens_on=today,
        closes_on=today,
        questions=[],
    )
    services.survey_schedule(
        acting_user=a.users["team_manager"],
        council=a.council,
        title="Later",
        opens_on=today + datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=9),
        questions=[],
    )
    assert selectors.open_survey(open_account(a), today) is None
