"""The demo council's young people (registered with ``core.contributions`` in ``PeopleConfig.ready``)."""

from __future__ import annotations

import datetime
import random

from onward.accounts.models import Organisation
from onward.core.models import touched_fields

DEMO_COHORT = 400
OUTCOMES_SEED = 26
EDUCATION_SEED = 2611


def load_demo_cohort(council: Organisation) -> None:
    """About 400 synthetic young people and their histories, once."""
    from onward.people.generator import generate_council, generate_education_records
    from onward.people.models import YoungPerson

    if not YoungPerson.objects.filter(council=council).exists():
        generate_council(council=council, size=DEMO_COHORT, seed=20261122)
        demo_outcomes(council)
        generate_education_records(council=council, seed=EDUCATION_SEED)


def demo_outcomes(council: Organisation) -> int:
    """How the demo's ended EET activities ended, with a qualification for some courses and
    apprenticeships, so the EET outcome indicators (``people.registry``) have something to count. Its own
    seed, so the cohort itself is as ``generate_council`` made it. Returns the number of activities given
    an outcome."""
    from django.utils import timezone

    from onward.core.codelists import EET_ACTIVITIES, EETActivity
    from onward.people.models import EETSpell

    rng = random.Random(OUTCOMES_SEED)  # noqa: S311 - synthetic demo data, not security
    today = timezone.localdate()
    qualifying = {EETActivity.FURTHER_EDUCATION, EETActivity.APPRENTICESHIP, EETActivity.TRAINEESHIP}
    spells = list(
        EETSpell.objects.filter(
            person__council=council, activity__in=list(EET_ACTIVITIES), end__lt=today, superseded_at__isnull=True
        ).order_by("pk")
    )
    outcomes = [EETSpell.Outcome.COMPLETED, EETSpell.Outcome.LEFT_EARLY, EETSpell.Outcome.MOVED_ON]
    for spell in spells:
        if spell.activity in qualifying and rng.random() < 0.45:
            spell.outcome = EETSpell.Outcome.QUALIFICATION
            spell.qualification_level = rng.choice(["entry", "1", "2", "2", "3"])
            spell.qualification_subject = rng.choice(["English", "Maths", "Health and social care", "Construction"])
            ended = spell.end or today
            spell.qualification_date = max(spell.start, ended - datetime.timedelta(days=rng.randint(0, 20)))
        else:
            spell.outcome = rng.choice(outcomes)
    fields = ["outcome", "qualification_level", "qualification_subject", "qualification_date"]
    EETSpell.objects.bulk_update(spells, touched_fields(spells, fields), batch_size=500)
    return len(spells)
