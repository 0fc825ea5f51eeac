"""The cohort register's pages: lists, filters, exports, the young person's page and its forms."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from onward.accounts.permissions import Perm
from onward.audit.models import AuditEvent
from onward.core.markup import record_address
from onward.people import selectors, services
from onward.people.access import PEOPLE_PERMS
from onward.people.categories import birthday
from onward.people.models import EETSpell, YoungPerson
from onward.people.views import OWN_SECTIONS, RECORD_KINDS
from tests.factories import YoungPersonFactory

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def add_care_leaver(tenant, *, name: str, age: int, activity: str, months_in_activity: int = 1, **extra):  # type: ignore[no-untyped-def]
    """A former relevant young person of ``age``, doing ``activity`` for ``months_in_activity``."""
    today = TODAY()
    dob = today.replace(year=today.year - age) - datetime.timedelta(days=20)
    person = YoungPersonFactory(
        council=tenant.council,
        legal_given_name=name,
        date_of_birth=dob,
        team=tenant.team,
        personal_adviser=tenant.users["personal_adviser"],
        **extra,
    )
    adviser = tenant.users["personal_adviser"]
    services.episode_add(
        acting_user=adviser,
        person=person,
        start=birthday(dob, 15),
        end=birthday(dob, 17),
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
        reason_ceased="E13",
    )
    services.eet_record(
        acting_user=adviser,
        person=person,
        activity=activity,
        start=today - datetime.timedelta(days=30 * months_in_activity),
        source="worker",
    )
    return person


def test_the_caseload_filters_by_status_age_and_flags(world, signed_in) -> None:
    """Filters narrow the list: NEET only, age band, SEND."""
    a = world["A"]
    add_care_leaver(a, name="Amara", age=19, activity="neet_seeking")
    add_care_leaver(a, name="Bilal", age=20, activity="apprenticeship", send=True)
    add_care_leaver(a, name="Cerys", age=17, activity="neet_illness")
    client = signed_in(a.users["team_manager"])

    def names(**params: str) -> list[str]:
        response = client.get(reverse("people:caseload"), {"scope": "all", **params})
        assert response.status_code == 200
        return sorted(row.person.legal_given_name for row in response.context["rows"])

    assert names(status="neet") == ["Amara", "Cerys"]
    assert names(status="neet", age_band="19_21") == ["Amara"]
    assert names(status="eet", send="on") == ["Bilal"]
    assert names(q="bil") == ["Bilal"]


def test_the_caseload_is_shown_fifty_at_a_time_with_its_total(world, signed_in) -> None:
    """Each page holds the next 50 in order, the caption the whole list's number; past the end is the last page."""
    a = world["A"]
    for i in range(57):
        add_care_leaver(a, name=f"Paged{i:02d}", age=19, activity="neet_other")
    client = signed_in(a.users["team_manager"])

    def page(number: object, **params: str):  # type: ignore[no-untyped-def]
        response = client.get(reverse("people:caseload"), {"scope": "all", "status": "neet", "page": number, **params})
        assert response.status_code == 200
        return response

    first, second = page(1), page(2)
    listed = [row.person.pk for row in [*first.context["rows"], *second.context["rows"]]]
    whole = list(
        selectors.caseload(
            people=YoungPerson.objects.filter(council=a.council), day=TODAY(), filters={"status": "neet"}
        ).values_list("pk", flat=True)
    )
    assert len(first.context["rows"]) == 50 and listed == whole and len(whole) >= 57
    assert f"{len(whole)} young people" in first.content.decode()
    assert first.context["page"].paginator.num_pages == 2
    assert [r.person.pk for r in page(9999).context["rows"]] == [r.person.pk for r in second.context["rows"]]
    assert page(9999).context["page"].number == 2
    assert [r.person.pk for r in page("abc").context["rows"]] == [r.person.pk for r in first.context["rows"]]
    nobody = page(3, q="nobody-has-this-name")
    assert nobody.context["rows"] == [] and "No young people match these filters." in nobody.content.decode()


def test_a_page_and_its_total_are_the_slice_and_the_count(world) -> None:
    a = world["A"]
    for i in range(7):
        add_care_leaver(a, name=f"Sliced{i}", age=20, activity="neet_other")
    qs = selectors.caseload(people=YoungPerson.objects.filter(council=a.council), day=TODAY(), filters={})
    for offset in (0, 3, 5, qs.count(), qs.count() + 10):
        rows, total = selectors.page_and_total(qs, offset=offset, limit=3)
        assert [r.pk for r in rows] == [r.pk for r in qs[offset : offset + 3]]
        assert total == qs.count()
    assert selectors.page_and_total(qs.none(), offset=0, limit=3) == ([], 0)


def test_a_personal_adviser_sees_only_their_caseload(world, signed_in) -> None:
    """'My caseload' holds the young people allocated to the adviser, and nobody else's."""
    a = world["A"]
    mine = add_care_leaver(a, name="Dara", age=19, activity="further_education")
    other = YoungPersonFactory(council=a.council, legal_given_name="Elin")
    client = signed_in(a.users["personal_adviser"])
    rows = client.get(reverse("people:caseload")).context["rows"]
    assert mine.pk in {row.person.pk for row in rows}
    assert other.pk not in {row.person.pk for row in rows}
    assert client.get(reverse("people:person-detail", kwargs={"pk": other.pk})).status_code == 404


def test_the_neet_cohort_lists_who_is_neet_on_the_date(world, signed_in) -> None:
    """The NEET cohort counts those NEET today; an as-at date before their NEET spell excludes them."""
    a = world["A"]
    person = add_care_leaver(a, name="Femi", age=20, activity="neet_other", months_in_activity=2)
    client = signed_in(a.users["team_manager"])
    response = client.get(reverse("people:neet"))
    assert person.pk in {row.person.pk for row in response.context["rows"]}
    earlier = (TODAY() - datetime.timedelta(days=120)).isoformat()
    response = client.get(reverse("people:neet"), {"as_at": earlier})
    assert person.pk not in {row.person.pk for row in response.context["rows"]}


def test_the_at_risk_list_gives_reasons(world, signed_in) -> None:
    """A young person NEET for 4 months with no contact is listed with both reasons."""
    a = world["A"]
    person = add_care_leaver(a, name="Gwen", age=20, activity="neet_not_ready", months_in_activity=5)
    response = signed_in(a.users["team_manager"]).get(reverse("people:at-risk"))
    flagged = {row.person.pk: row.reasons for row in response.context["rows"]}
    assert any(
        r.startswith("Not in education, employment or training for 4 months, with no referral")
        for r in flagged[person.pk]
    ), flagged
    assert "No contact for 2 months or more" in flagged[person.pk]
    assert "Pathway plan review overdue" in flagged[person.pk]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_hold_the_filtered_list_and_are_audited(file_format, world, signed_in) -> None:
    """The CSV and XLSX downloads hold every row of the filtered list; each download is audited."""
    a = world["A"]
    add_care_leaver(a, name="Hana", age=19, activity="neet_seeking")
    add_care_leaver(a, name="Idris", age=19, activity="higher_education")
    client = signed_in(a.users["team_manager"])
    response = client.get(
        reverse("people:caseload-export", kwargs={"file_format": file_format}), {"scope": "all", "status": "neet"}
    )
    assert response.status_code == 200
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode())))
    else:
        rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Child identifier", "Legal name"]
    assert [r[1].split()[0] for r in rows[1:]] == ["Hana"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert f"as {file_format.upper()}" in event.summary
    assert event.actor == a.users["team_manager"]


def test_viewing_a_young_person_is_audited(world, signed_in) -> None:
    """Every view of a young person's record writes a view entry."""
    a = world["A"]
    signed_in(a.users["personal_adviser"]).get(reverse("people:person-detail", kwargs={"pk": a.person.pk}))
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEW, object_type="people.YoungPerson", object_id=str(a.person.pk)
        ).count()
        == 1
    )


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def test_recording_a_new_activity_through_the_form(world, signed_in) -> None:
    """The EET form records a new spell; the page then shows it as the current activity."""
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    url = reverse("people:record-add", kwargs={"pk": a.person.pk, "kind": "eet"})
    start = TODAY() - datetime.timedelta(days=2)
    data = {
        "activity": "apprenticeship",
        "part_time": "no",
        "provider": "Brightwell Logistics",
        "source": "worker",
        **_date("start", start),
    }
    response = client.post(url, data)
    assert response.status_code == 200  # it ends the current further education: the page asks first
    assert "This will end Further education" in response.content.decode()
    response = client.post(url, {**data, "confirm": response.context["confirm_token"]})
    assert response.status_code == 302
    page = client.get(reverse("people:person-detail", kwargs={"pk": a.person.pk})).content.decode()
    assert "Apprenticeship" in page
    assert EETSpell.objects.get(person=a.person, activity="apprenticeship").start == start


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"start_0": "31", "start_1": "2", "start_2": "2025"}, "Start date must be a real date"),
        ({"start_0": "", "start_1": "2", "start_2": "2025"}, "Start date must include a day"),
        ({}, "Enter the start date"),
        (
            {"start_0": "1", "start_1": "9", "start_2": "2025", "end_0": "1", "end_1": "8", "end_2": "2025"},
            "The end date must be the same as or after the start date",
        ),
        ("overlap", "This overlaps"),
        ({"start_0": "1", "start_1": "1", "start_2": "1990"}, "before the young person&#x27;s date of birth"),
    ],
)
def test_bad_dates_get_a_clear_message_and_change_nothing(dates, message, world, signed_in) -> None:
    """Impossible, missing, backwards and overlapping dates are refused with GOV.UK messages."""
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    before = EETSpell.objects.count()
    if dates == "overlap":  # starts before the open spell of 200 days ago, with no end: overlaps it
        dates = _date("start", TODAY() - datetime.timedelta(days=300))
    response = client.post(
        reverse("people:record-add", kwargs={"pk": a.person.pk, "kind": "eet"}),
        {"activity": "traineeship", "part_time": "no", "source": "worker", **dates},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert message in content
    assert EETSpell.objects.count() == before


def test_the_details_form_refuses_a_stale_save_with_what_changed(world, signed_in) -> None:
    """Someone saved the young person since the form was opened: the save is refused, naming the change."""
    a = world["A"]
    person = a.person
    services.person_update(
        acting_user=a.users["team_manager"], person=person, version=person.version, phone="07700 900456"
    )
    client = signed_in(a.users["personal_adviser"])
    form = {
        "child_id": person.child_id,
        "legal_given_name": person.legal_given_name,
        "legal_family_name": person.legal_family_name,
        "preferred_name": "Sunny",
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "uasc": "no",
        "send": "no",
        "ehcp": "no",
        "is_parent": "no",
        "is_pregnant": "no",
        "lives_out_of_area": "no",
        "version": person.version,
        **_date("date_of_birth", person.date_of_birth),
    }
    response = client.post(reverse("people:person-update", kwargs={"pk": person.pk}), form)
    assert response.status_code == 200
    content = response.content.decode()
    assert "changed phone while you were editing" in content
    person.refresh_from_db()
    assert person.preferred_name != "Sunny"


def test_adding_a_young_person_allocates_them_to_the_adviser(world, signed_in) -> None:
    """A new young person lands on the adding adviser's caseload."""
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    response = client.post(
        reverse("people:person-create"),
        {
            "child_id": "NEW123",
            "legal_given_name": "Kit",
            "legal_family_name": "Morgan",
            "sex": "U",
            "ethnicity": "NOBT",
            "uasc": "no",
            "send": "no",
            "ehcp": "yes",
            "is_parent": "no",
            "is_pregnant": "no",
            "lives_out_of_area": "yes",
            "out_of_area_location": "Harrowfield",
            **_date("date_of_birth", datetime.date(2008, 3, 3)),
        },
    )
    person = YoungPerson.objects.get(child_id="NEW123")
    assert response["Location"] == reverse("people:person-detail", kwargs={"pk": person.pk})
    assert person.personal_adviser == a.users["personal_adviser"]
    duplicate = client.post(
        reverse("people:person-create"),
        {
            "child_id": "new123",
            "legal_given_name": "X",
            "legal_family_name": "Y",
            "sex": "U",
            "ethnicity": "NOBT",
            "uasc": "no",
            "send": "no",
            "ehcp": "no",
            "is_parent": "no",
            "is_pregnant": "no",
            "lives_out_of_area": "no",
            **_date("date_of_birth", datetime.date(2008, 3, 3)),
        },
    )
    assert "A young person with this child identifier already exists" in duplicate.content.decode()


def test_a_support_request_is_recorded_and_assessed(world, signed_in) -> None:
    """A 22-year-old asks for support again; the assessment is recorded against the request."""
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    url = reverse("people:support-request-assess", kwargs={"pk": a.person.pk, "request_pk": a.support.pk})
    response = client.post(
        url, {"outcome": "offered", "assessment": "Wants help into work; PA allocated", **_date("assessed_on", TODAY())}
    )
    assert response.status_code == 302
    assessed = a.person.support_requests.get(superseded_at__isnull=True)
    assert assessed.outcome == "offered"
    assert assessed.corrects == a.support


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_and_record_pages_use_a_fixed_number_of_queries(world, signed_in) -> None:
    """The caseload, NEET and person pages do not make more queries as the cohort or history grows.
    (The person page reads each kind of record the young person has any of once: one contact is
    recorded first, so that more contacts are more of a kind already read.)"""
    a = world["A"]
    client = signed_in(a.users["team_manager"])
    add_care_leaver(a, name="Jo", age=19, activity="neet_seeking")
    adviser = a.users["personal_adviser"]
    services.contact_record(
        acting_user=adviser, person=a.person, date=TODAY() - datetime.timedelta(days=60), method="phone", in_touch="YES"
    )
    caseload_url = reverse("people:caseload") + "?scope=all&status=neet&age_band=19_21"
    person_url = reverse("people:person-detail", kwargs={"pk": a.person.pk})
    few = (_queries(client, caseload_url), _queries(client, reverse("people:neet")), _queries(client, person_url))
    for i in range(12):
        add_care_leaver(a, name=f"Extra{i}", age=19 + i % 3, activity="neet_other")
    for i in range(5):
        services.contact_record(
            acting_user=adviser,
            person=a.person,
            date=TODAY() - datetime.timedelta(days=10 * i),
            method="phone",
            in_touch="YES",
        )
    many = (_queries(client, caseload_url), _queries(client, reverse("people:neet")), _queries(client, person_url))
    assert many == few
    assert few[0] <= 16, few  # a count and the page (``selectors.page_and_total``)
    assert few[2] <= 33, few  # the situation, allocations and pending requests picked from the timeline


def test_the_home_page_counts_the_caseload_neet_and_overdue_plans(world, signed_in) -> None:
    """An adviser's home page counts their young people, those NEET and overdue pathway plans."""
    a = world["A"]
    add_care_leaver(a, name="Lior", age=19, activity="neet_seeking")
    add_care_leaver(a, name="Mina", age=20, activity="apprenticeship")
    summary = signed_in(a.users["personal_adviser"]).get(reverse("core:home")).context["summary"]
    assert summary["scope"] == "mine"
    assert (summary["total"], summary["neet"], summary["plans_overdue"]) == (3, 1, 3)
    adviser = a.users["personal_adviser"]
    services.pathway_review_record(acting_user=adviser, person=a.person, date=TODAY())
    summary = signed_in(adviser).get(reverse("core:home")).context["summary"]
    assert summary["plans_overdue"] == 2
    assert signed_in(a.users["councillor"]).get(reverse("core:home")).context["summary"] is None


def test_a_referral_in_progress_takes_a_long_neet_spell_off_the_at_risk_reasons(world, signed_in) -> None:
    """NEET for months counts as a risk only while no referral is in progress for them."""
    from onward.referrals.models import Referral

    a = world["A"]
    person = add_care_leaver(a, name="Nia", age=20, activity="neet_seeking", months_in_activity=6)
    Referral.objects.create(
        council=a.council, person=person, made_by=a.users["personal_adviser"], needs=["job_search"], triage_due=TODAY()
    )
    response = signed_in(a.users["team_manager"]).get(reverse("people:at-risk"))
    reasons = {row.person.pk: row.reasons for row in response.context["rows"]}.get(person.pk, [])
    assert not any(r.startswith("Not in education, employment or training") for r in reasons)


def test_a_young_persons_history_shows_corrections_and_the_links_to_change_it(world, signed_in) -> None:
    """Each entry of the history: its date, what and details; a corrected record struck through with the
    correction's reason on its replacement; links to correct or end the current spells for those who
    may change the record, and for no one else."""
    a = world["A"]
    adviser = a.users["personal_adviser"]
    person = add_care_leaver(a, name="Tamsin", age=19, activity="neet_seeking", months_in_activity=3)
    first = EETSpell.objects.get(person=person)
    spell = services.eet_correct(acting_user=adviser, spell=first, reason="Started <earlier>", start=first.start - DAY)
    home = services.accommodation_record(
        acting_user=adviser, person=person, start=TODAY() - 5 * DAY, accommodation_type="K", suitability="suitable"
    )
    page = signed_in(adviser).get(reverse("people:person-detail", kwargs={"pk": person.pk})).content.decode()
    rows = page.split('<h2 class="govuk-heading-m">History</h2>')[1].split("<tr ")[2:]
    corrected = next(r for r in rows if "Corrected" in r)
    assert f"{first.start.day} {first.start:%b %Y}" in corrected and "onward-superseded" in corrected
    assert "Correct<" not in corrected
    current = next(r for r in rows if "Correction: Started &lt;earlier&gt;" in r)
    assert f"{spell.start.day} {spell.start:%b %Y}" in current
    assert reverse("people:record-correct", args=[person.pk, "eet", spell.pk]) in current
    assert reverse("people:eet-end", args=[person.pk, spell.pk]) in current and "End with outcome" in current
    housed = next(r for r in rows if reverse("people:record-correct", args=[person.pk, "accommodation", home.pk]) in r)
    assert "eet-end" not in housed and "/end/" not in housed
    viewer = next(u for u in a.users.values() if u.can_any(PEOPLE_PERMS) and not u.can(Perm.CHANGE_PEOPLE))
    seen = signed_in(viewer).get(reverse("people:person-detail", kwargs={"pk": person.pk})).content.decode()
    assert "Correction: Started &lt;earlier&gt;" in seen
    assert reverse("people:record-correct", args=[person.pk, "eet", spell.pk]) not in seen


def test_a_records_address_is_the_one_django_reverses() -> None:
    assert record_address("people:person-detail", 42) == reverse("people:person-detail", args=[42])
    assert record_address("people:record-correct", 7, "eet", 1234) == reverse(
        "people:record-correct", args=[7, "eet", 1234]
    )
    assert record_address("people:record-correct", 7, "accommodation", 9) == reverse(
        "people:record-correct", args=[7, "accommodation", 9]
    )


def test_record_something_else_links_each_kind_the_user_may_record(world, signed_in) -> None:
    """Those who change records are offered every kind without a place of its own on the page; a Virtual
    School officer only the kinds of education; those who only read, none."""
    a = world["A"]

    def offered(role: str) -> set[str]:
        page = signed_in(a.users[role]).get(reverse("people:person-detail", args=[a.person.pk])).content.decode()
        return {
            key for key in RECORD_KINDS if f'href="{record_address("people:record-add", a.person.pk, key)}"' in page
        }

    elsewhere = {"eet", "accommodation", "contact", "pathway-review"}  # linked from their own summary rows
    kinds = set(RECORD_KINDS) - OWN_SECTIONS - elsewhere
    education = {key for key in kinds if RECORD_KINDS[key].education}
    assert education and education < kinds
    assert offered("personal_adviser") >= kinds
    assert offered("virtual_school_officer") & kinds == education
    assert (
        "Record something else"
        not in signed_in(a.users["performance_officer"])
        .get(reverse("people:person-detail", args=[a.person.pk]))
        .content.decode()
    )
