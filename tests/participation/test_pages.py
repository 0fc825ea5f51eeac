"""The participation pages: the cohort overview, the list of activities to chase, the September Guarantee
tracking list and report, and the Annual Activity Survey."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from onward.audit.models import AuditEvent
from onward.core.codelists import InTouch
from onward.people.models import Contact, EETSpell, IntendedDestination
from tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 15)


def person(tenant, dob: datetime.date, **extra):  # type: ignore[no-untyped-def]
    return YoungPersonFactory(
        council=tenant.council,
        date_of_birth=dob,
        personal_adviser=tenant.users["personal_adviser"],
        team=tenant.team,
        **extra,
    )


@pytest.fixture
def cohort(world):  # type: ignore[no-untyped-def]
    """In council A on 15 November 2026: a lapsed NEET record, one lapsing on 25 November, a current one,
    a child in care with nothing recorded, and a 15-year-old outside the cohort."""
    tenant = world["A"]
    lapsed = person(tenant, datetime.date(2009, 10, 1), legal_family_name="Ashdown")  # academic age 17
    EETSpell.objects.create(person=lapsed, activity="neet_seeking", start=DAY - datetime.timedelta(days=200))
    lapsing = person(tenant, datetime.date(2010, 3, 1), legal_family_name="Birchley")  # 16
    EETSpell.objects.create(person=lapsing, activity="apprenticeship", start=DAY - datetime.timedelta(days=300))
    Contact.objects.create(
        person=lapsing, date=DAY - datetime.timedelta(days=173), method="phone", in_touch=InTouch.YES
    )
    current = person(tenant, datetime.date(2010, 1, 1), legal_family_name="Carrow")
    EETSpell.objects.create(person=current, activity="further_education", start=DAY - datetime.timedelta(days=60))
    in_care = person(tenant, datetime.date(2009, 12, 1), looked_after_now=True, legal_family_name="Dunmore")
    younger = person(tenant, datetime.date(2011, 1, 1), legal_family_name="Elstow")
    other_council = person(world["B"], datetime.date(2009, 10, 1), legal_family_name="Farleigh")
    EETSpell.objects.create(person=other_council, activity="neet_seeking", start=DAY - datetime.timedelta(days=200))
    return {
        "lapsed": lapsed,
        "lapsing": lapsing,
        "current": current,
        "in_care": in_care,
        "younger": younger,
        "other": other_council,
    }


def test_the_overview_counts_the_cohort_by_academic_age_with_lapsed_as_not_known(world, cohort, signed_in) -> None:
    client = signed_in(world["A"].users["performance_officer"])
    page = client.get(reverse("participation:overview"), {"as_at": DAY.isoformat()}).content.decode()
    assert 'In the cohort</dt><dd class="govuk-summary-list__value">4<' in page
    # Participating: the apprenticeship (still current) and further education, of 4.
    assert "2 of 4 (50%)" in page
    # NEET or not known: the lapsed NEET record and the child in care with nothing recorded.
    assert 'Activity lapsed (counted as not known)</dt><dd class="govuk-summary-list__value">1 ' in page


def test_an_adviser_sees_the_records_to_chase_before_the_month_ends(world, cohort, signed_in) -> None:
    client = signed_in(world["A"].users["personal_adviser"])
    response = client.get(reverse("participation:lapsing"), {"as_at": DAY.isoformat()})
    page = response.content.decode()
    assert cohort["lapsed"].legal_family_name in page and "Lapsed" in page
    assert cohort["lapsing"].legal_family_name in page
    assert cohort["current"].legal_family_name not in page
    assert cohort["other"].legal_family_name not in page
    assert page.index(cohort["lapsed"].legal_family_name) < page.index(cohort["lapsing"].legal_family_name)
    assert AuditEvent.objects.filter(action="list", summary__startswith="Activities lapsing by 30/11/2026").exists()


def test_a_contact_in_touch_renews_the_activity(world, cohort, signed_in) -> None:
    Contact.objects.create(person=cohort["lapsed"], date=DAY, method="in_person", in_touch=InTouch.YES)
    client = signed_in(world["A"].users["personal_adviser"])
    page = client.get(reverse("participation:lapsing"), {"as_at": DAY.isoformat()}).content.decode()
    assert cohort["lapsed"].legal_family_name not in page


@pytest.fixture
def guarantee(world):  # type: ignore[no-untyped-def]
    """Round 2026 in council A: a Year 11 with an offer, a Year 11 with none, a Year 12 not recorded, and a
    Year 12 for whom an offer is not appropriate."""
    tenant = world["A"]
    offered = person(tenant, datetime.date(2010, 5, 1), sex="F", legal_family_name="Gorsley")
    IntendedDestination.objects.create(
        person=offered,
        date=datetime.date(2026, 3, 1),
        school_year=11,
        destination="further_education",
        september_guarantee="offered",
        offer_provider="Northgate College",
    )
    no_offer = person(tenant, datetime.date(2010, 2, 1), sex="M", legal_family_name="Hatherop")
    IntendedDestination.objects.create(
        person=no_offer,
        date=datetime.date(2026, 4, 1),
        school_year=11,
        destination="apprenticeship",
        september_guarantee="no_offer",
    )
    not_recorded = person(tenant, datetime.date(2009, 6, 1), sex="M", send=True, legal_family_name="Ilmer")
    not_appropriate = person(tenant, datetime.date(2009, 7, 1), sex="F", legal_family_name="Jevington")
    IntendedDestination.objects.create(
        person=not_appropriate,
        date=datetime.date(2026, 5, 1),
        school_year=12,
        destination="not_known",
        september_guarantee="not_applicable",
    )
    return {"offered": offered, "no_offer": no_offer, "not_recorded": not_recorded, "na": not_appropriate}


def test_the_tracking_list_shows_each_status_with_provider_and_date(world, guarantee, signed_in) -> None:
    client = signed_in(world["A"].users["virtual_school_officer"])
    page = client.get(reverse("participation:guarantee"), {"as_at": "2026-07-15"}).content.decode()
    assert "September Guarantee 2026" in page and "tracked until 30 September" in page
    for key in guarantee:
        assert guarantee[key].legal_family_name in page
    assert "Northgate College" in page and "1 Mar 2026" in page
    assert "230 Full-time education - further education" in page
    for label in ("Offer made (1)", "No offer (1)", "Offer not appropriate (1)", "Not recorded (1)"):
        assert label in page
    only = client.get(reverse("participation:guarantee"), {"as_at": "2026-07-15", "status": "not_recorded"})
    text = only.content.decode()
    assert guarantee["not_recorded"].legal_family_name in text
    assert guarantee["offered"].legal_family_name not in text


def test_the_report_counts_status_by_characteristic(world, guarantee, signed_in) -> None:
    client = signed_in(world["A"].users["performance_officer"])
    page = client.get(reverse("participation:guarantee-report"), {"as_at": "2026-07-15"}).content.decode()
    year11 = page[page.index("Year 11</caption>") : page.index("Year 12</caption>")]
    assert "Female" in year11
    female = year11[year11.index(">Female<") :].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in female.split("</td>")[:-1]]
    assert cells == ["1", "0", "0", "0", "1", "100%"]
    year12 = page[page.index("Year 12</caption>") :]
    send = year12[year12.index(">SEND or EHC plan<") :].split("</tr>")[0]
    assert [c.split(">")[-1] for c in send.split("</td>")[:-1]] == ["0", "0", "0", "1", "1", "0%"]
    assert guarantee["offered"].legal_family_name not in page


def test_the_annual_activity_survey_holds_last_summers_year_11_leavers_on_1_november(world, signed_in) -> None:
    tenant = world["A"]
    leaver = person(tenant, datetime.date(2010, 3, 1), child_id="LEAVER1")
    EETSpell.objects.create(person=leaver, activity="apprenticeship", start=datetime.date(2026, 9, 15))
    ended = person(tenant, datetime.date(2009, 12, 1), child_id="LEAVER2")
    EETSpell.objects.create(
        person=ended, activity="further_education", start=datetime.date(2026, 9, 1), end=datetime.date(2026, 10, 31)
    )
    person(tenant, datetime.date(2009, 8, 1), child_id="OLDER1")
    client = signed_in(tenant.users["performance_officer"])
    response = client.get(reverse("participation:survey"), {"year": "2026"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_id = {row["YoungPersonID"]: row for row in rows}
    assert set(by_id) == {"LEAVER1", "LEAVER2"}
    assert by_id["LEAVER1"]["ActivityCode"] == "310" and by_id["LEAVER1"]["SurveyDate"] == "01/11/2026"
    assert by_id["LEAVER2"]["ActivityCode"] == "810"
    assert AuditEvent.objects.filter(action="export", summary__startswith="Annual Activity Survey 2026").exists()


def test_bad_months_and_years_get_a_message(world, signed_in) -> None:
    client = signed_in(world["A"].users["performance_officer"])
    page = client.get(reverse("participation:feed"), {"month": "2026-13"}).content.decode()
    assert "There is a problem" in page and "Enter a real month" in page
    page = client.get(reverse("participation:survey"), {"year": "twenty"}).content.decode()
    assert "Enter the year as a number" in page


def test_the_feed_page_guards_hostile_text(world, signed_in) -> None:
    tenant = world["A"]
    person(tenant, datetime.date(2010, 3, 1), child_id="=HYPERLINK(1)", upn="+1+1")
    client = signed_in(tenant.users["performance_officer"])
    response = client.get(reverse("participation:feed"), {"month": "2026-11"})
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "'+1+1" in text


def test_the_pages_and_the_feed_take_as_many_queries_for_many_young_people_as_for_few(world, signed_in) -> None:
    """Activities, contacts and destinations are read in one query each, whatever the cohort's size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tenant = world["A"]
    client = signed_in(tenant.users["performance_officer"])

    def add(count: int) -> None:
        for _ in range(count):
            young = person(tenant, datetime.date(2010, 3, 1))
            EETSpell.objects.create(person=young, activity="apprenticeship", start=DAY - datetime.timedelta(days=300))
            Contact.objects.create(person=young, date=DAY - datetime.timedelta(days=3), method="phone", in_touch="YES")
            IntendedDestination.objects.create(
                person=young,
                date=datetime.date(2026, 3, 1),
                school_year=11,
                destination="apprenticeship",
                september_guarantee="offered",
            )

    pages = [
        (reverse("participation:overview"), {"as_at": DAY.isoformat()}),
        (reverse("participation:lapsing"), {"as_at": DAY.isoformat()}),
        (reverse("participation:guarantee"), {"as_at": "2026-07-15"}),
        (reverse("participation:feed"), {"month": "2026-11"}),
    ]
    add(2)
    small = []
    for url, query in pages:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, query).status_code == 200
        small.append(len(captured))
    add(12)
    for (url, query), before in zip(pages, small, strict=True):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, query).status_code == 200
        assert len(captured) == before, url
