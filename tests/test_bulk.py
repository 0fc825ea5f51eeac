"""Bulk inserts from plain values: what a caller leaves out is filled as Django would fill it."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from onward.core.bulk import insert_values
from onward.performance.models import IndicatorSnapshot
from tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db


def test_values_are_written_with_defaults_and_timestamps() -> None:
    """Every row is stored; an omitted field takes its default and the timestamps are the time of the call."""
    council = CouncilFactory()
    before = timezone.now()
    insert_values(
        IndicatorSnapshot,
        (
            {
                "council_id": council.pk,
                "indicator": f"code_{n}",
                "method": "snapshot",
                "month_end": datetime.date(2026, 10, 31),
                "numerator": n,
                "denominator": None if n % 2 else 10,
            }
            for n in range(7)
        ),
        batch_size=3,
    )
    stored = list(IndicatorSnapshot.objects.order_by("numerator"))
    assert [(s.indicator, s.numerator, s.denominator) for s in stored] == [
        (f"code_{n}", n, None if n % 2 else 10) for n in range(7)
    ]
    assert {(s.breakdown, s.breakdown_value) for s in stored} == {("", "")}
    assert all(before <= s.created_at == s.updated_at <= timezone.now() for s in stored)


def test_a_value_with_no_default_cannot_be_left_out() -> None:
    """A row missing a field that has no default is refused, and its transaction keeps nothing."""
    council = CouncilFactory()
    with pytest.raises(KeyError), transaction.atomic():
        insert_values(IndicatorSnapshot, [{"council_id": council.pk, "indicator": "x", "method": "snapshot"}])
    assert not IndicatorSnapshot.objects.exists()
