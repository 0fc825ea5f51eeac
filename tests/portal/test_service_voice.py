"""What young people say about the services they were referred to reaches the partner that runs the service
(within the partner's rules) and referral monitoring (suppressed for councillors, never their words)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.portal.models import Statement
from onward.referrals import services as referral_services
from onward.referrals.models import Send
from tests.conftest import Tenant
from tests.portal.conftest import open_account, portal_sign_in

pytestmark = pytest.mark.django_db


def _rate(
    tenant: Tenant, ratings: list[int], *, text: str = "", shared: bool = False, send: Send | None = None
) -> None:
    for rating in ratings:
        Statement.objects.create(
            council=tenant.council,
            person=tenant.person,
            kind=Statement.Kind.SERVICE_FEEDBACK,
            send=send or tenant.send,
            rating=rating,
            text=text,
            shared_with_service=shared,
        )


def test_a_young_person_chooses_whether_the_service_reads_their_words(world, client: Client) -> None:
    a = world["A"]
    yp = portal_sign_in(client, open_account(a))
    form = yp.get(reverse("my:feedback", kwargs={"pk": a.send.pk})).content.decode()
    assert f"Let {a.partner.name} read what I wrote" in form
    yp.post(reverse("my:feedback", kwargs={"pk": a.send.pk}), {"rating": "5", "text": "Kind staff", "share": "on"})
    yp.post(reverse("my:feedback", kwargs={"pk": a.send.pk}), {"rating": "2", "text": "Too far away"})
    yp.post(reverse("my:feedback", kwargs={"pk": a.send.pk}), {"rating": "4", "share": "on"})  # nothing to share
    kept = {s.text: s.shared_with_service for s in Statement.objects.filter(kind="service_feedback")}
    assert kept == {"Kind staff": True, "Too far away": False, "": False}
    # Another council's young person's referral answers 404, and nothing is kept.
    other = world["B"].send
    assert yp.post(reverse("my:feedback", kwargs={"pk": other.pk}), {"rating": "1"}).status_code == 404
    assert Statement.objects.count() == 3


def test_a_partner_sees_ratings_of_its_own_services_and_only_the_words_shared(world, signed_in) -> None:
    a, b = world["A"], world["B"]
    _rate(a, [5, 5, 4], text="Kind staff and a good course", shared=True)
    _rate(a, [1], text="My private complaint", shared=False)
    _rate(b, [2, 2], text="Brockmoor words", shared=True)
    partner = signed_in(a.users["partner_provider"])
    response = partner.get(reverse("portal:partner-feedback"))
    assert response.status_code == 200
    page = response.content.decode()
    assert a.service.name in page and "Kind staff and a good course" in page
    assert "My private complaint" not in page and a.person.display_name not in page
    assert "Brockmoor words" not in page and b.service.name not in page
    (row,) = response.context["services"]
    assert row["values"] == [4, 2, 1, 0, 0, 1]  # responses, then very good ... very poor
    assert len(row["words"]) == 3
    assert AuditEvent.objects.filter(
        actor=a.users["partner_provider"], action="list", object_type="portal.Statement", council=a.council
    ).exists()
    # The other council's partner sees only its own.
    other = signed_in(b.users["partner_provider"]).get(reverse("portal:partner-feedback"))
    assert [r["values"] for r in other.context["services"]] == [[2, 0, 0, 0, 2, 0]]
    assert "Kind staff" not in other.content.decode()


def test_withdrawn_consent_takes_the_feedback_away_from_the_partner(world, signed_in) -> None:
    a = world["A"]
    _rate(a, [5], text="Kind staff", shared=True)
    referral_services.consent_withdraw(acting_user=a.users["personal_adviser"], referral=a.referral, reason="Asked")
    page = signed_in(a.users["partner_provider"]).get(reverse("portal:partner-feedback"))
    assert page.context["services"] == [] and b"Kind staff" not in page.content


def test_an_ended_partnership_or_a_hidden_send_takes_the_feedback_away(world, signed_in) -> None:
    """The partner's page follows the partner's rules: a partnership ended, or another partner's service of
    the same council, shows nothing."""
    from onward.accounts.models import Partnership
    from onward.referrals.models import Service
    from tests.factories import PartnerFactory

    a = world["A"]
    other_partner = PartnerFactory()
    Partnership.objects.create(council=a.council, partner=other_partner, status=Partnership.Status.ACCEPTED)
    their_service = Service.objects.create(
        provider=other_partner,
        name="Somebody else's course",
        kind=Service.Kind.EMPLOYABILITY,
        area="Citywide",
        active_from=timezone.localdate(),
    )
    their_send = Send.objects.create(referral=a.referral, service=their_service, sent_by=a.users["triage_coordinator"])
    _rate(a, [3], text="About somebody else's course", shared=True, send=their_send)
    _rate(a, [5], text="Kind staff", shared=True)
    partner = signed_in(a.users["partner_provider"])
    page = partner.get(reverse("portal:partner-feedback"))
    assert [row["service"] for row in page.context["services"]] == [a.service]
    assert b"somebody else" not in page.content
    Partnership.objects.filter(council=a.council, partner=a.partner).update(status=Partnership.Status.ENDED)
    page = partner.get(reverse("portal:partner-feedback"))
    assert page.context["services"] == [] and b"Kind staff" not in page.content


@pytest.mark.parametrize("role", ["personal_adviser", "councillor", "partner_administrator", "triage_coordinator"])
def test_only_those_who_receive_referrals_open_the_partners_page(world, signed_in, role: str) -> None:
    assert signed_in(world["A"].users[role]).get(reverse("portal:partner-feedback")).status_code == 403


def test_monitoring_shows_the_spread_of_young_peoples_ratings_per_service(world, signed_in) -> None:
    a, b = world["A"], world["B"]
    _rate(a, [5, 5, 4, 3, 1, 1, 5], text="Words never shown on monitoring", shared=True)
    _rate(b, [2, 2, 2])
    triage = signed_in(a.users["triage_coordinator"])
    response = triage.get(reverse("referrals:monitoring"))
    page = response.content.decode()
    assert response.context["voice_rows"] == [(a.service, ["7", "3", "1", "1", "0", "2"])]
    assert "own ratings of services" in page
    assert "Words never shown on monitoring" not in page
    # A period before any of it: nothing.
    before = triage.get(reverse("referrals:monitoring"), {"end_0": "1", "end_1": "1", "end_2": "2020"})
    assert before.context["voice_rows"] == []
    rows = list(
        csv.reader(
            io.StringIO(triage.get(reverse("referrals:monitoring-export", args=["csv"])).content.decode("utf-8-sig"))
        )
    )
    name = f"{a.service.name}, {a.service.provider.name}"
    assert ["", "", "By service", name, "Young people's own ratings: responses", "7"] in rows
    assert ["", "", "By service", name, "Young people's own ratings: very good", "3"] in rows


def test_councillors_see_the_ratings_rounded_and_suppressed(world, signed_in) -> None:
    a = world["A"]
    _rate(a, [5, 5, 4])
    councillor = signed_in(a.users["councillor"])
    assert councillor.get(reverse("referrals:monitoring")).context["voice_rows"] == [(a.service, ["c"] * 6)]
    _rate(a, [5] * 9 + [1] * 2, text="Never for councillors")
    response = councillor.get(reverse("referrals:monitoring"))
    # 14 responses: 11 very good, 1 good, 2 very poor; rounded to 10, 1 to 5 shown as c.
    assert response.context["voice_rows"] == [(a.service, ["10", "10", "c", "0", "0", "c"])]
    assert "Never for councillors" not in response.content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                councillor.get(reverse("referrals:monitoring-export", args=["csv"])).content.decode("utf-8-sig")
            )
        )
    )
    name = f"{a.service.name}, {a.service.provider.name}"
    assert ["", "", "By service", name, "Young people's own ratings: responses", "10"] in rows
    assert ["", "", "By service", name, "Young people's own ratings: good", "c"] in rows


def test_feedback_given_outside_the_period_is_not_counted(world, signed_in) -> None:
    a = world["A"]
    _rate(a, [4, 4])
    Statement.objects.update(created_at=timezone.now() - timezone.timedelta(days=400))
    _rate(a, [2])
    today = timezone.localdate()
    start = today - timezone.timedelta(days=30)
    response = signed_in(a.users["triage_coordinator"]).get(
        reverse("referrals:monitoring"),
        {"start_0": start.day, "start_1": start.month, "start_2": start.year},
    )
    assert response.context["voice_rows"] == [(a.service, ["1", "0", "0", "0", "1", "0"])]
