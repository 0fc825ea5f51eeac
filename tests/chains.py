"""A check that every dated record's ``next_date`` is what the history says, worked out in plain Python."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from typing import Any

from onward.people.models import PEP, Contact, PathwayPlanReview


def expected_next_dates(model: type[Any]) -> dict[int, datetime.date | None]:
    """Each current record's id and the date of its young person's next current record (date, then id)."""
    by_person: dict[int, list[Any]] = defaultdict(list)
    for record in model.objects.filter(superseded_at__isnull=True).order_by("date", "id"):
        by_person[record.person_id].append(record)
    expected: dict[int, datetime.date | None] = {}
    for records in by_person.values():
        for record, following in itertools.zip_longest(records, records[1:]):
            expected[record.pk] = following.date if following is not None else None
    return expected


def assert_chained(*models: type[Any]) -> None:
    for model in models or (Contact, PathwayPlanReview, PEP):
        found = dict(model.objects.filter(superseded_at__isnull=True).values_list("id", "next_date"))
        assert found == expected_next_dates(model), model.__name__
