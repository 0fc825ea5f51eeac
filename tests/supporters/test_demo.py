"""The demo council holds mentors with matches and meetings, carers, and accommodation providers with move-on."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from onward.accounts.models import User
from onward.people.models import AccommodationSpell
from onward.supporters.models import AccommodationProvider, Carer, Mentor, MentorMatch, MentorMeeting, MoveOnPlan


@pytest.mark.django_db
def test_the_demo_holds_mentors_carers_and_providers_once() -> None:
    call_command("load_demo", "--quiet")
    call_command("load_demo", "--quiet")
    council = User.objects.get(email="manager@wexbridge.example").organisation
    assert Mentor.objects.filter(council=council).count() == 12
    assert MentorMatch.objects.filter(mentor__council=council).count() >= 10
    assert MentorMeeting.objects.filter(match__mentor__council=council).exists()
    assert Carer.objects.filter(person__council=council).count() > 20
    assert AccommodationProvider.objects.filter(council=council).count() == 5
    assert AccommodationSpell.objects.filter(person__council=council, provider__isnull=False).exists()
    assert MoveOnPlan.objects.filter(person__council=council).exists()
