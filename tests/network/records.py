"""One record of each network kind for a tenant of the test world (made on first use), for the tests
that walk every URL (``tests/test_url_access.py``, and those built on it)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from onward.network.models import Agreement, RollList, Setting, SettingSpell, WorkCoach
from tests.conftest import Tenant


def world_setting(tenant: Tenant) -> Setting:
    setting, _ = Setting.objects.get_or_create(
        council=tenant.council,
        urn="1" + str(tenant.council.pk).zfill(5)[-5:],
        defaults={"name": f"{tenant.council.name} College", "kind": Setting.Kind.COLLEGE},
    )
    return setting


def world_agreement(tenant: Tenant) -> Agreement:
    today = timezone.localdate()
    agreement, _ = Agreement.objects.get_or_create(
        council=tenant.council,
        title=f"{tenant.council.name} college lists",
        defaults={
            "setting": world_setting(tenant),
            "purpose": "To check who is on roll",
            "fields": ["child_id", "name", "date_of_birth", "status", "on_roll_from"],
            "start": today - datetime.timedelta(days=30),
            "end": today + datetime.timedelta(days=335),
        },
    )
    assert tenant.person is not None
    if not SettingSpell.objects.filter(person=tenant.person).exists():
        SettingSpell.objects.create(
            person=tenant.person, setting=world_setting(tenant), start=today - datetime.timedelta(days=100)
        )
    return agreement


def world_roll(tenant: Tenant) -> RollList:
    roll = RollList.objects.filter(council=tenant.council).first()
    if roll is None:
        roll = RollList.objects.create(
            council=tenant.council,
            setting=world_setting(tenant),
            on_date=timezone.localdate(),
            created_by=tenant.users["performance_officer"],
            file_name="roll.csv",
            status=RollList.Status.PREVIEWED,
            rows=1,
            matched=[{"row": 2, "person": tenant.person.pk, "recorded": "none", "recorded_at": "", "since": ""}],  # type: ignore[union-attr]
        )
    return roll


def world_coach(tenant: Tenant) -> WorkCoach:
    coach, _ = WorkCoach.objects.get_or_create(
        council=tenant.council, name="Priya Work-Coach", defaults={"jobcentre": "Town Jobcentre Plus"}
    )
    return coach


def world_jobcentre_agreement(tenant: Tenant) -> Agreement:
    """An agreement in force with a Jobcentre Plus (DWP) partner, and the tenant's young person claiming."""
    from onward.accounts.models import Organisation, Partnership
    from onward.network.models import BenefitSpell

    today = timezone.localdate()
    dwp, _ = Organisation.objects.get_or_create(
        name=f"Jobcentre Plus for {tenant.council.pk}", defaults={"kind": Organisation.Kind.DWP}
    )
    Partnership.objects.get_or_create(council=tenant.council, partner=dwp, defaults={"status": "accepted"})
    agreement, _ = Agreement.objects.get_or_create(
        council=tenant.council,
        partner=dwp,
        defaults={
            "title": "Jobcentre Plus exchange",
            "purpose": "The right benefits at the right time",
            "fields": ["child_id", "name", "benefit", "work_coach"],
            "start": today - datetime.timedelta(days=30),
            "end": today + datetime.timedelta(days=335),
        },
    )
    if not BenefitSpell.objects.filter(person=tenant.person).exists():
        BenefitSpell.objects.create(
            person=tenant.person,
            benefit="universal_credit",
            status="receiving",
            work_coach=world_coach(tenant),
            start=today - datetime.timedelta(days=20),
        )
    return agreement


def network_kwargs(name: str, tenant: Tenant) -> dict[str, Any]:
    """The URL arguments of a network page for the tenant's records."""
    world_agreement(tenant)
    world_jobcentre_agreement(tenant)
    if name in ("network:setting-detail", "network:setting-update", "network:setting-send", "network:roll-upload"):
        return {"pk": world_setting(tenant).pk}
    if name in ("network:roll-detail", "network:roll-commit", "network:roll-discard", "network:roll-retry"):
        return {"pk": world_roll(tenant).pk}
    if name in ("network:agreement-detail", "network:agreement-update"):
        return {"pk": world_agreement(tenant).pk}
    if name == "network:setting-spell-correct":
        return {"person_pk": tenant.person.pk, "pk": SettingSpell.objects.filter(person=tenant.person).first().pk}  # type: ignore[union-attr]
    if name == "network:benefit-correct":
        from onward.network.models import BenefitSpell

        return {"person_pk": tenant.person.pk, "pk": BenefitSpell.objects.filter(person=tenant.person).first().pk}  # type: ignore[union-attr]
    if name == "network:work-coach-update":
        return {"pk": world_coach(tenant).pk}
    return {}
