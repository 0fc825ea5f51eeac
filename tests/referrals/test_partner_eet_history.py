"""A partner sees the young person's EET history on the referral when the consent shares it."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from onward.people import services as people_services
from onward.people.models import EETSpell
from onward.referrals import access as referral_access

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
HEADING = "Education, employment and training history"


def test_the_partner_sees_the_current_history_latest_first_without_superseded_records(world, signed_in) -> None:
    """Current records only, latest first; a corrected record shows as corrected, never as it was."""
    a = world["A"]
    a.referral.consent.shared_fields = ["needs", "eet_history"]
    a.referral.consent.save()
    adviser = a.users["personal_adviser"]
    wrong = people_services.eet_record(
        acting_user=adviser,
        person=a.person,
        activity="employment_full_time",
        start=TODAY() - 20 * DAY,
        provider="Quayside Bakery",
        source="worker",
    )
    people_services.eet_correct(
        acting_user=adviser,
        spell=wrong,
        reason="It was a traineeship",
        activity="traineeship",
        start=TODAY() - 20 * DAY,
        end=None,
        part_time=False,
        provider="Quayside Training",
        hours_per_week=None,
        source="worker",
    )
    partner = a.users["partner_provider"]
    shared = list(referral_access.eet_history_shared_with(partner, a.send))
    assert [s.activity for s in shared] == ["traineeship", "further_education"]
    assert all(s.superseded_at is None for s in shared)
    page = signed_in(partner).get(reverse("referrals:received-detail", args=[a.send.pk])).content.decode()
    assert HEADING in page
    assert page.index("Traineeship") < page.index("Further education")
    assert "Quayside Training" in page
    assert "Quayside Bakery" not in page


def test_without_the_history_in_the_consent_the_partner_sees_no_section(world, signed_in) -> None:
    """Consent sharing only needs: no history, on the page or through the policy."""
    a = world["A"]
    assert "eet_history" not in a.referral.consent.shared_fields
    partner = a.users["partner_provider"]
    assert not referral_access.eet_history_shared_with(partner, a.send).exists()
    assert EETSpell.objects.filter(person=a.person).exists()
    page = signed_in(partner).get(reverse("referrals:received-detail", args=[a.send.pk])).content.decode()
    assert HEADING not in page


def test_council_staff_get_nothing_through_the_partners_policy(world) -> None:
    """The policy is the partner's: a council adviser reads history through the register instead."""
    a = world["A"]
    a.referral.consent.shared_fields = ["eet_history"]
    a.referral.consent.save()
    assert not referral_access.eet_history_shared_with(a.users["personal_adviser"], a.send).exists()
    assert referral_access.eet_history_shared_with(a.users["partner_provider"], a.send).exists()


def test_a_record_entered_late_for_an_earlier_time_sorts_by_when_it_started(world) -> None:
    """The history is latest first by start date, not by when each record was typed in."""
    a = world["A"]
    a.referral.consent.shared_fields = ["needs", "eet_history"]
    a.referral.consent.save()
    first = EETSpell.objects.filter(person=a.person, superseded_at__isnull=True).order_by("start").first()
    assert first is not None
    earlier = people_services.eet_record(
        acting_user=a.users["personal_adviser"],
        person=a.person,
        activity="traineeship",
        start=first.start - 400 * DAY,
        end=first.start - 200 * DAY,
        provider="Harbourside Training",
        source="worker",
    )
    shared = list(referral_access.eet_history_shared_with(a.users["partner_provider"], a.send))
    assert shared[-1] == earlier and shared.index(first) < shared.index(earlier)
