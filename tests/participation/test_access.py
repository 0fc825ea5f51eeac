"""Who sees the careers service's returns: the importing council's users who import data, nobody else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from onward.participation import access as participation_access
from onward.participation.models import CareersReturn

pytestmark = pytest.mark.django_db


def test_a_performance_officer_sees_their_own_councils_returns_only(world) -> None:
    a, b = world["A"], world["B"]
    officer = a.users["performance_officer"]
    assert list(participation_access.careers_returns_visible_to(officer)) == [a.careers_return]
    assert participation_access.access_careers_return(officer, a.careers_return.pk) == a.careers_return
    with pytest.raises(Http404):
        participation_access.access_careers_return(officer, b.careers_return.pk)
    with pytest.raises(Http404):
        participation_access.access_careers_return(officer, "not-a-number")


@pytest.mark.parametrize("role", ["virtual_school_officer", "team_manager", "personal_adviser", "administrator"])
def test_council_staff_who_do_not_import_data_see_none(world, role: str) -> None:
    user = world["A"].users[role]
    assert not participation_access.careers_returns_visible_to(user).exists()
    with pytest.raises(Http404):
        participation_access.access_careers_return(user, world["A"].careers_return.pk)


def test_partners_and_anonymous_visitors_see_none(world) -> None:
    assert CareersReturn.objects.count() == 2
    assert not participation_access.careers_returns_visible_to(world["A"].users["partner_provider"]).exists()
    assert not participation_access.careers_returns_visible_to(world["A"].users["partner_administrator"]).exists()
    assert not participation_access.careers_returns_visible_to(AnonymousUser()).exists()  # type: ignore[arg-type]


def test_the_return_page_is_audited_and_shows_the_discrepancies(world, signed_in) -> None:
    from django.urls import reverse

    from onward.audit.models import AuditEvent

    tenant = world["A"]
    client = signed_in(tenant.users["performance_officer"])
    response = client.get(reverse("participation:return-detail", args=[tenant.careers_return.pk]))
    assert response.status_code == 200
    assert "Onward holds nobody with this ID in the month" in response.content.decode()
    assert AuditEvent.objects.filter(action="view", object_type="participation.CareersReturn").exists()
