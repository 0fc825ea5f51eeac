"""The demo holds the network: settings, setting histories, agreements in force, work coaches, benefits,
and an on-roll list from the college waiting to be committed."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from onward.accounts.models import Organisation
from onward.network.models import Agreement, BenefitSpell, RollList, Setting, SettingSpell, WorkCoach
from onward.network.selectors import agreement_in_force
from onward.people.selectors import today


@pytest.mark.django_db
def test_the_demo_holds_the_network() -> None:
    call_command("load_demo", "--quiet")
    council = Organisation.objects.get(name="Wexbridge City Council")
    college = Setting.objects.get(council=council, name="Wexbridge College")
    assert Setting.objects.filter(council=council).count() == 8
    assert SettingSpell.objects.filter(person__council=council).count() > 50
    assert agreement_in_force(council, today(), setting=college) is not None
    assert agreement_in_force(council, today(), partner_kind="dwp") is not None
    assert Agreement.objects.filter(council=council).count() == 3
    assert WorkCoach.objects.filter(council=council).count() == 2
    assert BenefitSpell.objects.filter(person__council=council).exists()
    roll = RollList.objects.get(council=council)
    assert roll.status == RollList.Status.PREVIEWED and roll.not_on_roll and roll.elsewhere and roll.unmatched == 2
    call_command("load_demo", "--quiet")  # again: nothing more
    assert (
        Setting.objects.filter(council=council).count() == 8 and RollList.objects.filter(council=council).count() == 1
    )
