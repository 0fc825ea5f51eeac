"""The common referral: consent governs every view; triage; the lifecycle; outcomes reach the register."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onward.people.models import EETSpell
from onward.referrals import access as referral_access
from onward.referrals import services
from onward.referrals.models import Referral, Send, Service
from tests.factories import PartnerFactory, UserFactory

TODAY = timezone.localdate


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def make_referral(tenant, organisations=None, shared=("needs",)):  # type: ignore[no-untyped-def]
    return services.referral_create(
        acting_user=tenant.users["personal_adviser"],
        person=tenant.person,
        needs=["job_search", "cv"],
        preferences="Warehouse work",
        barriers="Travel",
        availability="Weekdays",
        priority="normal",
        consent={
            "given_by": "young_person",
            "given_on": TODAY(),
            "method": "in_person",
            "organisations": organisations if organisations is not None else [tenant.partner],
            "shared_fields": list(shared),
            "purpose": "Find work",
            "expires_on": TODAY() + datetime.timedelta(days=200),
        },
    )


def test_an_adviser_makes_a_referral_with_consent_through_the_form(
    world, signed_in, django_capture_on_commit_callbacks
) -> None:
    """The form records needs and consent; triage is due in 5 working days; triage is told by email."""
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:referral-create", kwargs={"person_pk": a.person.pk}),
            {
                "needs": ["cv", "job_search"],
                "priority": "high",
                "given_by": "young_person",
                "method": "in_person",
                "organisations": [a.partner.pk],
                "shared_fields": ["needs"],
                "purpose": "Find work",
                **_date("given_on", TODAY()),
                **_date("expires_on", TODAY() + datetime.timedelta(days=365)),
            },
        )
    referral = Referral.objects.filter(person=a.person).latest("pk")
    assert response["Location"] == reverse("referrals:referral-detail", kwargs={"pk": referral.pk})
    assert referral.status == Referral.Status.AWAITING_TRIAGE
    assert referral.triage_due == services.working_days_after(TODAY(), 5)
    assert list(referral.consent.organisations.all()) == [a.partner]
    assert a.users["triage_coordinator"].email in [m.to[0] for m in mail.outbox]


def test_a_referral_without_consent_details_is_refused(world, signed_in) -> None:
    a = world["A"]
    content = (
        signed_in(a.users["personal_adviser"])
        .post(reverse("referrals:referral-create", kwargs={"person_pk": a.person.pk}), {"priority": "normal"})
        .content.decode()
    )
    for message in (
        "Select at least one need",
        "Select who gave consent",
        "Select how consent was given",
        "Select the organisations the young person agreed may receive the referral",
    ):
        assert message in content


def test_working_days_skip_weekends() -> None:
    assert services.working_days_after(datetime.date(2026, 11, 20), 5) == datetime.date(
        2026, 11, 27
    )  # Friday to Friday


def test_a_partner_sees_a_referral_only_while_consent_covers_it(world, signed_in) -> None:
    """No consent for the organisation: not in its list, 404 on the page; withdrawal removes access at once."""
    a = world["A"]
    other = PartnerFactory(name="Harbour Careers", kind="careers_service", councils=[a.council])
    other_user = UserFactory(organisation=other, roles=["partner_provider"])
    other_service = Service.objects.create(
        provider=other, name="Careers guidance", kind="cv_interview", area="City", active_from=TODAY()
    )
    referral = make_referral(a, organisations=[a.partner])
    triage = a.users["triage_coordinator"]
    services.referral_triage(
        acting_user=triage, referral=referral, decision="refer", services=[a.service], version=referral.version
    )
    send = referral.sends.get()
    partner = a.users["partner_provider"]
    assert send in referral_access.sends_received_by(partner)
    assert send not in referral_access.sends_received_by(other_user)
    assert signed_in(other_user).get(reverse("referrals:received-detail", kwargs={"pk": send.pk})).status_code == 404
    with pytest.raises(ValidationError, match="has not agreed that Harbour Careers"):
        services.referral_triage(
            acting_user=triage, referral=make_referral(a), decision="refer", services=[other_service], version=1
        )
    services.consent_withdraw(acting_user=a.users["personal_adviser"], referral=referral, reason="Told me by phone")
    assert send not in referral_access.sends_received_by(partner)
    assert signed_in(partner).get(reverse("referrals:received-detail", kwargs={"pk": send.pk})).status_code == 404
    send.refresh_from_db()
    assert send.status == Send.Status.WITHDRAWN


def test_a_partner_sees_only_the_fields_consent_allows(world, signed_in) -> None:
    a = world["A"]
    a.person.phone = "07700 900999"
    a.person.save()
    referral = make_referral(a, shared=("needs",))
    services.referral_triage(
        acting_user=a.users["triage_coordinator"],
        referral=referral,
        decision="refer",
        services=[a.service],
        version=referral.version,
    )
    page = (
        signed_in(a.users["partner_provider"])
        .get(reverse("referrals:received-detail", kwargs={"pk": referral.sends.get().pk}))
        .content.decode()
    )
    assert "Warehouse work" in page
    assert "07700 900999" not in page


def test_an_override_needs_the_permission_and_a_reason(world) -> None:
    """Without covering consent only a holder of the override permission may send, with a reason (audited)."""
    a = world["A"]
    referral = make_referral(a, organisations=[a.partner])
    elsewhere = PartnerFactory(name="Hillside Charity", kind="charity", councils=[a.council])
    service = Service.objects.create(
        provider=elsewhere, name="Mentoring", kind="mentoring", area="City", active_from=TODAY()
    )
    triage = a.users["triage_coordinator"]
    with pytest.raises(ValidationError, match="has not agreed"):
        services.referral_triage(
            acting_user=triage, referral=referral, decision="refer", services=[service], version=referral.version
        )
    lead = UserFactory(organisation=a.council, roles=["triage_coordinator"])
    from onward.accounts import permissions

    role = permissions.ROLES_BY_KEY["triage_coordinator"]
    boosted = permissions.Role(
        role.key, role.name, role.summary, role.permissions | {permissions.Perm.OVERRIDE_CONSENT}
    )
    original = permissions.ROLES_BY_KEY["triage_coordinator"]
    permissions.ROLES_BY_KEY["triage_coordinator"] = boosted  # a council that grants the override to its triage lead
    try:
        lead = type(lead).objects.get(pk=lead.pk)
        with pytest.raises(ValidationError, match="Enter why the referral goes to Hillside Charity"):
            services.referral_triage(
                acting_user=lead, referral=referral, decision="refer", services=[service], version=referral.version
            )
        services.referral_triage(
            acting_user=lead,
            referral=referral,
            decision="refer",
            services=[service],
            override_reason="Risk of harm: urgent support",
            version=referral.version,
        )
    finally:
        permissions.ROLES_BY_KEY["triage_coordinator"] = original
    send = referral.sends.get()
    assert send.consent_override_reason == "Risk of harm: urgent support"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["accepted", "in_contact", "started", "completed"], True),
        (["accepted", "started", "left_early"], True),
        (["declined"], True),
        (["started"], False),
        (["accepted", "completed"], False),
        (["declined", "accepted"], False),
    ],
)
def test_every_valid_and_invalid_step_of_the_lifecycle(path, allowed, world) -> None:
    a = world["A"]
    send = a.send
    partner = a.users["partner_provider"]
    day = TODAY() - datetime.timedelta(days=10)
    try:
        for step in path:
            send = services.send_update(
                acting_user=partner,
                send=send,
                to_status=step,
                version=send.version,
                day=day,
                reason="Not suitable" if step == "declined" else "",
            )
    except ValidationError as error:
        assert not allowed, error
        assert "cannot become" in str(error)
    else:
        assert allowed
        assert send.status == path[-1]
        assert list(a.referral.events.values_list("to_status", flat=True))[-len(path) :] == path


def test_a_start_reaches_the_eet_history_once_the_adviser_confirms(world, signed_in) -> None:
    a = world["A"]
    partner = a.users["partner_provider"]
    started = TODAY() - datetime.timedelta(days=3)
    send = services.send_update(acting_user=partner, send=a.send, to_status="accepted", version=a.send.version)
    send = services.send_update(acting_user=partner, send=send, to_status="started", version=send.version, day=started)
    assert not EETSpell.objects.filter(person=a.person, start=started).exists()
    signed_in(a.users["personal_adviser"]).post(
        reverse("referrals:referral-detail", kwargs={"pk": a.referral.pk}),
        {"confirm": "1", "send": send.pk, "activity": "re_engagement"},
    )
    spell = EETSpell.objects.get(person=a.person, start=started)
    assert (spell.activity, spell.source, spell.provider) == ("re_engagement", "partner", a.partner.name)


def test_onward_referral_keeps_the_chain(world) -> None:
    a = world["A"]
    second = Service.objects.create(
        provider=a.partner, name="Forklift training", kind="traineeship", area="City", active_from=TODAY()
    )
    onward = services.send_onward(
        acting_user=a.users["partner_provider"], send=a.send, service=second, version=a.send.version, end_current=True
    )
    a.send.refresh_from_db()
    assert onward.previous == a.send
    assert a.send.status == Send.Status.MOVED_ON


def test_triage_asks_for_more_information_or_declines_with_a_reason(world, signed_in) -> None:
    a = world["A"]
    referral = make_referral(a)
    client = signed_in(a.users["triage_coordinator"])
    url = reverse("referrals:referral-detail", kwargs={"pk": referral.pk})
    content = client.post(
        url, {"decision": "decline", "priority": "normal", "version": referral.version}
    ).content.decode()
    assert "Enter the reason for declining the referral" in content
    client.post(
        url,
        {
            "decision": "more_info",
            "note": "Which days can they travel?",
            "priority": "high",
            "version": referral.version,
        },
    )
    referral.refresh_from_db()
    assert (referral.status, referral.priority) == (Referral.Status.MORE_INFO, "high")
    queue = client.get(reverse("referrals:triage-queue")).content.decode()
    assert escape(referral.person.display_name) in queue  # a name may hold an apostrophe


def test_monitoring_counts_each_service_and_the_neet_cohort(world, signed_in) -> None:
    """Referred, accepted, started and sustained at 3 months per service; feedback shown per service."""
    a = world["A"]
    partner = a.users["partner_provider"]
    send = services.send_update(acting_user=partner, send=a.send, to_status="accepted", version=a.send.version)
    services.send_update(
        acting_user=partner,
        send=send,
        to_status="started",
        version=send.version,
        day=TODAY() - datetime.timedelta(days=100),
    )
    services.feedback_record(
        acting_user=a.users["personal_adviser"],
        person=a.person,
        service=a.service,
        rating=4,
        comment="Helpful staff",
        given_on=TODAY(),
    )
    response = signed_in(a.users["triage_coordinator"]).get(reverse("referrals:monitoring"))
    (row,) = [f for f in response.context["rows"] if f.service == a.service]
    assert (row.referred, row.accepted, row.started, row.sustained_3_months) == ("1", "1", "1", "1")
    assert row.feedback == "4.0 out of 5 (1)"
    assert "Helpful staff" in response.content.decode()


def test_feedback_must_be_about_a_service_they_were_referred_to(world) -> None:
    a = world["A"]
    other = Service.objects.create(provider=a.partner, name="Other", kind="mentoring", area="City", active_from=TODAY())
    with pytest.raises(ValidationError, match="referred to"):
        services.feedback_record(
            acting_user=a.users["personal_adviser"],
            person=a.person,
            service=other,
            rating=3,
            comment="",
            given_on=TODAY(),
        )


def test_home_pages_list_each_users_tasks(world, signed_in) -> None:
    a = world["A"]
    make_referral(a)
    triage_tasks = signed_in(a.users["triage_coordinator"]).get(reverse("core:home")).context["tasks"]
    assert any("waiting for triage" in t.text for t in triage_tasks)
    partner_tasks = signed_in(a.users["partner_provider"]).get(reverse("core:home")).context["tasks"]
    assert any("new referral to accept or decline" in t.text for t in partner_tasks)


def test_overdue_triage_is_emailed_to_triage_coordinators(world) -> None:
    from django.core.management import call_command

    a = world["A"]
    referral = make_referral(a)
    Referral.objects.filter(pk=referral.pk).update(triage_due=TODAY() - datetime.timedelta(days=1))
    mail.outbox.clear()
    call_command("notify_overdue_triage")
    assert [m.to for m in mail.outbox] == [[a.users["triage_coordinator"].email]]


def test_young_people_living_elsewhere_are_offered_services_where_they_live_first(world) -> None:
    from onward.referrals.selectors import suggested_services

    a = world["A"]
    a.person.lives_out_of_area = True
    a.person.out_of_area_location = "Harrowfield"
    a.person.save()
    far = Service.objects.create(
        provider=a.partner,
        name="Aardvark Jobs Club",
        kind="employability",
        area="Wexbridge",
        active_from=TODAY(),
        needs_met=["job_search", "cv"],
    )
    near = Service.objects.create(
        provider=a.partner,
        name="Zebra Work Club",
        kind="employability",
        area="Harrowfield town centre",
        active_from=TODAY(),
    )
    referral = make_referral(a)
    ranked = suggested_services(Service.objects.all(), referral, TODAY())
    assert ranked.index(near) < ranked.index(far)


def test_a_partner_downloads_its_list_and_matches_its_own(world, signed_in) -> None:
    """The partner's list holds only consented young people; its own list is matched, the rest shown for review."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onward.audit.models import AuditEvent

    a = world["A"]
    client = signed_in(a.users["partner_provider"])
    download = client.get(reverse("referrals:partner-list"), {"download": "csv"}).content.decode()
    assert a.person.display_name in download
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="referrals.Send").exists()
    person = a.person
    text = f"name,date of birth,status\n{person.legal_name},{person.date_of_birth:%d/%m/%Y},on roll\nSam Nobody,01/01/2004,left\n{person.legal_name},1/1/99,left\n"
    response = client.post(reverse("referrals:partner-list"), {"upload": SimpleUploadedFile("roll.csv", text.encode())})
    result = response.context["result"]
    assert [row["name"] for row in result.matched] == [person.legal_name]
    assert [row["reason"] for row in result.unmatched] == [
        "No young person referred to you has this name and date of birth",
        "The date of birth is not in the form dd/mm/yyyy",
    ]


def _partner_serving_both(world):  # type: ignore[no-untyped-def]
    """Council A's partner also works with council B and receives B's referral, with consent."""
    from onward.accounts.models import Partnership

    a, b = world["A"], world["B"]
    Partnership.objects.create(council=b.council, partner=a.partner, status=Partnership.Status.ACCEPTED)
    b.service.provider = a.partner
    b.service.save()
    b.referral.consent.organisations.set([a.partner])
    return a, b


def test_a_partner_serving_two_councils_says_which_council_its_list_answers(world, signed_in) -> None:
    """With referrals from two councils, the partner picks the council; only its young people match, in its trail."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onward.audit.models import AuditEvent
    from onward.referrals.models import PartnerListReturn

    a, b = _partner_serving_both(world)
    client = signed_in(a.users["partner_provider"])
    client.get(reverse("referrals:partner-list"), {"download": "csv"})
    assert set(
        AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="referrals.Send").values_list(
            "council", flat=True
        )
    ) == {a.council.pk, b.council.pk}

    both = (
        "name,date of birth,status\n"
        f"{a.person.legal_name},{a.person.date_of_birth:%d/%m/%Y},on roll\n"
        f"{b.person.legal_name},{b.person.date_of_birth:%d/%m/%Y},left\n"
    )
    unsaid = client.post(reverse("referrals:partner-list"), {"upload": SimpleUploadedFile("roll.csv", both.encode())})
    assert "Select the council whose referrals this list answers" in unsaid.content.decode()
    assert not PartnerListReturn.objects.exists()

    response = client.post(
        reverse("referrals:partner-list"),
        {"council": b.council.pk, "upload": SimpleUploadedFile("roll.csv", both.encode())},
    )
    result = response.context["result"]
    assert result.council == b.council
    assert [row["name"] for row in result.matched] == [b.person.legal_name]
    assert [row["name"] for row in result.unmatched] == [a.person.legal_name]


def test_the_demo_directory_has_at_least_20_services_from_8_partners(db) -> None:
    """load_demo's directory: 20 or more services from 8 or more partners, loaded once."""
    from django.core.management import call_command

    call_command("load_demo", "--quiet")
    from onward.accounts.models import Organisation
    from onward.referrals.demo import load_referrals_demo

    council = Organisation.objects.get(name="Wexbridge City Council")
    load_referrals_demo(council)
    count = Service.objects.count()
    load_referrals_demo(council)
    assert Service.objects.count() == count >= 20
    assert Service.objects.values("provider").distinct().count() >= 8
    # Step Forward Trust triages the council's referrals too: its triager sees those waiting, and only those.
    from onward.accounts.models import User
    from onward.referrals import access as referral_access
    from onward.referrals.demo import PARTNER_TRIAGE_EMAIL

    queue = referral_access.referrals_visible_to(User.objects.get(email=PARTNER_TRIAGE_EMAIL))
    waiting = Referral.objects.filter(council=council, status__in=["awaiting_triage", "more_info"])
    assert set(queue) == set(waiting) and waiting.exists()


@pytest.mark.parametrize("start", list(Send.Status.values))
def test_every_transition_from_each_state_is_allowed_exactly_when_the_lifecycle_says(start, world) -> None:
    """From each state, each target is refused unless the lifecycle allows it; allowed ones succeed."""
    a = world["A"]
    for target in Send.Status.values:
        send = Send.objects.create(
            referral=a.referral,
            service=a.service,
            sent_by=a.users["triage_coordinator"],
            status=start,
            started_on=TODAY() - datetime.timedelta(days=30) if start == "started" else None,
        )
        allowed = target in services.TRANSITIONS.get(start, set())
        try:
            services.send_update(
                acting_user=a.users["partner_provider"],
                send=send,
                to_status=target,
                version=send.version,
                day=TODAY(),
                reason="A reason",
            )
        except ValidationError as error:
            assert not allowed, (start, target, error)
        else:
            assert allowed, (start, target)
            send.refresh_from_db()
            assert send.status == target


def test_a_partner_adds_a_progress_note_kept_in_the_history(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["partner_provider"])
    url = reverse("referrals:received-detail", kwargs={"pk": a.send.pk})
    assert "Enter the progress note" in client.post(url, {"progress_note": "1", "note": ""}).content.decode()
    client.post(url, {"progress_note": "1", "note": "Came to the taster session"})
    assert a.referral.events.filter(send=a.send, note="Came to the taster session").exists()
    a.send.refresh_from_db()
    assert a.send.status == Send.Status.SENT


def test_the_council_sees_what_a_partners_latest_list_says(world, signed_in) -> None:
    """On the referral, the partner's latest list says on roll, then not on it; monitoring counts each partner's latest list."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = world["A"]
    person = a.person
    partner = signed_in(a.users["partner_provider"])
    on_roll = f"name,date of birth,status\n{person.legal_name},{person.date_of_birth:%d/%m/%Y},on roll\nSam Nobody,01/01/2004,left\n"
    partner.post(reverse("referrals:partner-list"), {"upload": SimpleUploadedFile("roll.csv", on_roll.encode())})
    staff = signed_in(a.users["team_manager"])
    page = staff.get(reverse("referrals:referral-detail", args=[a.referral.pk])).content.decode()
    today = timezone.localdate()
    assert f"On roll, says {a.partner.name}&#x27;s list of {today.day} {today:%b %Y}" in page
    monitoring = staff.get(reverse("referrals:monitoring")).content.decode()
    assert "Lists sent back by partners" in monitoring
    assert re.search(rf"{re.escape(a.partner.name)}</td>.*?>1</td>.*?>0</td>.*?>1</td>", monitoring, re.S)

    without = "name,date of birth,status\nSam Nobody,01/01/2004,left\n"
    partner = signed_in(a.users["partner_provider"])  # one test client: sign in again as each user
    partner.post(reverse("referrals:partner-list"), {"upload": SimpleUploadedFile("roll.csv", without.encode())})
    staff = signed_in(a.users["team_manager"])
    page = staff.get(reverse("referrals:referral-detail", args=[a.referral.pk])).content.decode()
    assert f"Not on {a.partner.name}&#x27;s list of" in page
    assert "On roll, says" not in page


def test_a_partners_list_for_one_council_says_nothing_on_anothers_referrals(world, signed_in) -> None:
    """A partner serving two councils sends its list to one: the other council's referral and monitoring show nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    a, b = _partner_serving_both(world)
    partner = signed_in(a.users["partner_provider"])
    text = f"name,date of birth,status\n{a.person.legal_name},{a.person.date_of_birth:%d/%m/%Y},on roll\n"
    partner.post(
        reverse("referrals:partner-list"),
        {"council": a.council.pk, "upload": SimpleUploadedFile("roll.csv", text.encode())},
    )
    assert (
        "On roll, says"
        in signed_in(a.users["team_manager"])
        .get(reverse("referrals:referral-detail", args=[a.referral.pk]))
        .content.decode()
    )
    other = signed_in(b.users["team_manager"])
    assert "says" not in other.get(reverse("referrals:referral-detail", args=[b.referral.pk])).content.decode()
    assert "Lists sent back by partners" not in other.get(reverse("referrals:monitoring")).content.decode()
