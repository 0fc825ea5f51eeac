"""Demo data for the common referral: a directory of services from eight partners, and some referrals.

Idempotent; every name is invented. Called by ``load_demo``.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from onward.accounts.demo import demo_partner
from onward.accounts.models import Organisation, User
from onward.core.models import touched
from onward.people.models import YoungPerson
from onward.referrals import access as referral_access
from onward.referrals import services
from onward.referrals.models import Consent, Referral, Send, Service

EXTRA_PARTNERS = [
    ("Riverside Youth Foundation", Organisation.Kind.CHARITY),
    ("Harrowfield Adult Learning", Organisation.Kind.TRAINING_PROVIDER),
]
# (provider, service name, kind, needs met, area, ages, SEND suitable, care leavers only, wait days)
SERVICES = [
    (
        "Wexbridge College",
        "Entry to Work Skills (Level 1)",
        "college_course",
        ["college_training", "confidence"],
        "Wexbridge city centre",
        (16, 24),
        True,
        False,
        14,
    ),
    (
        "Wexbridge College",
        "Construction Foundation Course",
        "college_course",
        ["college_training"],
        "Wexbridge east campus",
        (16, 21),
        False,
        False,
        21,
    ),
    (
        "Wexbridge College",
        "Access to Higher Education Diploma",
        "he_access",
        ["college_training"],
        "Wexbridge city centre",
        (19, 25),
        True,
        False,
        30,
    ),
    (
        "Wexbridge College",
        "Care leavers' study support",
        "mentoring",
        ["confidence", "wellbeing"],
        "Wexbridge city centre",
        (16, 25),
        True,
        True,
        5,
    ),
    (
        "Wexbridge Careers Service",
        "One-to-one careers guidance",
        "cv_interview",
        ["cv", "job_search"],
        "Citywide",
        (16, 25),
        True,
        False,
        7,
    ),
    (
        "Wexbridge Careers Service",
        "Next Steps NEET support",
        "re_engagement",
        ["confidence", "job_search"],
        "Citywide",
        (16, 19),
        True,
        False,
        10,
    ),
    (
        "Wexbridge Careers Service",
        "CV and interview clinic",
        "cv_interview",
        ["cv"],
        "Wexbridge library",
        (16, 25),
        True,
        False,
        3,
    ),
    (
        "Jobcentre Plus Wexbridge",
        "Youth Employability Coach",
        "employability",
        ["job_search", "cv"],
        "Wexbridge Jobcentre",
        (18, 24),
        True,
        False,
        7,
    ),
    (
        "Jobcentre Plus Wexbridge",
        "Sector-based work academy: logistics",
        "employability",
        ["job_search"],
        "Wexbridge Jobcentre",
        (18, 25),
        False,
        False,
        14,
    ),
    ("Jobcentre Plus Wexbridge", "Benefits and money check", "money_advice", [], "Citywide", (16, 25), True, False, 3),
    (
        "Step Forward Trust",
        "Confidence to Work programme",
        "wellbeing",
        ["confidence", "wellbeing"],
        "Northside community hub",
        (16, 25),
        True,
        False,
        14,
    ),
    (
        "Step Forward Trust",
        "Peer mentoring for care leavers",
        "mentoring",
        ["confidence", "risk_taking"],
        "Citywide",
        (16, 25),
        True,
        True,
        21,
    ),
    (
        "Step Forward Trust",
        "Volunteering taster days",
        "volunteering",
        ["confidence"],
        "Citywide",
        (16, 25),
        True,
        False,
        7,
    ),
    (
        "Northgate Training",
        "Traineeship: retail and customer service",
        "traineeship",
        ["traineeship", "job_search"],
        "Northgate",
        (16, 24),
        True,
        False,
        21,
    ),
    (
        "Northgate Training",
        "Apprenticeship: business administration",
        "apprenticeship",
        ["apprenticeship"],
        "Northgate",
        (16, 25),
        False,
        False,
        45,
    ),
    (
        "Northgate Training",
        "Maths and English for work",
        "college_course",
        ["college_training"],
        "Northgate",
        (16, 25),
        True,
        False,
        14,
    ),
    (
        "Brightwell Logistics",
        "Warehouse apprenticeship",
        "apprenticeship",
        ["apprenticeship"],
        "Wexbridge distribution park",
        (16, 25),
        False,
        False,
        60,
    ),
    (
        "Brightwell Logistics",
        "Two-week work experience",
        "employability",
        ["job_search", "confidence"],
        "Wexbridge distribution park",
        (16, 25),
        True,
        True,
        30,
    ),
    (
        "Riverside Youth Foundation",
        "Wellbeing and resilience group",
        "wellbeing",
        ["wellbeing", "risk_taking"],
        "Riverside",
        (16, 25),
        True,
        False,
        10,
    ),
    (
        "Riverside Youth Foundation",
        "Outdoor skills re-engagement",
        "re_engagement",
        ["confidence", "risk_taking"],
        "Riverside",
        (16, 21),
        True,
        False,
        14,
    ),
    (
        "Harrowfield Adult Learning",
        "Digital skills course",
        "college_course",
        ["college_training"],
        "Harrowfield",
        (19, 25),
        True,
        False,
        14,
    ),
    (
        "Harrowfield Adult Learning",
        "Job club",
        "employability",
        ["job_search", "cv"],
        "Harrowfield",
        (18, 25),
        True,
        False,
        7,
    ),
]


PLACES = {
    "Confidence to Work programme": 12,
    "CV and interview clinic": 8,
    "Job club": 15,
    "Construction Foundation Course": 10,
    "Warehouse apprenticeship": 0,
}
"""Places at a time, for the services that record them (the rest leave it blank): the apprenticeships have
none free, so needs against provision and its indicator show a need referred with no service with places."""


@transaction.atomic
def load_referrals_demo(council: Organisation) -> None:
    for name, kind in EXTRA_PARTNERS:
        demo_partner(council=council, name=name, kind=kind)
    admin = User.objects.filter(organisation=council, groups__name="administrator").first()
    start = timezone.localdate() - datetime.timedelta(days=400)
    for provider_name, name, service_kind, needs, area, (low, high), send_ok, leavers, wait in SERVICES:
        provider = Organisation.objects.get(name=provider_name)
        if not Service.objects.filter(provider=provider, name=name).exists():
            Service.objects.create(
                provider=provider,
                name=name,
                kind=service_kind,
                needs_met=needs,
                area=area,
                min_age=low,
                max_age=high,
                send_suitable=send_ok,
                care_leavers_only=leavers,
                typical_wait_days=wait,
                capacity=PLACES.get(name),
                active_from=start,
                description=f"{name}, run by {provider_name}.",
            )
    _partner_triages(council, admin)
    adviser = User.objects.filter(organisation=council, groups__name="personal_adviser").order_by("pk").first()
    triage = User.objects.filter(organisation=council, groups__name="triage_coordinator").first()
    if adviser is None or triage is None or admin is None or Referral.objects.filter(council=council).exists():
        return
    rng = random.Random(4)  # noqa: S311 - synthetic demo data, not security
    people = list(YoungPerson.objects.filter(council=council, personal_adviser=adviser).order_by("pk")[:6])
    partners = [
        Organisation.objects.get(name=n)
        for n in ("Wexbridge College", "Wexbridge Careers Service", "Step Forward Trust", "Northgate Training")
    ]
    for i, person in enumerate(people):
        referral = services.referral_create(
            acting_user=adviser,
            person=person,
            needs=rng.sample(["confidence", "cv", "job_search", "college_training", "apprenticeship"], 2),
            preferences="Wants to work outdoors" if i % 2 else "Interested in a college course",
            barriers="Travel costs",
            availability="Weekdays",
            priority="normal",
            consent={
                "given_by": "young_person",
                "given_on": timezone.localdate(),
                "method": "in_person",
                "organisations": partners,
                "shared_fields": ["needs", "contact"],
                "purpose": "To find the right education, employment or training support",
                "expires_on": timezone.localdate() + datetime.timedelta(days=365),
            },
        )
        if i < 3:
            chosen = Service.objects.filter(provider__in=partners).order_by("name")[i : i + 1]
            services.referral_triage(
                acting_user=triage, referral=referral, decision="refer", services=list(chosen), version=referral.version
            )
    _college_sends_its_list(council)


def _college_sends_its_list(council: Organisation) -> None:
    """Wexbridge College sends back its roll: the young people referred to it, on roll, and a row it must check."""
    college = User.objects.filter(organisation__name="Wexbridge College", groups__name="partner_provider").first()
    if college is None:
        return
    sends = (
        referral_access.sends_received_by(college).filter(referral__council=council).select_related("referral__person")
    )
    rows = [f"{s.referral.person.legal_name},{s.referral.person.date_of_birth:%d/%m/%Y},on roll" for s in sends]
    if not rows:
        return
    rows.append("Jordan Example,14/02/2006,left")  # not referred to the college: left for it to check
    content = ("name,date of birth,status\n" + "\n".join(rows) + "\n").encode()
    services.partner_list_match(
        acting_user=college, name="wexbridge-college-roll.csv", content=content, council=council
    )


PARTNER_TRIAGE = "Step Forward Trust"
PARTNER_TRIAGE_EMAIL = "triage@stepforwardtrust.example"


def _partner_triages(council: Organisation, admin: User | None) -> None:
    """Step Forward Trust triages the council's referrals too (issue 27): the council's administrator gives it
    the triage power, and its triage coordinator (``triage@stepforwardtrust.example``, the demo password) works
    the queue. Idempotent."""
    from onward.accounts import services as account_services
    from onward.accounts.demo import DEMO_PASSWORD
    from onward.accounts.models import Partnership

    link = Partnership.objects.filter(council=council, partner__name=PARTNER_TRIAGE, status="accepted").first()
    if link is None or admin is None:
        return
    if not link.can_triage:
        account_services.partnership_change(acting_user=admin, link=link, action="allow_triage", version=link.version)
    user = User.objects.filter(email=PARTNER_TRIAGE_EMAIL).first()
    if user is None:
        user = account_services.user_create(
            acting_user=None,
            organisation=link.partner,
            email=PARTNER_TRIAGE_EMAIL,
            given_name="Morwenna",
            family_name="Trevithick",
            job_title="Central triage officer",
            role_keys={"partner_triage_coordinator"},
        )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])


IMPACT_NOTE = "Referred to services (demo history)"


def load_impact_demo(council: Organisation) -> None:
    """Referrals made 3 to 13 months ago, most started, some not, so the impact of a service (what became
    of those who started it 3, 6 and 12 months on, read from their EET history) and needs against provision
    show figures. Idempotent: does nothing once the council has these referrals."""
    if Referral.objects.filter(council=council, triage_note=IMPACT_NOTE).exists():
        return
    adviser = User.objects.filter(organisation=council, groups__name="personal_adviser").order_by("pk").first()
    triage = User.objects.filter(organisation=council, groups__name="triage_coordinator").first()
    chosen = list(
        Service.objects.filter(
            name__in=("Next Steps NEET support", "Entry to Work Skills (Level 1)", "One-to-one careers guidance")
        ).order_by("name")
    )
    if adviser is None or triage is None or not chosen:
        return
    rng = random.Random(26)  # noqa: S311 - synthetic demo data, not security
    today = timezone.localdate()
    people = list(YoungPerson.objects.filter(council=council, looked_after_now=False).order_by("pk")[40:100])
    with transaction.atomic():
        for person in people:
            service = rng.choice(chosen)
            made = today - datetime.timedelta(days=rng.randint(95, 390))
            at = timezone.make_aware(datetime.datetime.combine(made, datetime.time(10)))
            referral = Referral.objects.create(
                council=council,
                person=person,
                made_by=adviser,
                needs=list(service.needs_met)[:2],
                status=Referral.Status.REFERRED,
                triage_due=made + datetime.timedelta(days=14),
                triaged_by=triage,
                triage_note=IMPACT_NOTE,
            )
            consent = Consent.objects.create(
                referral=referral,
                given_by=Consent.GivenBy.YOUNG_PERSON,
                given_on=made,
                method=Consent.Method.IN_PERSON,
                shared_fields=["needs", "eet_history"],
                purpose="To find the right education, employment or training support",
                expires_on=made + datetime.timedelta(days=730),
                recorded_by=adviser,
            )
            consent.organisations.add(service.provider)
            started = rng.random() < 0.7
            send = Send.objects.create(
                referral=referral,
                service=service,
                sent_by=triage,
                status=Send.Status.COMPLETED if started else Send.Status.DECLINED,
                decline_reason="" if started else "No places this term",
                first_contact_on=made + datetime.timedelta(days=rng.randint(1, 7)),
                started_on=made + datetime.timedelta(days=rng.randint(7, 35)) if started else None,
                start_confirmed=started,
            )
            Referral.objects.filter(pk=referral.pk).update(**touched(created_at=at))
            Send.objects.filter(pk=send.pk).update(**touched(created_at=at))
