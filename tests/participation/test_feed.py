"""The monthly NCCIS feed: its cohort, codes and currency against a brute-force count, and the round trip
through the careers service's return."""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.accounts.models import Organisation
from onward.audit.models import AuditEvent
from onward.core.codelists import NCCISActivity
from onward.participation import feed
from onward.participation.models import CareersReturn
from onward.people.models import Contact, EETSpell, YoungPerson
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COUNCIL = "Feed Test Borough Council"
MONTH = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)  # last month's last day


@pytest.fixture
def generated() -> Organisation:
    call_command("generate_cohort", "--council", COUNCIL, "--size", "500", "--seed", "19")
    return Organisation.objects.get(name=COUNCIL)


def academic_age_by_hand(dob: datetime.date, day: datetime.date) -> int:
    """Age on the 31 August before the academic year of ``day``, counted the long way round."""
    august = datetime.date(day.year if day.month >= 9 else day.year - 1, 8, 31)
    age = 0
    while True:
        try:
            birthday = dob.replace(year=dob.year + age + 1)
        except ValueError:
            birthday = datetime.date(dob.year + age + 1, 3, 1)
        if birthday > august:
            return age
        age += 1


def read_feed(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def export(tmp_path: Path, month: datetime.date = MONTH) -> list[dict[str, str]]:
    out = tmp_path / "feed.csv"
    call_command("export_nccis", "--council", COUNCIL, "--month", f"{month:%Y-%m}", "--out", str(out))
    return read_feed(out)


def test_the_feed_holds_exactly_the_cohort_by_academic_age(generated, tmp_path) -> None:
    """Academic age 16 and 17, and 18 to 24 with an EHC plan, alive on the month's last day: nobody else."""
    rows = export(tmp_path)
    expected: Counter[int] = Counter()
    ids = set()
    for person in YoungPerson.objects.filter(council=generated):
        age = academic_age_by_hand(person.date_of_birth, MONTH)
        if person.died_on and person.died_on <= MONTH:
            continue
        if 16 <= age <= 17 or (person.ehcp and 18 <= age <= 24):
            expected[age] += 1
            ids.add(person.child_id)
    assert expected[16] > 10 and expected[17] > 10, "the generated council must have a real 16-17 cohort"
    assert {row["YoungPersonID"] for row in rows} == ids
    assert Counter(int(row["AcademicAge"]) for row in rows) == expected
    assert all(row["PeriodEnd"] == f"{MONTH:%d/%m/%Y}" for row in rows)


def test_the_header_has_the_careers_service_columns_and_dates_are_dd_mm_yyyy(generated, tmp_path) -> None:
    rows = export(tmp_path)
    for column in [
        "YoungPersonID",
        "DateOfBirth",
        "UPN",
        "ULN",
        "ActivityCode",
        "StartDate",
        "DateAscertained",
        "DueToLapseDate",
        "CurrencyLapsed",
        "LevelOfNeed",
        "SENDFlag",
        "GuaranteeStatus",
        "IntendedDestinationYr11",
    ]:
        assert column in rows[0]
    for row in rows:
        for column in feed.DATE_COLUMNS:
            if row[column]:
                datetime.datetime.strptime(row[column], "%d/%m/%Y")  # noqa: DTZ007


def test_every_code_in_the_feed_is_in_the_official_list(generated, tmp_path) -> None:
    rows = export(tmp_path)
    official = {code.value for code in NCCISActivity}
    assert {row["ActivityCode"] for row in rows} <= official
    assert len({row["ActivityCode"] for row in rows}) > 3


def test_a_lapsed_activity_is_reported_as_not_known(generated, tmp_path) -> None:
    """Lapsed exactly when the lapse date is before the month's end; every lapsed row counts as not known."""
    # Young people nobody has been in touch with since an activity began more than a year ago.
    stale = list(
        EETSpell.objects.filter(person__council=generated, start__lt=MONTH - datetime.timedelta(days=400))
        .filter(EETSpell.covering(MONTH))
        .values_list("person", flat=True)
    )
    Contact.objects.filter(person__in=stale).delete()
    rows = export(tmp_path)
    lapsed = [row for row in rows if row["CurrencyLapsed"] == "Y"]
    assert lapsed, "the generated council should have some lapsed activities"
    assert {row["YoungPersonID"] for row in lapsed} <= set(
        YoungPerson.objects.filter(pk__in=stale).values_list("child_id", flat=True)
    )
    for row in rows:
        due = row["DueToLapseDate"]
        is_past = bool(due) and datetime.datetime.strptime(due, "%d/%m/%Y").date() < MONTH  # noqa: DTZ007
        assert (row["CurrencyLapsed"] == "Y") == is_past
    assert {row["CountedAs"] for row in lapsed} == {"Not known"}
    assert all(row["ActivityCode"] for row in lapsed)


def test_the_command_refuses_an_unknown_council_or_a_bad_month(generated, tmp_path) -> None:
    with pytest.raises(CommandError, match="No council"):
        call_command("export_nccis", "--council", "Nowhere", "--month", "2026-11", "--out", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("export_nccis", "--council", COUNCIL, "--month", "11/2026", "--out", str(tmp_path / "x.csv"))


def test_the_export_is_audited(generated, tmp_path) -> None:
    export(tmp_path)
    assert AuditEvent.objects.filter(council=generated, action="export", summary__startswith="NCCIS feed").exists()


def _upload(client: Client, content: bytes, month: datetime.date = MONTH):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("participation:return-upload"),
        {"month": f"{month:%Y-%m}", "upload": SimpleUploadedFile("return.csv", content, content_type="text/csv")},
    )


def test_the_feed_round_trips_through_the_return_with_no_discrepancies(generated, tmp_path) -> None:
    officer = UserFactory(email="feed-officer@example.org", organisation=generated, roles=["performance_officer"])
    client = Client()
    sign_in(client, officer)
    out = tmp_path / "feed.csv"
    call_command("export_nccis", "--council", COUNCIL, "--month", f"{MONTH:%Y-%m}", "--out", str(out))
    response = _upload(client, out.read_bytes())
    assert response.status_code == 302
    result = CareersReturn.objects.get(council=generated)
    assert result.discrepancies == []
    assert result.matched == result.rows == len(read_feed(out))
    page = client.get(response["Location"])
    assert "agrees with Onward on every young person" in page.content.decode()


def test_a_return_that_differs_lists_each_difference(generated, tmp_path) -> None:
    officer = UserFactory(email="feed-officer2@example.org", organisation=generated, roles=["performance_officer"])
    client = Client()
    sign_in(client, officer)
    rows = export(tmp_path)
    changed, dropped = rows[0], rows[1]
    changed["ActivityCode"] = "830" if changed["ActivityCode"] != "830" else "810"
    kept = [row for row in rows if row is not dropped]
    kept.append({**rows[2], "YoungPersonID": "NOBODY1"})
    kept.append({**rows[3], "DateOfBirth": "31/02/2008", "YoungPersonID": "BADDATE"})
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(kept)
    assert _upload(client, text.getvalue().encode()).status_code == 302
    result = CareersReturn.objects.filter(council=generated).latest("id")
    problems = {(d["id"], d["field"]) for d in result.discrepancies}
    assert problems == {
        (changed["YoungPersonID"], "ActivityCode"),
        (dropped["YoungPersonID"], ""),
        ("NOBODY1", ""),
        ("BADDATE", ""),
    }
    assert result.matched == len(rows) - 1


def test_a_return_without_the_required_columns_is_refused_and_nothing_is_kept(generated) -> None:
    officer = UserFactory(email="feed-officer3@example.org", organisation=generated, roles=["performance_officer"])
    client = Client()
    sign_in(client, officer)
    response = _upload(client, b"Name,Status\nA,B\n")
    assert response.status_code == 200
    assert "missing: YoungPersonID, DateOfBirth, ActivityCode" in response.content.decode()
    assert not CareersReturn.objects.filter(uploaded_by=officer).exists()
