"""Demo data for the young people's own service: three of the demo adviser's young people with their own
page (preferring those with a referral), a goal each, and a few things they said.

Idempotent: does nothing once the council has a portal account. Registered (``portal.home.load_demo``) with the demo loaders;
load_demo prints each account's sign-in. Every name and address is made up (``.example``).
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.people.models import YoungPerson
from onward.portal import services
from onward.portal.models import PortalAccount
from onward.referrals.models import Referral

DEMO_YOUNG_PEOPLE = 3


def load_portal_demo(council: Organisation) -> None:
    if PortalAccount.objects.filter(person__council=council).exists():
        return
    adviser = User.objects.filter(organisation=council, groups__name="personal_adviser").order_by("pk").first()
    if adviser is None:
        return
    today = timezone.localdate()
    people = (
        YoungPerson.objects.filter(
            council=council, personal_adviser=adviser, date_of_birth__lte=today.replace(year=today.year - 17)
        )
        .annotate(referred=Exists(Referral.objects.filter(person=OuterRef("pk"))))
        .order_by("-referred", "pk")[:DEMO_YOUNG_PEOPLE]
    )
    for number, person in enumerate(people, start=1):
        account = services.account_invite(
            acting_user=adviser,
            person=person,
            email=f"young.person{number}@wexbridge.example",
            consent_given_on=today - datetime.timedelta(days=7 * number),
            consent_method="in_person",
        )
        services.goal_add(
            person=person,
            area="employment",
            text="Find a part-time job",
            owner="young_person",
            deadline=today + datetime.timedelta(days=60),
            acting_user=adviser,
        )
        if number == 1:
            services.check_in(account=account, mood="ok", wants_help=True, text="I am worried about my rent")
        if number == 2:
            services.eet_wrong(account=account, spell=None, text="I started at Wexbridge College in September")
        _rate_a_service(account, number)
    manager = User.objects.filter(organisation=council, groups__name="team_manager").order_by("pk").first()
    if manager is not None:
        _offer_and_survey(council, manager, today)


def _rate_a_service(account: PortalAccount, number: int) -> None:
    """The demo young person's own rating of the first service they were referred to (shared with the partner
    for the first of them), so the partner's page and referral monitoring show young people's ratings."""
    from onward.referrals.models import Send

    send = Send.objects.filter(referral__person=account.person).order_by("pk").first()
    if send is None:
        return
    services.service_feedback(
        account=account,
        send=send,
        rating=5 if number == 1 else 3,
        text="The staff listened and helped me with my CV" if number == 1 else "It was a long way to travel",
        share=number == 1,
    )


def _offer_and_survey(council: Organisation, manager: User, today: datetime.date) -> None:
    """A published local offer and a well-being survey open this month."""
    offer = services.offer_draft_start(acting_user=manager, council=council)
    services.offer_draft_save(
        acting_user=manager,
        offer=offer,
        version=offer.version,
        introduction="Our promise to every young person leaving our care: what you can get, and who to ask.",
        sections={
            "health": {
                "text": "Free prescriptions and help registering with a GP and dentist.",
                "entitlements": "",
                "contacts": "Your personal adviser",
            },
            "education": {
                "text": "A bursary for further education, and £2,000 for higher education.",
                "entitlements": "16 to 19 bursary; higher education bursary",
                "contacts": "The Virtual School",
            },
            "employment": {
                "text": "Ring-fenced apprenticeships and work experience at the council.",
                "entitlements": "",
                "contacts": "Employer engagement team",
            },
            "accommodation": {
                "text": "Staying put with your foster carer to 21, and supported lodgings.",
                "entitlements": "",
                "contacts": "Your personal adviser",
            },
            "money": {
                "text": "A setting-up home allowance of £3,000.",
                "entitlements": "Setting-up home allowance",
                "contacts": "Your personal adviser",
            },
            "housing": {
                "text": "Council tax exemption to 25.",
                "entitlements": "Council tax exemption",
                "contacts": "Council tax team",
            },
        },
    )
    services.offer_publish(acting_user=manager, offer=offer)
    question = services.question_add(
        acting_user=manager, council=council, text="Do you feel safe where you live?", kind="yes_no"
    )
    services.survey_schedule(
        acting_user=manager,
        council=council,
        title="Your life beyond care survey",
        opens_on=today.replace(day=1),
        closes_on=today + datetime.timedelta(days=28),
        questions=[question],
    )


def load_demo(council: Organisation) -> list[tuple[str, str]]:
    """The demo's young people with portal accounts; their sign-ins, printed by ``load_demo``."""
    load_portal_demo(council)
    emails = (
        PortalAccount.objects.filter(person__council=council, status__in=["invited", "active"])
        .order_by("email")
        .values_list("email", flat=True)
    )
    label = "Young person (at /my/sign-in/; the code is printed in the server's console)"
    return [
        *((label, email) for email in emails),
        ("The council's local offer, public", f"/local-offer/{council.pk}/"),
    ]
