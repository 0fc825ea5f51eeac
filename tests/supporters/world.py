"""The supporters' records for the shared test world, and their URLs for the URL access table.

``supporters_world(tenant)`` adds (once) a mentor ready to match, a match of the tenant's young
person with a meeting, and the other records later parts add. The URL access table, the tenant
isolation walk and the version cases call these so the shared test files need one line each.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from onward.people.models import CaseClosure
from onward.supporters.models import (
    AccommodationProvider,
    Carer,
    EHCPlan,
    Mentor,
    MentorMatch,
    MentorMeeting,
    MoveOnPlan,
    TransitionReferral,
)
from tests.conftest import Tenant


@dataclass
class SupportersWorld:
    mentor: Mentor
    match: MentorMatch
    carer: Carer
    provider: AccommodationProvider
    plan: MoveOnPlan
    ehc_plan: EHCPlan
    referral: TransitionReferral


def supporters_world(tenant: Tenant) -> SupportersWorld:
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=300)
    mentor, _ = Mentor.objects.get_or_create(
        council=tenant.council,
        name=f"{tenant.council.name} mentor",
        defaults={
            "kind": Mentor.Kind.VOLUNTEER,
            "dbs_checked_on": long_ago,
            "references_checked_on": long_ago,
            "trained_on": long_ago,
        },
    )
    match, created = MentorMatch.objects.get_or_create(
        mentor=mentor,
        person=tenant.person,
        defaults={"start": today - datetime.timedelta(days=60), "recorded_by": tenant.users["personal_adviser"]},
    )
    if created:
        MentorMeeting.objects.create(
            match=match, held_on=today - datetime.timedelta(days=30), recorded_by=tenant.users["personal_adviser"]
        )
    carer, _ = Carer.objects.get_or_create(
        person=tenant.person,
        name=f"{tenant.council.name} Children's Home",
        defaults={
            "kind": Carer.Kind.RESIDENTIAL,
            "named_contact": "Key worker",
            "start": today - datetime.timedelta(days=400),
            "recorded_by": tenant.users["personal_adviser"],
        },
    )
    provider, _ = AccommodationProvider.objects.get_or_create(
        council=tenant.council,
        name=f"{tenant.council.name} Foyer",
        defaults={"kind": AccommodationProvider.Kind.FOYER, "units": 12},
    )
    plan, _ = MoveOnPlan.objects.get_or_create(
        person=tenant.person,
        defaults={
            "planned_type": "U",
            "planned_provider": provider,
            "planned_on": today + datetime.timedelta(days=20),
            "recorded_by": tenant.users["personal_adviser"],
        },
    )
    ehc_plan, _ = EHCPlan.objects.get_or_create(
        person=tenant.person,
        defaults={
            "issued_on": today - datetime.timedelta(days=2000),
            "ceases_on": today + datetime.timedelta(days=40),
            "recorded_by": tenant.users["personal_adviser"],
        },
    )
    referral, _ = TransitionReferral.objects.get_or_create(
        person=tenant.person,
        defaults={
            "needs": "Support with managing money",
            "identified_on": today - datetime.timedelta(days=30),
            "recorded_by": tenant.users["personal_adviser"],
        },
    )
    CaseClosure.objects.get_or_create(
        person=tenant.person, defaults={"date": today - datetime.timedelta(days=5), "reason": CaseClosure.Reason.OTHER}
    )
    return SupportersWorld(
        mentor=mentor, match=match, carer=carer, provider=provider, plan=plan, ehc_plan=ehc_plan, referral=referral
    )


def supporters_url(name: str, tenant: Tenant) -> str:
    """A URL for a supporters page, pointing at the tenant's own records."""
    found = supporters_world(tenant)
    assert tenant.person is not None
    kwargs: dict[str, object] = {}
    if name in ("supporters:mentor-detail", "supporters:mentor-update"):
        kwargs = {"mentor_pk": found.mentor.pk}
    elif name == "supporters:match-detail":
        kwargs = {"match_pk": found.match.pk}
    elif name in ("supporters:provider-detail", "supporters:provider-update"):
        kwargs = {"provider_pk": found.provider.pk}
    elif name == "supporters:move-on-update":
        kwargs = {"plan_pk": found.plan.pk}
    elif name == "supporters:ehc-plan-update":
        kwargs = {"ehcplan_pk": found.ehc_plan.pk}
    elif name == "supporters:transition-update":
        kwargs = {"referral_pk": found.referral.pk}
    elif name in ("supporters:accommodation", "supporters:transitions-person", "supporters:closure-letter"):
        kwargs = {"person_pk": tenant.person.pk}
    elif name == "supporters:carer-update":
        kwargs = {"carer_pk": found.carer.pk}
    elif name in (
        "supporters:person",
        "supporters:match-create",
        "supporters:carer-create",
        "supporters:review-invite",
    ):
        kwargs = {"person_pk": tenant.person.pk}
    return reverse(name, kwargs=kwargs)


def date_fields(name: str, day: datetime.date) -> dict[str, str | None]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def version_cases(case: Callable[..., Any]) -> list[Any]:
    """The versioned supporters records, as ``tests.test_versions.Case``s (``case`` is that class)."""
    today = timezone.localdate()
    return [
        case(
            "mentor",
            Mentor,
            "supporters:mentor-update",
            "team_manager",
            lambda t: supporters_world(t).mentor,
            {"name": "Alpha Mentor"},
            {"name": "Bravo Mentor"},
            lambda r: r.name,
            kwargs=lambda r: {"mentor_pk": r.pk},
        ),
        case(
            "mentor-match-end",
            MentorMatch,
            "supporters:match-detail",
            "team_manager",
            lambda t: supporters_world(t).match,
            {**date_fields("end", today), "reason": "Alpha"},
            {**date_fields("end", today), "reason": "Bravo"},
            lambda r: (r.end, r.end_reason),
            kwargs=lambda r: {"match_pk": r.pk},
            marker="end_match",
        ),
        case(
            "carer",
            Carer,
            "supporters:carer-update",
            "team_manager",
            lambda t: supporters_world(t).carer,
            {"named_contact": "Alpha Worker"},
            {"named_contact": "Bravo Worker"},
            lambda r: r.named_contact,
            kwargs=lambda r: {"carer_pk": r.pk},
        ),
        case(
            "accommodation-provider",
            AccommodationProvider,
            "supporters:provider-update",
            "team_manager",
            lambda t: supporters_world(t).provider,
            {"units": "20"},
            {"units": "30"},
            lambda r: r.units,
            kwargs=lambda r: {"provider_pk": r.pk},
        ),
        case(
            "move-on-plan",
            MoveOnPlan,
            "supporters:move-on-update",
            "team_manager",
            lambda t: supporters_world(t).plan,
            {"notes": "Alpha"},
            {"notes": "Bravo"},
            lambda r: r.notes,
            kwargs=lambda r: {"plan_pk": r.pk},
        ),
        case(
            "ehc-plan",
            EHCPlan,
            "supporters:ehc-plan-update",
            "team_manager",
            lambda t: supporters_world(t).ehc_plan,
            {"notes": "Alpha"},
            {"notes": "Bravo"},
            lambda r: r.notes,
            kwargs=lambda r: {"ehcplan_pk": r.pk},
        ),
        case(
            "transition-referral",
            TransitionReferral,
            "supporters:transition-update",
            "team_manager",
            lambda t: supporters_world(t).referral,
            {"decision_note": "Alpha"},
            {"decision_note": "Bravo"},
            lambda r: r.decision_note,
            kwargs=lambda r: {"referral_pk": r.pk},
        ),
    ]
