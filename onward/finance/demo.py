"""Demo financial support: bursaries for those in higher education, post-16 support and transport for
those in further education, incentives for apprentices and their employers, over the last 18 months,
some planned, one cancelled. Idempotent: does nothing once the demo council has a payment. Called by
``load_demo``. No names are made here: payments belong to the demo's synthetic young people.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from onward.accounts.models import Organisation, User
from onward.finance.models import SupportPayment
from onward.people.models import EETSpell
from onward.people.selectors import today

SEED = 20261234
Kind = SupportPayment.Kind
BY_ACTIVITY = {
    "higher_education": ((Kind.HE_BURSARY, 100000), (Kind.EDUCATION_TRANSPORT, 4500)),
    "further_education": ((Kind.POST_16, 30000), (Kind.EDUCATION_TRANSPORT, 3500)),
    "apprenticeship": ((Kind.INCENTIVE_YOUNG_PERSON, 100000), (Kind.INCENTIVE_EMPLOYER, 100000)),
    "traineeship": ((Kind.INCENTIVE_YOUNG_PERSON, 25000), (Kind.OTHER, 6000)),
}


def load_finance_demo(council: Organisation) -> None:
    if SupportPayment.objects.filter(person__council=council).exists():
        return
    recorder = User.objects.filter(organisation=council, email__startswith="manager@").first()
    if recorder is None:
        return
    rng = random.Random(SEED)  # noqa: S311 - synthetic data, not security
    day = today()
    spells = list(
        EETSpell.objects.filter(
            EETSpell.covering(day), person__council=council, activity__in=list(BY_ACTIVITY)
        ).order_by("person_id", "id")
    )
    made = []
    for spell in spells[:60]:
        for kind, pence in BY_ACTIVITY[spell.activity]:
            if rng.random() < 0.3:
                continue
            for months_ago in range(0, 18, rng.choice((3, 6))):
                when = day - datetime.timedelta(days=30 * months_ago + rng.randint(0, 20))
                if when < spell.start:
                    break
                made.append(
                    SupportPayment(
                        person_id=spell.person_id,
                        kind=kind,
                        amount_pence=pence,
                        date=when,
                        status=SupportPayment.Status.PAID,
                        recorded_by=recorder,
                    )
                )
            made.append(
                SupportPayment(
                    person_id=spell.person_id,
                    kind=kind,
                    amount_pence=pence,
                    date=day + datetime.timedelta(days=rng.randint(10, 90)),
                    status=SupportPayment.Status.CANCELLED if rng.random() < 0.05 else SupportPayment.Status.PLANNED,
                    note="Next instalment",
                    recorded_by=recorder,
                )
            )
    with transaction.atomic():
        SupportPayment.objects.bulk_create(made)
