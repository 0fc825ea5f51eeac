"""Changes made by the participation app: importing the careers service's returned feed, and the audit
entry of every feed or survey that leaves Onward."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from onward.accounts.models import Organisation, User
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record
from onward.participation import feed, selectors
from onward.participation.models import CareersReturn
from onward.people.models import YoungPerson

Action = AuditEvent.Action


@transaction.atomic
def careers_return_import(
    *,
    acting_user: User,
    council: Organisation,
    people: QuerySet[YoungPerson],
    month_end: datetime.date,
    name: str,
    content: str,
) -> CareersReturn:
    """Match a feed the careers service sent back against Onward's own feed for the month and keep the
    list of differences. Nothing about a young person changes: the list is for the performance officer
    to settle with the careers service. A file whose header is unreadable is refused whole."""
    try:
        parsed = feed.parse(content)
    except feed.FeedRefused as error:
        raise ValidationError({"upload": str(error)}) from None
    expected = selectors.careers_return_expected(people, month_end)
    matched, discrepancies = feed.compare(expected, parsed)
    result = CareersReturn(
        council=council,
        uploaded_by=acting_user,
        file_name=name[:200],
        month_end=month_end,
        rows=len(parsed.rows) + len(parsed.problems),
        matched=matched,
        discrepancies=discrepancies,
    )
    result.full_clean()
    result.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=council,
        obj=result,
        summary=f"Careers service return for {month_end:%B %Y}: {matched} matched, {len(discrepancies)} to review",
    )
    return result


@transaction.atomic
def feed_exported(*, acting_user: User | None, council: Organisation, month_end: datetime.date, rows: int) -> None:
    """Record that the monthly feed left Onward (before the file is produced)."""
    audit_record(
        actor=acting_user,
        action=Action.EXPORT,
        council=council,
        object_type="people.YoungPerson",
        summary=f"NCCIS feed for {month_end:%B %Y}: {rows} young people",
    )


@transaction.atomic
def survey_exported(*, acting_user: User, council: Organisation, year: int, rows: int) -> None:
    audit_record(
        actor=acting_user,
        action=Action.EXPORT,
        council=council,
        object_type="people.YoungPerson",
        summary=f"Annual Activity Survey {year}: {rows} young people",
    )
