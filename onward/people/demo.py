"""The demo council's young people (registered with ``core.contributions`` in ``PeopleConfig.ready``)."""

from __future__ import annotations

from onward.accounts.models import Organisation

DEMO_COHORT = 400


def load_demo_cohort(council: Organisation) -> None:
    """About 400 synthetic young people and their histories, once."""
    from onward.people.generator import generate_council
    from onward.people.models import YoungPerson

    if not YoungPerson.objects.filter(council=council).exists():
        generate_council(council=council, size=DEMO_COHORT, seed=20261122)
