"""Bad input gets a clear GOV.UK message and changes nothing: never a server error.

Each test here is a defect seen in the running product (a 500 where a message belonged).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.opportunities.models import EmployerContact
from onward.people.models import EETSpell, YoungPerson
from onward.performance.models import BenchmarkSet
from onward.returns.models import ImportRun

HEADER_CSV = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nN1,1,01/10/2005,WBRI,,,\n"


def test_an_ssda903_file_in_utf16_without_a_bom_is_refused_with_a_message(world, signed_in) -> None:
    """UTF-16 with no byte order mark decodes as 'UTF-8' full of NUL bytes: it is refused, not stored."""
    client = signed_in(world["A"].users["performance_officer"])
    before = ImportRun.objects.count()
    upload = SimpleUploadedFile("header.csv", HEADER_CSV.encode("utf-16-le"), content_type="text/csv")
    response = client.post(reverse("returns:import-upload"), {"year": 2025, "uploads": [upload]})
    assert response.status_code == 200
    assert "header.csv must be saved as UTF-8" in response.content.decode()
    assert ImportRun.objects.count() == before


def test_an_ssda903_file_with_a_nul_byte_is_refused_with_a_message(world, signed_in) -> None:
    client = signed_in(world["A"].users["performance_officer"])
    before = ImportRun.objects.count()
    upload = SimpleUploadedFile("header.csv", HEADER_CSV.replace("N1", "N\x001").encode(), content_type="text/csv")
    response = client.post(reverse("returns:import-upload"), {"year": 2025, "uploads": [upload]})
    assert response.status_code == 200
    assert "header.csv must be saved as UTF-8" in response.content.decode()
    assert ImportRun.objects.count() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.csv", "Child ID,Activity,Start\nX1,FE,01/01/2025\n".encode("utf-16-le"), "must be saved as UTF-8"),
        ("report.csv", b"Child ID,Activity,Start\nX\x001,FE,01/01/2025\n", "must be saved as UTF-8"),
        ("report.xlsx", b"\x00\x01binary, not a spreadsheet" * 40, "could not be read as an XLSX file"),
        ("report.xlsx", b"", "The selected file is empty"),
    ],
)
def test_an_unreadable_case_system_file_is_refused_on_the_form(world, signed_in, name, content, message) -> None:
    """A file that cannot be read is refused with a message on the form; no import run is made."""
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    before = ImportRun.objects.count()
    response = client.post(
        reverse("returns:case-upload"), {"mapping": a.mapping.pk, "upload": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportRun.objects.count() == before


@pytest.mark.parametrize(
    "content",
    [
        "council,indicator\n".encode("utf-16-le"),
        b"council,indicator,year\x00\n",
    ],
)
def test_a_benchmark_file_in_utf16_or_with_nul_bytes_is_refused(world, signed_in, content) -> None:
    client = signed_in(world["A"].users["performance_officer"])
    before = BenchmarkSet.objects.count()
    response = client.post(reverse("performance:benchmark-upload"), {"upload": SimpleUploadedFile("sn.csv", content)})
    assert response.status_code == 200
    assert "must be saved as UTF-8" in response.content.decode()
    assert BenchmarkSet.objects.count() == before


def test_a_binary_file_named_xlsx_is_refused_by_the_plan_import(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    items = a.plan.items.count()
    response = client.post(
        reverse("plans:import-into", kwargs={"pk": a.plan.pk}),
        {"upload": SimpleUploadedFile("plan.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 500)},
    )
    assert response.status_code == 200
    assert "could not be read as an XLSX file" in response.content.decode()
    assert a.plan.items.count() == items


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_name", "A" * 300, "Name must be 200 characters or fewer"),
        ("contact_phone", "0" * 40, "Phone number must be 30 characters or fewer"),
        ("contact_email", "not an email", "Enter an email address in the correct format"),
        ("contact_name", "", "Enter the contact&#x27;s name"),
    ],
)
def test_a_bad_employer_contact_is_refused_on_the_form(world, signed_in, field, value, message) -> None:
    """Contact fields are checked by a form: too long or malformed gives a message and adds nothing."""
    a = world["A"]
    client = signed_in(a.users["employer_engagement_worker"])
    before = EmployerContact.objects.count()
    data = {"contact": "1", "contact_name": "Sam Patel", "contact_role": "HR", "contact_email": "", "contact_phone": ""}
    data[field] = value
    response = client.post(reverse("opportunities:employer-detail", kwargs={"pk": a.employer.pk}), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert EmployerContact.objects.count() == before


def test_an_employer_contact_is_added_through_a_service_and_audited(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["employer_engagement_worker"])
    response = client.post(
        reverse("opportunities:employer-detail", kwargs={"pk": a.employer.pk}),
        {"contact": "1", "contact_name": "Sam Patel", "contact_role": "HR", "contact_email": "sam@depot.example"},
    )
    assert response.status_code == 302
    contact = EmployerContact.objects.get(employer=a.employer)
    assert contact.email == "sam@depot.example"
    event = AuditEvent.objects.filter(object_type="opportunities.EmployerContact", object_id=str(contact.pk)).get()
    assert event.action == AuditEvent.Action.CREATE


def test_a_nul_byte_in_the_query_string_gets_a_400_page(world, signed_in) -> None:
    """?q=%00 on the user list (a NUL PostgreSQL cannot take) is answered with a GOV.UK 400 page."""
    client = signed_in(world["A"].users["administrator"])
    response = client.get(reverse("accounts:user-list") + "?q=%00")
    assert response.status_code == 400
    assert "There is a problem with what was sent" in response.content.decode()


def test_a_nul_byte_in_a_posted_form_gets_a_400_page_and_changes_nothing(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["employer_engagement_worker"])
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("opportunities:employer-detail", kwargs={"pk": a.employer.pk}),
        {"contact": "1", "contact_name": "Sam\x00Patel"},
    )
    assert response.status_code == 400
    assert "There is a problem with what was sent" in response.content.decode()
    assert AuditEvent.objects.count() == before
    assert not EmployerContact.objects.exists()


@pytest.mark.parametrize("name", ["people:caseload", "people:neet", "people:at-risk"])
@pytest.mark.parametrize("as_at", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_an_as_at_date_out_of_range_gets_a_message(world, signed_in, name, as_at) -> None:
    """A date far in the past or future in ?as_at= shows today's list with a message, not a crash."""
    client = signed_in(world["A"].users["team_manager"])
    response = client.get(reverse(name) + f"?as_at={as_at}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The date must be between 1 January 1900 and" in page


def person_form(**overrides: str) -> dict[str, str]:
    return {
        "child_id": "BAD1",
        "legal_given_name": "Alex",
        "legal_family_name": "Jones",
        "date_of_birth_0": "31",
        "date_of_birth_1": "12",
        "date_of_birth_2": "2006",
        "sex": "M",
        "ethnicity": "WBRI",
        "uasc": "no",
        "send": "no",
        "ehcp": "no",
        "is_parent": "no",
        "is_pregnant": "no",
        "lives_out_of_area": "no",
        **overrides,
    }


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "12", "9999", "Date of birth must be today or in the past"),
        ("1", "1", "1850", "Date of birth must be the same as or after 1 January 1900"),
    ],
)
def test_a_date_of_birth_out_of_range_is_refused(world, signed_in, day, month, year, message) -> None:
    client = signed_in(world["A"].users["personal_adviser"])
    response = client.post(
        reverse("people:person-create"),
        person_form(date_of_birth_0=day, date_of_birth_1=month, date_of_birth_2=year),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not YoungPerson.objects.filter(child_id="BAD1").exists()


def test_a_young_persons_page_opens_even_with_a_date_of_birth_far_in_the_future(world, signed_in) -> None:
    """A record stored before the range check (or through another door) must not break its page."""
    a = world["A"]
    YoungPerson.objects.filter(pk=a.person.pk).update(date_of_birth=datetime.date(9999, 12, 31))
    client = signed_in(a.users["personal_adviser"])
    assert client.get(reverse("people:person-detail", kwargs={"pk": a.person.pk})).status_code == 200
    assert client.get(reverse("people:caseload")).status_code == 200


def test_an_activity_starting_far_ahead_is_refused(world, signed_in) -> None:
    """An EET start date more than the allowed window ahead is refused with the latest date allowed."""
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    start = timezone.localdate() + datetime.timedelta(days=400)
    before = EETSpell.objects.filter(person=a.person).count()
    response = client.post(
        reverse("people:record-add", kwargs={"pk": a.person.pk, "kind": "eet"}),
        {
            "activity": "further_education",
            "part_time": "no",
            "source": "worker",
            "start_0": start.day,
            "start_1": start.month,
            "start_2": start.year,
        },
    )
    assert response.status_code == 200
    assert "Start date must be on or before" in response.content.decode()
    assert EETSpell.objects.filter(person=a.person).count() == before


def test_a_record_identifier_too_large_for_the_database_is_refused_as_an_unknown_choice(world, signed_in) -> None:
    """A choice of organisation given as 99999999999999999999 is an unknown choice, not a database overflow."""
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    before = AuditEvent.objects.exclude(action__in=[AuditEvent.Action.VIEW, AuditEvent.Action.LIST]).count()
    response = client.post(
        reverse("referrals:referral-create", kwargs={"person_pk": a.person.pk}),
        {"organisations": ["99999999999999999999", "-99999999999999999999"], "needs": ["job_search"]},
    )
    assert response.status_code == 200
    assert AuditEvent.objects.exclude(action__in=[AuditEvent.Action.VIEW, AuditEvent.Action.LIST]).count() == before


def test_a_very_long_search_on_the_user_list_gets_a_message(world, signed_in) -> None:
    """A search longer than SQLite's LIKE pattern limit is refused with a message, not a 500."""
    client = signed_in(world["A"].users["administrator"])
    response = client.get(reverse("accounts:user-list") + "?q=" + "y" * 60_000)
    assert response.status_code == 200
    assert "Search must be 200 characters or fewer" in response.content.decode()


def test_a_section_or_lead_too_large_for_the_database_is_refused_on_the_plan_item_form(world, signed_in) -> None:
    """Choices of record and whole numbers sent as 99999999999999999999 get a form error, not a database overflow."""
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    item = a.plan_item
    response = client.post(
        reverse("plans:item-update", kwargs={"pk": item.pk}),
        {
            "reference": "1.1",
            "text": "Changed",
            "kind": "action",
            "section": "99999999999999999999",
            "leads": ["99999999999999999999"],
            "version": "99999999999999999999",
        },
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.text == "Run a Year 11 careers guidance review"
