"""Registers what young people said in their own service as indicators in ``onward.core.indicators``, so
plan measures (Leeds objective 10: feedback from young people in monitoring and evaluation) and reports
are filled from data. Counts only, never anyone's words; shown with the national statistics' rounding
and suppression (``performance.display``). Each is a pure function of (council, as-at date): the
twelve months up to and including the date.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from onward.accounts.models import Organisation
from onward.core.indicators import COUNT, IndicatorReading, IndicatorSource, register_indicator
from onward.performance.display import count_text
from onward.portal import access
from onward.portal.models import Statement

FEEDBACK = "young_people_feedback"
CHECK_INS_HELP = "young_people_asking_for_help"
FEEDBACK_ANSWERED = "young_people_feedback_answered"
CHECK_INS = "young_people_check_ins"
SERVICE_FEEDBACK = "young_people_service_feedback"
SERVICES_RATED_GOOD = "young_people_services_rated_good"
SURVEY_RESPONSES = "young_people_survey_responses"
GOOD_RATINGS = (4, 5)  # "Good" and "Very good"

# What counts as feedback: what they told the council, as opposed to asking for something.
FEEDBACK_KINDS = (Statement.Kind.CHECK_IN, Statement.Kind.SERVICE_FEEDBACK, Statement.Kind.OFFER_COMMENT)


def _year_to(council: Organisation, as_at: datetime.date) -> object:
    start = as_at - datetime.timedelta(days=365)
    return access.council_statements(council.pk).filter(created_at__date__gt=start, created_at__date__lte=as_at)


def _count(value: int) -> IndicatorReading:
    return IndicatorReading(
        value=Decimal(value), numerator=value, denominator=None, unit=COUNT, shown=count_text(value, aggregate=True)
    )


def feedback(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Check-ins, feedback on services and comments on the local offer from young people, in the year to ``as_at``."""
    return _count(_year_to(council, as_at).filter(kind__in=FEEDBACK_KINDS).count())  # type: ignore[attr-defined]


def asking_for_help(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Check-ins in which a young person asked their adviser for help, in the year to ``as_at``."""
    return _count(_year_to(council, as_at).filter(kind=Statement.Kind.CHECK_IN, wants_help=True).count())  # type: ignore[attr-defined]


def _share(numerator: int, denominator: int) -> IndicatorReading | None:
    """A percentage, shown whole, suppressed (``c``) when either figure is 1 to 5; None with nothing to count."""
    if not denominator:
        return None
    value = (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return IndicatorReading(
        value=value,
        numerator=numerator,
        denominator=denominator,
        shown="c"
        if 1 <= denominator <= 5 or 1 <= numerator <= 5
        else f"{value.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%",
    )


def feedback_answered(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Of the feedback in their own words in the year to ``as_at``, the share in a published 'You said, we did'."""
    worded = _year_to(council, as_at).filter(kind__in=FEEDBACK_KINDS).exclude(text="")  # type: ignore[attr-defined]
    answered = worded.filter(theme__published_at__isnull=False, theme__published_at__date__lte=as_at).count()
    return _share(answered, worded.count())


def check_ins(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Monthly check-ins made by young people in the year to ``as_at``."""
    return _count(_year_to(council, as_at).filter(kind=Statement.Kind.CHECK_IN).count())  # type: ignore[attr-defined]


def _service_feedback(council: Organisation, as_at: datetime.date) -> object:
    return _year_to(council, as_at).filter(  # type: ignore[attr-defined]
        kind=Statement.Kind.SERVICE_FEEDBACK, rating__isnull=False
    )


def service_feedback(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Young people's own ratings of the services they were referred to, in the year to ``as_at``."""
    return _count(_service_feedback(council, as_at).count())  # type: ignore[attr-defined]


def services_rated_good(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Of young people's own ratings of services in the year to ``as_at``, the share rating it good or very good."""
    rated = _service_feedback(council, as_at)
    return _share(rated.filter(rating__in=GOOD_RATINGS).count(), rated.count())  # type: ignore[attr-defined]


def survey_responses(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    """Answers to the council's well-being surveys in the year to ``as_at`` (each young person once a survey)."""
    start = as_at - datetime.timedelta(days=365)
    answered = access.council_survey_responses(council.pk).filter(
        created_at__date__gt=start, created_at__date__lte=as_at
    )
    return _count(answered.count())


INDICATORS = (
    (FEEDBACK, "Feedback from young people in their own service (year to date)", feedback, COUNT),
    (CHECK_INS_HELP, "Check-ins in which a young person asked for help (year to date)", asking_for_help, COUNT),
    (
        FEEDBACK_ANSWERED,
        "Young people's feedback answered in a published 'You said, we did'",
        feedback_answered,
        "percent",
    ),
    (CHECK_INS, "Monthly check-ins by young people (year to date)", check_ins, COUNT),
    (
        SERVICE_FEEDBACK,
        "Young people's own ratings of services they were referred to (year to date)",
        service_feedback,
        COUNT,
    ),
    (
        SERVICES_RATED_GOOD,
        "Young people's own ratings of services: the share good or very good (year to date)",
        services_rated_good,
        "percent",
    ),
    (SURVEY_RESPONSES, "Answers to the well-being survey (year to date)", survey_responses, COUNT),
)


def register_all() -> None:
    for code, name, read, unit in INDICATORS:
        register_indicator(IndicatorSource(code=code, name=name, read=read, unit=unit))
