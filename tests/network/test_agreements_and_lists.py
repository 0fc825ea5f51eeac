"""Data sharing agreements, and the lists exchanged with settings and Jobcentre Plus: no list leaves
Onward without an agreement in force; a setting's on-roll list is matched against every child in care
and care leaver, previewed, and committed all or nothing."""

from __future__ import annotations

import csv
import datetime
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.accounts.models import Organisation
from onward.audit.models import AuditEvent
from onward.network import services
from onward.network.models import Agreement, BenefitSpell, RollList, Setting, SettingSpell, WorkCoach
from tests.conftest import Tenant
from tests.factories import PartnerFactory
from tests.network.helpers import care_leaver, child_in_care, not_in_care

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _college(tenant: Tenant, name: str = "Leeds City College", ukprn: str = "10012345") -> Setting:
    return services.setting_create(
        acting_user=tenant.users["performance_officer"], council=tenant.council, name=name, kind="college", ukprn=ukprn
    )


def _agreement(tenant: Tenant, **fields: object) -> Agreement:
    values: dict[str, object] = {
        "title": "College on-roll exchange",
        "purpose": "To check every care leaver's place",
        "fields": ["name", "date_of_birth", "status", "on_roll_from"],
        "start": TODAY - 30 * DAY,
        "end": TODAY + 300 * DAY,
    }
    values.update(fields)
    return services.agreement_create(acting_user=tenant.users["performance_officer"], council=tenant.council, **values)


def _on_roll(tenant: Tenant, setting: Setting, *people: object) -> None:
    for person in people:
        services.setting_history_record(
            acting_user=tenant.users["virtual_school_officer"],
            person=person,
            setting=setting,
            start=TODAY - 60 * DAY,  # type: ignore[arg-type]
        )


def _exports() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()


def _rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# No list leaves without an agreement in force -----------------------------------------------------------


def _no_agreement(tenant: Tenant, college: Setting) -> None:
    return None


def _expired(tenant: Tenant, college: Setting) -> None:
    _agreement(tenant, setting=college, start=TODAY - 400 * DAY, end=TODAY - DAY)


def _not_started(tenant: Tenant, college: Setting) -> None:
    _agreement(tenant, setting=college, start=TODAY + DAY, end=TODAY + 300 * DAY)


def _ended_early(tenant: Tenant, college: Setting) -> None:
    agreement = _agreement(tenant, setting=college)
    services.agreement_update(
        acting_user=tenant.users["performance_officer"], agreement=agreement, version=1, ended_on=TODAY - DAY
    )


def _with_another_setting(tenant: Tenant, college: Setting) -> None:
    _agreement(tenant, setting=_college(tenant, "Park Lane College", "10004927"))


def _another_councils(tenant: Tenant, college: Setting) -> None:
    """Council B's agreement with its own college of the same name does not cover council A."""
    return None


@pytest.mark.parametrize(
    "arrange", [_no_agreement, _expired, _not_started, _ended_early, _with_another_setting], ids=lambda f: f.__name__
)
def test_no_list_leaves_for_a_setting_without_an_agreement_in_force(
    world: dict[str, Tenant], signed_in, arrange
) -> None:  # type: ignore[no-untyped-def]
    tenant = world["A"]
    college = _college(tenant)
    _on_roll(tenant, college, care_leaver(tenant.council, age=17))
    arrange(tenant, college)
    before = _exports()
    response = signed_in(tenant.users["performance_officer"]).get(
        reverse("network:setting-send", args=[college.pk]) + "?download=csv"
    )
    assert response["Content-Type"].startswith("text/html")
    assert "no list can be sent" in html.unescape(response.content.decode())
    assert _exports() == before
    with pytest.raises(services.NoAgreement):
        services.setting_list_release(
            acting_user=tenant.users["performance_officer"],
            council=tenant.council,
            people=tenant.council.young_people.all(),
            setting=college,
            day=TODAY,
        )


@pytest.mark.parametrize("arrange", [_no_agreement, _expired, _ended_early], ids=lambda f: f.__name__)
def test_no_list_leaves_for_jobcentre_plus_without_an_agreement_in_force(
    world: dict[str, Tenant], signed_in, arrange
) -> None:  # type: ignore[no-untyped-def]
    tenant = world["A"]
    dwp = PartnerFactory(name="Jobcentre Plus North", kind=Organisation.Kind.DWP, councils=[tenant.council])
    college = _college(tenant)
    if arrange is _expired:
        _agreement(tenant, partner=dwp, start=TODAY - 400 * DAY, end=TODAY - DAY)
    elif arrange is _ended_early:
        agreement = _agreement(tenant, partner=dwp)
        services.agreement_update(
            acting_user=tenant.users["performance_officer"], agreement=agreement, version=1, ended_on=TODAY - DAY
        )
    _agreement(tenant, setting=college)  # an agreement with a college never covers Jobcentre Plus
    before = _exports()
    response = signed_in(tenant.users["performance_officer"]).get(reverse("network:jobcentre-send") + "?download=csv")
    assert response["Content-Type"].startswith("text/html")
    assert "no list can be sent" in html.unescape(response.content.decode())
    assert _exports() == before


def test_every_list_download_of_the_network_refuses_without_an_agreement(world: dict[str, Tenant], signed_in) -> None:
    """Every network page that can answer with a file is refused when the council has no agreement at all."""
    from tests.test_exports import EXPORTS

    tenant = world["A"]
    college = _college(tenant)
    _on_roll(tenant, college, care_leaver(tenant.council, age=17))
    network_exports = [e for e in EXPORTS if e.name.startswith("network:")]
    assert {e.name for e in network_exports} == {"network:setting-send", "network:jobcentre-send"}
    client = signed_in(tenant.users["performance_officer"])
    for export in network_exports:
        url = reverse(export.name, kwargs={"pk": college.pk} if export.name == "network:setting-send" else {})
        response = client.get(f"{url}?{export.query}")
        assert response["Content-Type"].startswith("text/html"), export.name
    assert _exports() == 0


def test_under_an_agreement_the_setting_gets_only_its_young_people_and_only_the_fields_allowed(
    world: dict[str, Tenant], signed_in
) -> None:
    tenant = world["A"]
    college, other = _college(tenant), _college(tenant, "Park Lane College", "10004927")
    ours = care_leaver(tenant.council, age=17, legal_family_name="Ourstudent", upn="A123456789012")
    elsewhere = care_leaver(tenant.council, age=17, legal_family_name="Otherplace")
    never_in_care = not_in_care(tenant.council, legal_family_name="Nevercared")
    _on_roll(tenant, college, ours, never_in_care)
    _on_roll(tenant, other, elsewhere)
    agreement = _agreement(tenant, setting=college, fields=["name", "date_of_birth"])
    response = signed_in(tenant.users["performance_officer"]).get(
        reverse("network:setting-send", args=[college.pk]) + "?download=csv"
    )
    rows = _rows(response)
    assert rows[0] == ["Name", "Date of birth"]
    assert [r[0] for r in rows[1:]] == [ours.legal_name]
    assert "A123456789012" not in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert f"#{agreement.pk}" in event.summary and event.council_id == tenant.council.pk


def test_an_agreement_with_the_partner_organisation_a_setting_is_covers_it(world: dict[str, Tenant]) -> None:
    tenant = world["A"]
    college = _college(tenant)
    services.setting_update(
        acting_user=tenant.users["performance_officer"], setting=college, version=1, organisation=tenant.partner
    )
    _agreement(tenant, partner=tenant.partner)
    agreement, header, _rows = services.setting_list_release(
        acting_user=tenant.users["performance_officer"],
        council=tenant.council,
        people=tenant.council.young_people.all(),
        setting=Setting.objects.get(pk=college.pk),
        day=TODAY,
    )
    assert agreement.partner == tenant.partner and header[0] == "Name"


def test_an_agreement_needs_a_party_fields_and_an_end_after_its_start(world: dict[str, Tenant], signed_in) -> None:
    tenant = world["A"]
    client = signed_in(tenant.users["performance_officer"])
    response = client.post(
        reverse("network:agreement-create"),
        {
            "title": "Lists",
            "purpose": "Checks",
            "start_0": "1",
            "start_1": "4",
            "start_2": "2026",
            "end_0": "1",
            "end_1": "3",
            "end_2": "2026",
        },
    )
    page = html.unescape(response.content.decode())
    assert "Select the partner organisation or the setting" in page
    assert "Select the fields the agreement allows to be shared" in page
    assert "The end date must be the same as or after the start date" in page
    assert not Agreement.objects.exists()
    outsider = PartnerFactory(name="Unlinked College")
    response = client.post(
        reverse("network:agreement-create"),
        {
            "title": "Lists",
            "purpose": "Checks",
            "partner": outsider.pk,
            "shared_fields": ["name"],
            "start_0": "1",
            "start_1": "4",
            "start_2": "2026",
            "end_0": "1",
            "end_1": "3",
            "end_2": "2027",
        },
    )
    assert response.status_code == 200 and not Agreement.objects.exists()


def test_agreements_are_the_councils_own(world: dict[str, Tenant], signed_in) -> None:
    agreement = _agreement(world["A"], setting=_college(world["A"]))
    url = reverse("network:agreement-detail", args=[agreement.pk])
    assert signed_in(world["A"].users["virtual_school_officer"]).get(url).status_code == 200
    assert signed_in(world["B"].users["performance_officer"]).get(url).status_code == 404
    assert signed_in(world["A"].users["personal_adviser"]).get(url).status_code == 403


# A setting's on-roll list ---------------------------------------------------------------------------------


def _upload(client: Client, setting: Setting, text: str, day: datetime.date = TODAY):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("network:roll-upload", args=[setting.pk]),
        {
            "on_date_0": str(day.day),
            "on_date_1": str(day.month),
            "on_date_2": str(day.year),
            "upload": SimpleUploadedFile("on-roll.csv", text.encode()),
        },
    )


def _line(person, upn: bool = False) -> str:  # type: ignore[no-untyped-def]
    return f"{person.upn if upn else ''},{person.legal_given_name},{person.legal_family_name},{person.date_of_birth:%d/%m/%Y}\n"


def test_the_on_roll_list_is_matched_against_every_child_in_care_and_care_leaver_and_the_differences_listed(
    world: dict[str, Tenant], signed_in
) -> None:
    tenant = world["A"]
    college, school = _college(tenant), _college(tenant, "Park Lane College", "10004927")
    here = care_leaver(tenant.council, age=17, legal_family_name="Hereandnow")
    elsewhere = care_leaver(tenant.council, age=18, legal_family_name="Elsewhere", upn="K123456789012")
    nowhere = child_in_care(tenant.council, school_year=12, legal_family_name="Nowhere")
    left = care_leaver(tenant.council, age=17, legal_family_name="Hasleft")
    never_in_care = not_in_care(tenant.council, legal_family_name="Nevercared")
    theirs = care_leaver(world["B"].council, age=17, legal_family_name="Othercouncil")
    _on_roll(tenant, college, here, left)
    _on_roll(tenant, school, elsewhere)
    text = (
        "UPN,Given name,Family name,Date of birth\n"
        + _line(here)
        + "K123456789012,Someone,Different,01/01/2001\n"  # matched by UPN
        + _line(nowhere)
        + _line(never_in_care)
        + _line(theirs)
        + "X,Pupil,Other,02/02/2008\n"
    )
    client = signed_in(tenant.users["performance_officer"])
    response = _upload(client, college, text)
    roll = RollList.objects.get()
    assert response.status_code == 302 and roll.status == RollList.Status.PREVIEWED
    assert {(r["person"], r["recorded"]) for r in roll.matched} == {
        (here.pk, "here"),
        (elsewhere.pk, "elsewhere"),
        (nowhere.pk, "none"),
    }
    assert [r["person"] for r in roll.not_on_roll] == [left.pk]
    assert roll.unmatched == 3  # not in care, another council's, and a pupil Onward does not hold
    assert "Pupil" not in str(roll.matched) + str(roll.problems)  # rows matching nobody are not kept
    page = client.get(reverse("network:roll-detail", args=[roll.pk])).content.decode()
    assert "Park Lane College" in page and elsewhere.display_name in page and left.display_name in page
    assert SettingSpell.objects.filter(person=nowhere).count() == 0  # the preview changed nothing

    client.post(reverse("network:roll-commit", args=[roll.pk]))
    roll.refresh_from_db()
    assert roll.status == RollList.Status.COMMITTED
    for person in (elsewhere, nowhere):
        assert SettingSpell.objects.get(person=person, end__isnull=True).setting == college
    assert SettingSpell.objects.get(person=elsewhere, setting=school).end == TODAY - DAY
    assert AuditEvent.objects.filter(object_type="network.RollList", summary__startswith="Committed").exists()

    # The same list again changes nothing: every young person on it is recorded there now.
    _upload(client, college, text)
    again = RollList.objects.latest("id")
    assert {r["recorded"] for r in again.matched} == {"here"}
    client.post(reverse("network:roll-commit", args=[again.pk]))
    assert SettingSpell.objects.filter(setting=college).count() == 4


def test_a_list_with_bad_rows_reports_every_one_and_cannot_be_committed(world: dict[str, Tenant], signed_in) -> None:
    tenant = world["A"]
    college = _college(tenant)
    person = care_leaver(tenant.council, age=17)
    text = "Given name,Family name,Date of birth\n" + _line(person)[1:] + "Ann,,01/01/2008\nBob,Smith,31/02/2008\n"
    client = signed_in(tenant.users["performance_officer"])
    _upload(client, college, text)
    roll = RollList.objects.get()
    assert roll.status == RollList.Status.REJECTED
    assert [(p["row"], p["column"]) for p in roll.problems] == [(3, "name"), (4, "date of birth")]
    client.post(reverse("network:roll-commit", args=[roll.pk]))
    roll.refresh_from_db()
    assert roll.status == RollList.Status.REJECTED and not SettingSpell.objects.exists()
    # A rejected list can be discarded (the one import flow's discard, with the rejected status allowed).
    page = client.post(reverse("network:roll-discard", args=[roll.pk]), follow=True).content.decode()
    roll.refresh_from_db()
    assert roll.status == RollList.Status.DISCARDED and "The list was discarded" in page


def test_a_committed_list_cannot_be_discarded(world: dict[str, Tenant], signed_in) -> None:
    tenant = world["A"]
    college = _college(tenant)
    person = care_leaver(tenant.council, age=17)
    client = signed_in(tenant.users["performance_officer"])
    _upload(client, college, "Given name,Family name,Date of birth\n" + _line(person)[1:])
    roll = RollList.objects.get()
    client.post(reverse("network:roll-commit", args=[roll.pk]))
    response = client.post(reverse("network:roll-discard", args=[roll.pk]), follow=True)
    roll.refresh_from_db()
    assert roll.status == RollList.Status.COMMITTED
    assert "Only an import that has not been saved can be discarded" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("network:roll-detail", args=[roll.pk])


def test_a_list_without_the_columns_or_not_utf8_is_refused_with_a_message(world: dict[str, Tenant], signed_in) -> None:
    tenant = world["A"]
    college = _college(tenant)
    client = signed_in(tenant.users["performance_officer"])
    response = _upload(client, college, "Name,DOB\nAnn Smith,01/01/2008\n")
    roll = RollList.objects.get()
    assert "The file needs the columns given name, family name, date of birth" in roll.problems[0]["message"]
    assert response.status_code == 302
    response = client.post(
        reverse("network:roll-upload", args=[college.pk]),
        {
            "on_date_0": str(TODAY.day),
            "on_date_1": str(TODAY.month),
            "on_date_2": str(TODAY.year),
            "upload": SimpleUploadedFile("on-roll.csv", "Given name\nÅsa\n".encode("utf-16")),
        },
    )
    assert "must be saved as UTF-8" in response.content.decode()


def test_a_commit_that_no_longer_fits_saves_nothing(world: dict[str, Tenant], signed_in) -> None:
    tenant = world["A"]
    college, school = _college(tenant), _college(tenant, "Park Lane College", "10004927")
    first, second = care_leaver(tenant.council, age=17), care_leaver(tenant.council, age=17)
    client = signed_in(tenant.users["performance_officer"])
    _upload(
        client,
        college,
        "Given name,Family name,Date of birth\n" + _line(first)[1:] + _line(second)[1:],
        TODAY - 10 * DAY,
    )
    roll = RollList.objects.get()
    # Meanwhile the second is recorded at another setting from a later date: the list's start no longer fits.
    services.setting_history_record(
        acting_user=tenant.users["virtual_school_officer"], person=second, setting=school, start=TODAY - 5 * DAY
    )
    response = client.post(reverse("network:roll-commit", args=[roll.pk]), follow=True)
    assert "Nothing was saved" in response.content.decode()
    assert not SettingSpell.objects.filter(setting=college).exists()
    roll.refresh_from_db()
    assert roll.status == RollList.Status.PREVIEWED


def test_another_council_cannot_open_a_list(world: dict[str, Tenant], signed_in) -> None:
    tenant = world["A"]
    college = _college(tenant)
    _upload(signed_in(tenant.users["performance_officer"]), college, "Given name,Family name,Date of birth\n")
    roll = RollList.objects.get()
    assert (
        signed_in(world["B"].users["performance_officer"])
        .get(reverse("network:roll-detail", args=[roll.pk]))
        .status_code
        == 404
    )


# Benefits and Jobcentre Plus ------------------------------------------------------------------------------


def test_a_benefit_status_ends_the_one_before_and_names_the_work_coach(world: dict[str, Tenant], signed_in) -> None:
    tenant = world["A"]
    coach = services.work_coach_create(
        acting_user=tenant.users["performance_officer"],
        council=tenant.council,
        name="Sam Coach",
        jobcentre="Leeds Eastgate",
    )
    person = tenant.person
    assert person is not None
    client = signed_in(tenant.users["personal_adviser"])
    url = reverse("network:person-benefits", args=[person.pk])
    start = TODAY - 40 * DAY
    client.post(
        url,
        {
            "benefit": "universal_credit",
            "status": "applied",
            "start_0": start.day,
            "start_1": start.month,
            "start_2": start.year,
        },
    )
    client.post(
        url,
        {
            "benefit": "universal_credit",
            "status": "receiving",
            "work_coach": coach.pk,
            "start_0": TODAY.day,
            "start_1": TODAY.month,
            "start_2": TODAY.year,
        },
    )
    applied, receiving = BenefitSpell.objects.filter(person=person).order_by("start")
    assert applied.end == TODAY - DAY and receiving.work_coach == coach and receiving.end is None
    assert "Sam Coach" in client.get(url).content.decode()
    # Someone who may not change records is refused; another council's work coach is refused.
    assert signed_in(tenant.users["virtual_school_officer"]).post(url, {}).status_code == 403
    theirs = services.work_coach_create(
        acting_user=world["B"].users["performance_officer"],
        council=world["B"].council,
        name="Their Coach",
        jobcentre="Elsewhere",
    )
    with pytest.raises(Exception, match="work coach"):
        services.benefit_record(
            acting_user=tenant.users["personal_adviser"],
            person=person,
            benefit="esa",
            status="applied",
            start=TODAY,
            work_coach=theirs,
        )


def test_the_jobcentre_plus_list_under_an_agreement_holds_claimants_with_the_fields_allowed(
    world: dict[str, Tenant], signed_in
) -> None:
    tenant = world["A"]
    dwp = PartnerFactory(name="Jobcentre Plus Leeds", kind=Organisation.Kind.DWP, councils=[tenant.council])
    coach = WorkCoach.objects.create(council=tenant.council, name="Sam Coach", jobcentre="Leeds Eastgate")
    claimant = care_leaver(tenant.council, age=20, legal_family_name="Claimant")
    not_claiming = care_leaver(tenant.council, age=20, legal_family_name="Notclaiming")
    adviser = tenant.users["personal_adviser"]
    services.benefit_record(
        acting_user=adviser,
        person=claimant,
        benefit="universal_credit",
        status="receiving",
        start=TODAY - 5 * DAY,
        work_coach=coach,
    )
    services.benefit_record(
        acting_user=adviser, person=not_claiming, benefit="none", status="not_applicable", start=TODAY - 5 * DAY
    )
    _agreement(tenant, partner=dwp, fields=["name", "benefit", "work_coach"])
    response = signed_in(tenant.users["performance_officer"]).get(reverse("network:jobcentre-send") + "?download=csv")
    rows = _rows(response)
    assert rows == [
        ["Name", "Benefit and status", "Work coach"],
        [claimant.legal_name, "Universal Credit: Receiving", "Sam Coach (Leeds Eastgate)"],
    ]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, summary__startswith="List for Jobcentre Plus"
    ).exists()


def test_an_agreement_with_a_partner_lapses_when_the_partnership_ends(world: dict[str, Tenant], signed_in) -> None:
    from onward.accounts.models import Partnership

    tenant = world["A"]
    dwp = PartnerFactory(name="Jobcentre Plus Ended", kind=Organisation.Kind.DWP, councils=[tenant.council])
    _agreement(tenant, partner=dwp)
    client = signed_in(tenant.users["performance_officer"])
    assert client.get(reverse("network:jobcentre-send") + "?download=csv")["Content-Type"].startswith("text/csv")
    Partnership.objects.filter(council=tenant.council, partner=dwp).update(status=Partnership.Status.ENDED)
    response = client.get(reverse("network:jobcentre-send") + "?download=csv")
    assert response["Content-Type"].startswith("text/html")
