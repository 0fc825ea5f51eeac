"""Every access rule of ``onward.accounts.rules`` holds, through the page and through the policy.

Each rule has a builder below that names, in one shared world, users who must see a record and
users who must not. The world has two councils with two teams each, two partners sharing one
consent, a partner working with the other council only, consent expiring today, expired consent,
withdrawn consent and consent overrides. Partnerships are made through ``PartnerFactory(councils=...)``.

For each case the test checks the page (200 when visible; 403 or 404 when not) and the policy
(the record is, or is not, in the queryset of ``onward.accounts.access``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.accounts.models import Organisation, Team, User
from onward.accounts.rules import ACCESS_RULES
from onward.opportunities import access as opportunity_access
from onward.opportunities.models import Application, Employer, Opportunity
from onward.people import access as people_access
from onward.people.categories import birthday
from onward.people.models import Allocation, CareEpisode, EETSpell, YoungPerson
from onward.people.services import refresh_care_summary
from onward.privacy.models import Restriction
from onward.referrals import access as referral_access
from onward.referrals.models import Consent, Referral, Send, Service
from tests.conftest import sign_in
from tests.factories import CouncilFactory, PartnerFactory, TeamFactory, UserFactory, YoungPersonFactory


@dataclass
class RulesWorld:
    councils: dict[str, Organisation] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    partners: dict[str, Organisation] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    people: dict[str, YoungPerson] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)
    sends: dict[str, Send] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)
    records: dict[str, Any] = field(default_factory=dict)


def build_world() -> RulesWorld:
    w = RulesWorld()
    today = timezone.localdate()
    w.councils = {"A": CouncilFactory(name="Ashby Borough Council"), "B": CouncilFactory(name="Brent Vale Council")}
    a, b = w.councils["A"], w.councils["B"]
    for council_key, council in w.councils.items():
        for n in (1, 2):
            w.teams[f"{council_key}{n}"] = TeamFactory(council=council, name=f"{council.name} team {n}")
    # Partners 1 and 2 share one consent; partner 3 receives under an override; partner 4 works with B only.
    w.partners = {
        "P1": PartnerFactory(name="Ashby College", councils=[a]),
        "P2": PartnerFactory(name="Ashby Careers Hub", kind=Organisation.Kind.CAREERS_SERVICE, councils=[a]),
        "P3": PartnerFactory(name="Ashby Training Trust", kind=Organisation.Kind.TRAINING_PROVIDER, councils=[a]),
        "P4": PartnerFactory(name="Brent Vale College", councils=[b]),
    }
    for key, partner in w.partners.items():
        w.services[key] = Service.objects.create(
            provider=partner,
            name=f"{partner.name} Steps into Work",
            kind=Service.Kind.EMPLOYABILITY,
            area="Citywide",
            active_from=today - datetime.timedelta(days=365),
            needs_met=["job_search"],
        )
        w.users[f"partner_{key}"] = UserFactory(organisation=partner, roles=["partner_provider"])

    def staff(key: str, council: Organisation, role: str, teams: list[Team]) -> None:
        w.users[key] = UserFactory(organisation=council, roles=[role], teams=teams)

    staff("adviser_A1", a, "personal_adviser", [w.teams["A1"]])
    staff("adviser_A2", a, "personal_adviser", [w.teams["A2"]])
    staff("manager_A1", a, "team_manager", [w.teams["A1"]])
    staff("vso_A", a, "virtual_school_officer", [])
    staff("performance_A", a, "performance_officer", [])
    staff("triage_A", a, "triage_coordinator", [])
    staff("councillor_A", a, "councillor", [])
    staff("plan_lead_A", a, "plan_lead", [])
    staff("admin_A", a, "administrator", [])
    staff("adviser_B1", b, "personal_adviser", [w.teams["B1"]])
    staff("performance_B", b, "performance_officer", [])

    def person(key: str, council: Organisation, team: str, adviser: str, *, neet: bool = False) -> YoungPerson:
        # A 19-year-old former relevant care leaver, so a NEET one is in the NEET cohort that monitoring counts.
        dob = today.replace(year=today.year - 19) - datetime.timedelta(days=30)
        found = YoungPersonFactory(
            council=council, team=w.teams[team], personal_adviser=w.users[adviser], date_of_birth=dob
        )
        CareEpisode.objects.create(
            person=found,
            start=birthday(dob, 15),
            end=birthday(dob, 18),
            reason_new_episode="S",
            legal_status="C2",
            placement_type="U4",
            reason_ceased="E17",
        )
        refresh_care_summary(found)
        EETSpell.objects.create(
            person=found,
            activity="neet_other" if neet else "further_education",
            start=today - datetime.timedelta(days=60),
        )
        w.people[key] = found
        return found

    person("A1", a, "A1", "adviser_A1", neet=True)
    person("A2", a, "A2", "adviser_A2")
    person("A2_managed", a, "A2", "adviser_A2")
    person("A1_shared", a, "A1", "adviser_A1")
    person("A2_ended", a, "A2", "adviser_A2")
    person("A2_superseded", a, "A2", "adviser_A2")
    person("B1", b, "B1", "adviser_B1", neet=True)
    person("B2", b, "B2", "adviser_B1", neet=True)
    # Restricted (issue 22): only team managers may still see it.
    Restriction.objects.create(
        council=a,
        person=person("A1_restricted", a, "A1", "adviser_A1"),
        reason="Accuracy contested",
        allowed_roles=Restriction.encode_roles(["team_manager"]),
        restricted_by=w.users["admin_A"],
    )

    def allocate(key: str, worker: str, **ended: object) -> None:
        Allocation.objects.create(
            person=w.people[key],
            role=Allocation.Role.SOCIAL_WORKER,
            worker=w.users[worker],
            start=today - datetime.timedelta(days=100),
            **ended,
        )

    allocate("A2_managed", "manager_A1")
    allocate("A1_shared", "adviser_A2")
    allocate("A2_ended", "adviser_A1", end=today - datetime.timedelta(days=1))
    allocate("A2_superseded", "adviser_A1", superseded_at=timezone.now())

    def referral(
        key: str,
        person_key: str,
        *,
        named: list[str],
        expires: int = 365,
        withdrawn: bool = False,
        shared: tuple[str, ...] = ("needs",),
        status: str = Referral.Status.REFERRED,
    ) -> None:
        found = w.people[person_key]
        w.referrals[key] = Referral.objects.create(
            council=found.council,
            person=found,
            made_by=found.personal_adviser,
            needs=["job_search"],
            status=status,
            triage_due=today + datetime.timedelta(days=7),
        )
        consent = Consent.objects.create(
            referral=w.referrals[key],
            given_by="young_person",
            given_on=today - datetime.timedelta(days=400),
            method="in_person",
            shared_fields=list(shared),
            purpose="To find work",
            expires_on=today + datetime.timedelta(days=expires),
            recorded_by=found.personal_adviser,
            withdrawn_at=timezone.now() if withdrawn else None,
        )
        consent.organisations.add(*(w.partners[p] for p in named))

    def send(key: str, referral_key: str, partner: str, *, override: str = "") -> None:
        w.sends[key] = Send.objects.create(
            referral=w.referrals[referral_key],
            service=w.services[partner],
            sent_by=w.users["triage_A"],
            consent_override_reason=override,
        )

    override = "The young person asked for this by phone; written consent follows"
    referral("shared", "A1", named=["P1", "P2"], shared=("needs", "eet_history"))
    send("shared_to_P1", "shared", "P1")
    referral("override", "A2", named=["P1"])
    send("override_to_P3", "override", "P3", override=override)
    referral("expires_today", "A1_shared", named=["P1"], expires=0)
    send("expires_today_to_P1", "expires_today", "P1")
    referral("expired", "A2_managed", named=["P1"], expires=-1)
    send("expired_to_P1", "expired", "P1")
    referral("withdrawn", "A2_ended", named=["P1", "P3"], withdrawn=True, shared=("needs", "eet_history"))
    send("withdrawn_to_P1", "withdrawn", "P1")
    send("withdrawn_override_to_P3", "withdrawn", "P3", override=override)
    referral("not_named", "A2_superseded", named=["P2"])
    send("not_named_to_P1", "not_named", "P1")
    referral("B", "B1", named=["P1", "P4"])
    send("B_to_P1", "B", "P1")
    send("B_to_P4", "B", "P4")
    # Employers: E1 and E2 work with council A; an employer record in B names E1, which does not work with B.
    w.partners["E1"] = PartnerFactory(name="Ashby Logistics", kind=Organisation.Kind.EMPLOYER, councils=[a])
    w.partners["E2"] = PartnerFactory(name="Ashby Builders", kind=Organisation.Kind.EMPLOYER, councils=[a])
    w.users["employer_E1"] = UserFactory(organisation=w.partners["E1"], roles=["partner_provider"])
    w.users["employer_E1_no_role"] = UserFactory(organisation=w.partners["E1"], roles=[])
    w.users["employer_E2"] = UserFactory(organisation=w.partners["E2"], roles=["partner_provider"])

    def put_forward(key: str, council: Organisation, organisation: str, person_key: str, **consent: object) -> None:
        employer = Employer.objects.create(
            council=council,
            organisation=w.partners[organisation],
            name=f"{w.partners[organisation].name} ({council.name}) for {key}",
            sector="logistics",
            location="Town centre",
            status="engaged",
        )
        opportunity = Opportunity.objects.create(
            council=council,
            employer=employer,
            title="Warehouse apprentice",
            kind="apprenticeship",
            location="Town centre",
            closing_on=today + datetime.timedelta(days=30),
        )
        w.applications[key] = Application.objects.create(
            opportunity=opportunity,
            person=w.people[person_key],
            put_forward_by=w.people[person_key].personal_adviser,
            consent_given_on=today,
            consent_method="in_person",
            **consent,
        )

    put_forward("A1_to_E1", a, "E1", "A1")
    put_forward("A2_to_E2", a, "E2", "A2")
    put_forward("withdrawn_to_E1", a, "E1", "A1_shared", consent_withdrawn_at=timezone.now())
    put_forward("B1_to_E1", b, "E1", "B1")
    add_triage_and_network(w)
    return w


def add_triage_and_network(w: RulesWorld) -> None:
    """Issue 27: a triage agency (T) working with both councils, given the triage power by A only, and a
    second partner (T2) of A without it; referrals waiting for triage in A and B; a school or college
    history, a benefit, a mentor match and a sharing agreement in each council."""
    from onward.accounts.models import Partnership
    from onward.network.models import Agreement, BenefitSpell, Setting, SettingSpell
    from onward.supporters.models import Mentor, MentorMatch

    today = timezone.localdate()
    a, b = w.councils["A"], w.councils["B"]
    w.partners["T"] = PartnerFactory(name="Ashby Triage Hub", kind=Organisation.Kind.CHARITY, councils=[a, b])
    w.partners["T2"] = PartnerFactory(name="Ashby Youth Trust", kind=Organisation.Kind.CHARITY, councils=[a])
    Partnership.objects.filter(council=a, partner=w.partners["T"]).update(can_triage=True)
    w.users["partner_triage_T"] = UserFactory(organisation=w.partners["T"], roles=["partner_triage_coordinator"])
    w.users["partner_triage_T2"] = UserFactory(organisation=w.partners["T2"], roles=["partner_triage_coordinator"])
    for key, person_key in (("waiting_A", "A1"), ("waiting_B", "B1")):
        found = w.people[person_key]
        w.referrals[key] = Referral.objects.create(
            council=found.council,
            person=found,
            made_by=found.personal_adviser,
            needs=["job_search"],
            status=Referral.Status.AWAITING_TRIAGE,
            triage_due=today + datetime.timedelta(days=7),
        )
        Consent.objects.create(
            referral=w.referrals[key],
            given_by="young_person",
            given_on=today,
            method="in_person",
            shared_fields=["needs"],
            purpose="To find work",
            expires_on=today + datetime.timedelta(days=365),
            recorded_by=found.personal_adviser,
        ).organisations.add(w.partners["P1"])
    for key, council in (("A", a), ("B", b)):
        person = w.people[f"{key}1"]
        setting = Setting.objects.create(
            council=council, name=f"{council.name} College", kind="college", urn="100001" if key == "A" else "100002"
        )
        w.records[f"setting_spell_{key}"] = SettingSpell.objects.create(
            person=person, setting=setting, start=today - datetime.timedelta(days=100)
        )
        w.records[f"benefit_{key}"] = BenefitSpell.objects.create(
            person=person, benefit="universal_credit", status="receiving", start=today - datetime.timedelta(days=50)
        )
        w.records[f"agreement_{key}"] = Agreement.objects.create(
            council=council,
            title=f"{council.name} college lists",
            setting=setting,
            purpose="To check who is on roll",
            fields=["child_id", "name"],
            start=today - datetime.timedelta(days=30),
            end=today + datetime.timedelta(days=300),
        )
        mentor = Mentor.objects.create(
            council=council,
            name=f"{council.name} mentor",
            kind=Mentor.Kind.VOLUNTEER,
            dbs_checked_on=today - datetime.timedelta(days=300),
            references_checked_on=today - datetime.timedelta(days=300),
            trained_on=today - datetime.timedelta(days=300),
        )
        w.records[f"match_{key}"] = MentorMatch.objects.create(
            mentor=mentor, person=person, start=today - datetime.timedelta(days=60), recorded_by=person.personal_adviser
        )
        from onward.finance.models import SupportPayment

        w.records[f"payment_{key}"] = SupportPayment.objects.create(
            person=person, kind="he_bursary", amount_pence=50000, date=today, recorded_by=person.personal_adviser
        )


# What a case checks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """``user`` sees (``visible``) or does not see the ``kind`` record named ``record``."""

    user: str
    kind: str  # "person", "referral", "send", "eet_history", "application", "count", or a network or
    # supporters record: "setting_spell", "benefit", "agreement", "mentor_match"; a finance "payment"
    record: str
    visible: bool


def sees(user: str, kind: str, record: str) -> Case:
    return Case(user, kind, record, True)


def hidden(user: str, kind: str, record: str) -> Case:
    return Case(user, kind, record, False)


RULE_CASES: dict[str, Callable[[], list[Case]]] = {
    "council-boundary": lambda: [
        sees("performance_A", "person", "A1"),
        hidden("performance_A", "person", "B1"),
        hidden("vso_A", "person", "B2"),
        sees("performance_B", "person", "B1"),
        hidden("performance_B", "person", "A1"),
        sees("triage_A", "referral", "shared"),
        hidden("triage_A", "referral", "B"),
        hidden("adviser_A1", "referral", "B"),
    ],
    "council-wide-roles": lambda: [
        sees("vso_A", "person", "A2"),
        sees("vso_A", "person", "A1"),
        sees("performance_A", "person", "A2_ended"),
        hidden("vso_A", "person", "B1"),
    ],
    "team-manager": lambda: [
        sees("manager_A1", "person", "A1"),
        sees("manager_A1", "person", "A1_shared"),
        sees("manager_A1", "person", "A2_managed"),
        hidden("manager_A1", "person", "A2"),
        hidden("manager_A1", "person", "A2_ended"),
        hidden("manager_A1", "person", "B1"),
        sees("manager_A1", "referral", "shared"),
        hidden("manager_A1", "referral", "override"),
    ],
    "caseload": lambda: [
        sees("adviser_A1", "person", "A1"),
        sees("adviser_A2", "person", "A1_shared"),
        hidden("adviser_A2", "person", "A1"),
        hidden("adviser_A1", "person", "A2"),
        sees("adviser_A1", "referral", "shared"),
        hidden("adviser_A1", "referral", "override"),
    ],
    "allocation-ended": lambda: [
        sees("adviser_A2", "person", "A2_ended"),
        hidden("adviser_A1", "person", "A2_ended"),
        hidden("adviser_A1", "person", "A2_superseded"),
    ],
    "no-record-roles": lambda: [
        sees("performance_A", "person", "A1"),
        hidden("councillor_A", "person", "A1"),
        hidden("triage_A", "person", "A1"),
        hidden("plan_lead_A", "person", "A1"),
        hidden("admin_A", "person", "A1"),
        hidden("partner_P1", "person", "A1"),
        hidden("councillor_A", "referral", "shared"),
        hidden("partner_P1", "referral", "shared"),
    ],
    "council-referrals": lambda: [
        sees("triage_A", "referral", "override"),
        sees("triage_A", "referral", "withdrawn"),
        sees("adviser_A2", "referral", "override"),
        hidden("adviser_A1", "referral", "override"),
        hidden("plan_lead_A", "referral", "override"),
    ],
    "partner-consent": lambda: [
        sees("partner_P1", "send", "shared_to_P1"),
        hidden("partner_P1", "send", "not_named_to_P1"),
        hidden("partner_P2", "send", "not_named_to_P1"),
    ],
    "partner-consent-expired": lambda: [
        sees("partner_P1", "send", "expires_today_to_P1"),
        hidden("partner_P1", "send", "expired_to_P1"),
    ],
    "partner-consent-withdrawn": lambda: [
        sees("partner_P1", "send", "shared_to_P1"),
        sees("partner_P3", "send", "override_to_P3"),
        hidden("partner_P1", "send", "withdrawn_to_P1"),
        hidden("partner_P3", "send", "withdrawn_override_to_P3"),
    ],
    "partner-own-services": lambda: [
        sees("partner_P1", "send", "shared_to_P1"),
        hidden("partner_P2", "send", "shared_to_P1"),
        hidden("partner_P2", "send", "override_to_P3"),
        hidden("partner_P1", "send", "override_to_P3"),
    ],
    "partner-override": lambda: [
        sees("partner_P3", "send", "override_to_P3"),
        hidden("partner_P3", "send", "withdrawn_override_to_P3"),
    ],
    "partner-council": lambda: [
        sees("partner_P4", "send", "B_to_P4"),
        hidden("partner_P1", "send", "B_to_P1"),
    ],
    "partner-eet-history": lambda: [
        sees("partner_P1", "eet_history", "shared_to_P1"),
        hidden("partner_P2", "eet_history", "shared_to_P1"),
        hidden("partner_P3", "eet_history", "override_to_P3"),
        hidden("partner_P1", "eet_history", "withdrawn_to_P1"),
    ],
    "employer-candidates": lambda: [
        sees("employer_E1", "application", "A1_to_E1"),
        sees("employer_E2", "application", "A2_to_E2"),
        hidden("employer_E1", "application", "A2_to_E2"),
        hidden("employer_E1", "application", "withdrawn_to_E1"),
        hidden("employer_E1", "application", "B1_to_E1"),
        hidden("employer_E1_no_role", "application", "A1_to_E1"),
        hidden("partner_P1", "application", "A1_to_E1"),
    ],
    "aggregate-counts": lambda: [
        sees("performance_A", "count", "A1"),
        sees("triage_A", "count", "A1"),
        hidden("performance_A", "count", "B1"),
        hidden("triage_A", "count", "B2"),
        sees("performance_B", "count", "B1"),
        hidden("performance_B", "count", "A1"),
    ],
    "partner-triage": lambda: [
        sees("partner_triage_T", "referral", "waiting_A"),
        sees("triage_A", "referral", "waiting_A"),
        hidden("partner_triage_T", "referral", "shared"),
        hidden("partner_triage_T", "person", "A1"),
        hidden("partner_P1", "referral", "waiting_A"),
    ],
    "partner-triage-without-power": lambda: [
        sees("partner_triage_T", "referral", "waiting_A"),
        hidden("partner_triage_T", "referral", "waiting_B"),
        hidden("partner_triage_T2", "referral", "waiting_A"),
        hidden("triage_A", "referral", "waiting_B"),
    ],
    "network-histories": lambda: [
        sees("adviser_A1", "setting_spell", "setting_spell_A"),
        sees("vso_A", "setting_spell", "setting_spell_A"),
        sees("adviser_A1", "benefit", "benefit_A"),
        hidden("adviser_A2", "setting_spell", "setting_spell_A"),
        hidden("vso_A", "setting_spell", "setting_spell_B"),
        hidden("performance_A", "benefit", "benefit_B"),
        sees("performance_B", "benefit", "benefit_B"),
    ],
    "network-agreements": lambda: [
        sees("performance_A", "agreement", "agreement_A"),
        sees("admin_A", "agreement", "agreement_A"),
        hidden("performance_A", "agreement", "agreement_B"),
        hidden("adviser_A1", "agreement", "agreement_A"),
        sees("performance_B", "agreement", "agreement_B"),
    ],
    "supporters-records": lambda: [
        sees("adviser_A1", "mentor_match", "match_A"),
        sees("manager_A1", "mentor_match", "match_A"),
        hidden("adviser_A2", "mentor_match", "match_A"),
        hidden("performance_A", "mentor_match", "match_B"),
        sees("performance_B", "mentor_match", "match_B"),
    ],
    "network-supporters-partners": lambda: [
        sees("adviser_A1", "mentor_match", "match_A"),
        hidden("partner_P1", "mentor_match", "match_A"),
        hidden("partner_P1", "setting_spell", "setting_spell_A"),
        hidden("partner_P1", "benefit", "benefit_A"),
        hidden("partner_triage_T", "mentor_match", "match_A"),
        hidden("partner_triage_T", "setting_spell", "setting_spell_A"),
        hidden("councillor_A", "mentor_match", "match_A"),
        hidden("councillor_A", "setting_spell", "setting_spell_A"),
        hidden("councillor_A", "agreement", "agreement_A"),
        hidden("partner_P1", "agreement", "agreement_A"),
    ],
    "financial-support": lambda: [
        sees("adviser_A1", "payment", "payment_A"),
        sees("manager_A1", "payment", "payment_A"),
        hidden("adviser_A2", "payment", "payment_A"),
        hidden("performance_A", "payment", "payment_B"),
        sees("performance_B", "payment", "payment_B"),
    ],
    "financial-support-aggregate": lambda: [
        sees("adviser_A1", "payment", "payment_A"),
        hidden("partner_P1", "payment", "payment_A"),
        hidden("partner_triage_T", "payment", "payment_A"),
        hidden("councillor_A", "payment", "payment_A"),
    ],
    "restricted-record": lambda: [
        sees("manager_A1", "person", "A1_restricted"),
        hidden("adviser_A1", "person", "A1_restricted"),
        hidden("vso_A", "person", "A1_restricted"),
        hidden("performance_A", "person", "A1_restricted"),
        sees("adviser_A1", "person", "A1"),
    ],
}


def page_status(client: Client, case: Case, w: RulesWorld) -> int:
    if case.kind == "person":
        return client.get(reverse("people:person-detail", args=[w.people[case.record].pk])).status_code
    if case.kind == "referral":
        return client.get(reverse("referrals:referral-detail", args=[w.referrals[case.record].pk])).status_code
    if case.kind in ("setting_spell", "benefit"):
        # A young person's school or college and benefit histories are on these pages, for those who see them.
        record = w.records[case.record]
        name = "network:person-settings" if case.kind == "setting_spell" else "network:person-benefits"
        return client.get(reverse(name, args=[record.person_id])).status_code
    if case.kind == "mentor_match":
        return client.get(reverse("supporters:match-detail", args=[w.records[case.record].pk])).status_code
    if case.kind == "payment":
        # A young person's payments are on their financial support page, for those who see them.
        return client.get(reverse("finance:payments", args=[w.records[case.record].person_id])).status_code
    if case.kind == "agreement":
        return client.get(reverse("network:agreement-detail", args=[w.records[case.record].pk])).status_code
    assert case.kind in ("send", "eet_history")
    return client.get(reverse("referrals:received-detail", args=[w.sends[case.record].pk])).status_code


EET_HISTORY_HEADING = "Education, employment and training history"


def policy_allows(user: User, case: Case, w: RulesWorld) -> bool:
    if case.kind == "person":
        return people_access.people_visible_to(user).filter(pk=w.people[case.record].pk).exists()
    if case.kind == "referral":
        return referral_access.referrals_visible_to(user).filter(pk=w.referrals[case.record].pk).exists()
    if case.kind == "count":
        return people_access.people_counted_for(user).filter(pk=w.people[case.record].pk).exists()
    if case.kind == "application":
        return opportunity_access.applications_for_employer(user).filter(pk=w.applications[case.record].pk).exists()
    if case.kind == "eet_history":
        return referral_access.eet_history_shared_with(user, w.sends[case.record]).exists()
    if case.kind == "payment":
        from onward.finance import access as finance_access

        return finance_access.payments_visible_to(user).filter(pk=w.records[case.record].pk).exists()
    if case.kind in ("setting_spell", "benefit", "mentor_match", "agreement"):
        from onward.network import access as network_access
        from onward.supporters import access as supporters_access

        visible = {
            "setting_spell": network_access.setting_spells_visible_to,
            "benefit": network_access.benefit_spells_visible_to,
            "agreement": network_access.agreements_visible_to,
            "mentor_match": supporters_access.matches_visible_to,
        }[case.kind](user)
        return bool(visible.filter(pk=w.records[case.record].pk).exists())
    assert case.kind == "send"
    return referral_access.sends_received_by(user).filter(pk=w.sends[case.record].pk).exists()


def neet_counted_on_monitoring(client: Client, w: RulesWorld, user: User) -> set[str]:
    """The young people the monitoring page's NEET count takes in, found by its total: the page counts
    the NEET young people of ``user``'s council, so its total equals that council's NEET people."""
    response = client.get(reverse("referrals:monitoring"))
    assert response.status_code == 200
    council = user.organisation
    own_neet = {"A": ["A1"], "B": ["B1", "B2"]}["A" if council == w.councils["A"] else "B"]
    # Triage and performance officers see exact counts (councillors' rounding is not theirs).
    assert response.context["neet_total"] == str(len(own_neet)), "the NEET total counts young people of another council"
    return set(own_neet)


@pytest.mark.parametrize("rule", [rule.key for rule in ACCESS_RULES])
def test_access_rule(rule: str, db: None, client: Client) -> None:
    """Each rule: the users who must see a record see it, and those who must not do not, on the page
    and in the access policy."""
    w = build_world()
    cases = RULE_CASES[rule]()
    assert any(c.visible for c in cases) and any(not c.visible for c in cases), "a rule builds both sides"
    for case in cases:
        user = w.users[case.user]
        assert policy_allows(user, case, w) is case.visible, f"policy: {case}"
        sign_in(client, user)
        if case.kind == "count":
            counted = neet_counted_on_monitoring(client, w, user)
            assert (case.record in counted) is case.visible, f"page: {case}"
        elif case.kind == "application":
            response = client.get(reverse("opportunities:candidates"))
            listed = response.status_code == 200 and w.applications[case.record] in response.context["applications"]
            assert response.status_code in (200, 403), f"page: {case} answered {response.status_code}"
            assert listed is case.visible, f"page: {case}"
        elif case.kind == "eet_history":
            response = client.get(reverse("referrals:received-detail", args=[w.sends[case.record].pk]))
            shown = response.status_code == 200 and EET_HISTORY_HEADING in response.content.decode()
            assert response.status_code in (200, 403, 404), f"page: {case} answered {response.status_code}"
            assert shown is case.visible, f"page: {case}"
        else:
            status = page_status(client, case, w)
            if case.visible:
                assert status == 200, f"page: {case} answered {status}"
            else:
                assert status in (403, 404), f"page: {case} answered {status}"
        client.logout()


def test_every_rule_has_cases_and_every_case_a_rule() -> None:
    """The table of rules and the table of tests name the same rules: neither can grow alone."""
    assert set(RULE_CASES) == {rule.key for rule in ACCESS_RULES}
    assert len(ACCESS_RULES) == len({rule.key for rule in ACCESS_RULES})


def test_the_permissions_page_lists_every_rule() -> None:
    """docs/permissions.md is generated with the rules table (a stale page fails tests/test_shell.py)."""
    from onward.accounts.permissions import render_permissions_doc

    text = render_permissions_doc()
    for rule in ACCESS_RULES:
        assert f"| `{rule.key}` | {rule.role} | {rule.record} | {rule.condition} | {rule.visible} |" in text
