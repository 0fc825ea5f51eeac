"""Young people for the network tests: a child in care of a given school year, and a care leaver."""

from __future__ import annotations

import datetime

from django.utils import timezone

from onward.accounts.models import Organisation
from onward.people.categories import birthday
from onward.people.models import CareEpisode, YoungPerson
from onward.people.services import refresh_care_summary
from tests.factories import YoungPersonFactory


def child_in_care(council: Organisation, *, school_year: int = 10, **fields: object) -> YoungPerson:
    """A child looked after now, in ``school_year`` this academic year."""
    today = timezone.localdate()
    year_start = today.year if today.month >= 9 else today.year - 1
    academic_age = school_year + 4
    dob = datetime.date(year_start - academic_age - 1, 12, 1)
    person = YoungPersonFactory(council=council, date_of_birth=dob, **fields)
    CareEpisode.objects.create(
        person=person,
        start=dob + datetime.timedelta(days=365 * 5),
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
    )
    refresh_care_summary(person)
    return person


def care_leaver(council: Organisation, *, age: int = 19, **fields: object) -> YoungPerson:
    """A former relevant care leaver of ``age``."""
    today = timezone.localdate()
    dob = today.replace(year=today.year - age) - datetime.timedelta(days=30)
    person = YoungPersonFactory(council=council, date_of_birth=dob, **fields)
    CareEpisode.objects.create(
        person=person,
        start=birthday(dob, 14),
        end=birthday(dob, 18),
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
        reason_ceased="E17",
    )
    refresh_care_summary(person)
    return person


def not_in_care(council: Organisation, **fields: object) -> YoungPerson:
    return YoungPersonFactory(council=council, **fields)
