"""What the API sends and accepts (pydantic through django-ninja); the OpenAPI document is made from these."""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, model_validator

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_only(value: Any) -> Any:
    """A date must be written YYYY-MM-DD: pydantic would otherwise read a number as a Unix time."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError("Enter a date written like 2026-11-30")
    return datetime.date.fromisoformat(value)


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_only)]


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("Text may not hold a NUL character")
    if isinstance(value, dict):
        for item in value.values():
            _no_nul(item)
    if isinstance(value, list):
        for item in value:
            _no_nul(item)
    return value


class In(Schema):
    """Base of every request body: strict types (a number is not a date, a string not a flag) and no
    NUL characters anywhere (no text Onward keeps may hold one)."""

    model_config = ConfigDict(strict=True)

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul(cls, data: Any) -> Any:
        return _no_nul(data)


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: dict[str, list[str]] | None = None


class MeOut(Schema):
    token: str
    scope: str
    expires_at: datetime.datetime
    rate_per_minute: int
    user: str
    organisation: str
    permissions: list[str]


class EETOut(Schema):
    id: int
    activity: str
    activity_label: str
    part_time: bool
    provider: str
    hours_per_week: int | None
    start: datetime.date
    end: datetime.date | None
    source: str


class AccommodationOut(Schema):
    id: int
    accommodation_type: str
    accommodation_label: str
    suitability: str
    start: datetime.date
    end: datetime.date | None


class ContactOut(Schema):
    id: int
    date: datetime.date
    method: str
    in_touch: str
    note: str


class StatusOut(Schema):
    as_at: datetime.date
    category: str
    category_label: str
    eet_activity: str | None
    accommodation_type: str | None
    in_touch: str | None


class PersonSummaryOut(Schema):
    id: int
    child_id: str
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: datetime.date
    status: StatusOut


class HistoryVersions(Schema):
    eet: int
    accommodation: int
    contacts: int


class PersonOut(PersonSummaryOut):
    versions: HistoryVersions
    eet_history: list[EETOut]
    accommodation_history: list[AccommodationOut]
    contacts: list[ContactOut]


class PeoplePage(Schema):
    items: list[PersonSummaryOut]
    next_cursor: str | None


class EETIn(In):
    activity: str = Field(max_length=30)
    start: IsoDate
    end: IsoDate | None = None
    part_time: bool = False
    provider: str = Field(default="", max_length=200)
    hours_per_week: int | None = Field(default=None, ge=0, le=168)


class EETCorrectionIn(EETIn):
    reason: str = Field(min_length=1, max_length=500)


class AccommodationIn(In):
    accommodation_type: str = Field(max_length=1)
    suitability: str = Field(max_length=12)
    start: IsoDate
    end: IsoDate | None = None
    address: str = Field(default="", max_length=300)


class AccommodationCorrectionIn(AccommodationIn):
    reason: str = Field(min_length=1, max_length=500)


class ContactIn(In):
    date: IsoDate
    method: str = Field(max_length=20)
    in_touch: str = Field(max_length=4)
    note: str = Field(default="", max_length=5000)


class RecordOut(Schema):
    """A record written: its id and the new version of that history (send it in the next If-Match)."""

    id: int
    version: int


class EventOut(Schema):
    at: datetime.datetime
    from_status: str
    to_status: str
    note: str


class ReceivedOut(Schema):
    """A referral as the partner organisation receiving it sees it: only the fields consent shares."""

    id: int
    version: int
    status: str
    service: str
    received_at: datetime.datetime
    first_contact_on: datetime.date | None
    started_on: datetime.date | None
    ended_on: datetime.date | None
    person_name: str
    shared_fields: list[str]
    contact: dict[str, str] | None
    needs: dict[str, Any] | None
    support_needs: dict[str, bool] | None


class ReceivedDetailOut(ReceivedOut):
    eet_history: list[EETOut] | None
    events: list[EventOut]
    allowed_next: list[str]


class ReceivedPage(Schema):
    items: list[ReceivedOut]
    next_cursor: str | None


class ReferralOut(Schema):
    id: int
    person_id: int
    status: str
    priority: str
    needs: list[str]
    made_at: datetime.datetime
    triage_due: datetime.date
    sends: list[dict[str, Any]]


class ReferralPage(Schema):
    items: list[ReferralOut]
    next_cursor: str | None


class DeclineIn(In):
    reason: str = Field(min_length=1, max_length=500)


class NoteIn(In):
    note: str = Field(min_length=1, max_length=5000)


class OutcomeIn(In):
    status: str = Field(max_length=20, description="in_contact, started, completed, left_early or moved_on")
    day: IsoDate
    note: str = Field(default="", max_length=500)


class OpportunityOut(Schema):
    id: int
    title: str
    kind: str
    employer: str
    location: str
    starts_on: datetime.date | None
    closing_on: datetime.date | None
    places: int
    min_age: int
    max_age: int
    care_experienced_only: bool
    guaranteed_interview: bool


class OpportunityPage(Schema):
    items: list[OpportunityOut]
    next_cursor: str | None


class ApplicationOut(Schema):
    id: int
    version: int
    opportunity_id: int
    opportunity: str
    person_name: str
    status: str
    interview_on: datetime.date | None
    offer_on: datetime.date | None
    started_on: datetime.date | None
    ended_on: datetime.date | None


class ApplicationStatusIn(In):
    status: str = Field(max_length=20, description="Where the application goes next (see allowed_next)")
    day: IsoDate | None = None
    reason: str = Field(default="", max_length=500)


class ApplicationPage(Schema):
    items: list[ApplicationOut]
    next_cursor: str | None


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    as_at: datetime.date
    shown: str | None = Field(
        description="The published figure (rounded, small numbers suppressed); null if nothing to count"
    )


class IndicatorList(Schema):
    items: list[IndicatorOut]


class SSDA903JobIn(In):
    year: int = Field(ge=2000, le=2100, description="The collection year: 2026 is 1 April 2025 to 31 March 2026")


class NCCISJobIn(In):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="The month, like 2026-11")


class ExportJobOut(Schema):
    id: int
    kind: str
    parameter: str
    status: str
    file_name: str
    failure: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
