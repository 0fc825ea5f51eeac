"""Referring on lets the officer say whether the current service goes on; a service the consent does
not cover is refused with a GOV.UK message; triage shows what the consent covers; the queue puts the
most urgent first."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.referrals import consent as consent_rules
from onward.referrals import services
from onward.referrals import views as referral_views
from onward.referrals.models import Referral, Send, Service
from tests.factories import PartnerFactory, YoungPersonFactory

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def _second_service(tenant, provider=None) -> Service:  # type: ignore[no-untyped-def]
    return Service.objects.create(
        provider=provider or tenant.partner,
        name="Forklift training",
        kind="traineeship",
        area="City",
        active_from=TODAY() - DAY,
        needs_met=["job_search"],
    )


def _started(send: Send) -> Send:
    send.status = Send.Status.STARTED
    send.started_on = TODAY() - 10 * DAY
    send.save()
    return send


def test_referring_on_while_still_on_the_course_keeps_it_open(world, signed_in) -> None:
    """Choosing "still on it" leaves the current service started; the new one chains to it."""
    a = world["A"]
    current = _started(a.send)
    second = _second_service(a)
    client = signed_in(a.users["partner_provider"])
    url = reverse("referrals:received-detail", args=[current.pk])
    response = client.post(url, {"onward": "1", "service": second.pk, "version": current.version})
    assert response.status_code == 200  # the officer must say whether the current service goes on
    assert "Select whether they are still on" in response.content.decode()
    assert not Send.objects.filter(service=second).exists()
    response = client.post(
        url, {"onward": "1", "service": second.pk, "version": current.version, "current": "continues"}
    )
    assert response.status_code == 302
    current.refresh_from_db()
    assert current.status == Send.Status.STARTED
    assert current.ended_on is None
    assert Send.objects.get(service=second).previous == current


def test_referring_on_after_they_have_moved_on_ends_the_current_service(world) -> None:
    """Choosing "moved on" ends the current service as before."""
    a = world["A"]
    current = _started(a.send)
    onward = services.send_onward(
        acting_user=a.users["partner_provider"],
        send=current,
        service=_second_service(a),
        version=current.version,
        end_current=True,
    )
    current.refresh_from_db()
    assert current.status == Send.Status.MOVED_ON
    assert current.ended_on == TODAY()
    assert onward.previous == current


def test_referring_on_to_an_organisation_the_consent_does_not_cover_gives_a_clear_error(world, signed_in) -> None:
    """The service field carries the reason, in the error summary; nothing is sent or ended."""
    a = world["A"]
    current = _started(a.send)
    elsewhere = PartnerFactory(name="Quayside Skills Trust", councils=[a.council])
    other = _second_service(a, provider=elsewhere)
    client = signed_in(a.users["partner_provider"])
    response = client.post(
        reverse("referrals:received-detail", args=[current.pk]),
        {"onward": "1", "service": other.pk, "version": current.version, "current": "ended"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    message = (
        f"{a.person.display_name} has not agreed that Quayside Skills Trust may receive this referral: "
        "choose a service their consent covers, or ask their personal adviser to record their consent first"
    ).replace("'", "&#x27;")
    assert f'<a href="#id_service">{message}</a>' in text
    assert not Send.objects.filter(service=other).exists()
    current.refresh_from_db()
    assert current.status == Send.Status.STARTED


def test_triage_suggestions_say_which_services_the_consent_covers(world, signed_in) -> None:
    """Each suggested service says whether the young person's consent lets the referral go to its provider."""
    a = world["A"]
    a.referral.status = Referral.Status.AWAITING_TRIAGE
    a.referral.save()
    elsewhere = PartnerFactory(name="Quayside Skills Trust", councils=[a.council])
    _second_service(a, provider=elsewhere)
    client = signed_in(a.users["triage_coordinator"])
    response = client.get(reverse("referrals:referral-detail", args=[a.referral.pk]))
    labels = dict(response.context["triage_form"].fields["services"].choices)
    assert labels[a.service.pk].endswith("Consent covers it")
    assert labels[Service.objects.get(provider=elsewhere).pk].endswith("Not covered by their consent")


def test_the_triage_queue_puts_urgent_and_high_priority_first_then_the_oldest(world, signed_in) -> None:
    """Priority first (urgent, high, normal), then the longest waiting."""
    a = world["A"]
    for name, priority, days_ago in (
        ("Normal old", "normal", 9),
        ("High new", "high", 1),
        ("Normal new", "normal", 2),
        ("Urgent new", "urgent", 0),
        ("High old", "high", 5),
    ):
        person = YoungPersonFactory(council=a.council, legal_given_name=name, team=a.team)
        referral = Referral.objects.create(
            council=a.council,
            person=person,
            made_by=a.users["personal_adviser"],
            needs=["cv"],
            priority=priority,
            triage_due=TODAY() + 5 * DAY,
        )
        Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - days_ago * DAY)
    client = signed_in(a.users["triage_coordinator"])
    queue = [r.person.legal_given_name for r in client.get(reverse("referrals:triage-queue")).context["queue"]]
    assert queue == ["Urgent new", "High old", "High new", "Normal old", "Normal new"]


def test_the_triage_queue_and_the_referral_list_are_shown_fifty_at_a_time(world, signed_in) -> None:
    """Every referral is reachable, a page at a time, in the queue's order across pages; each page
    seen is in the audit trail, as every list of young people is."""
    a = world["A"]
    for n in range(55):
        person = YoungPersonFactory(council=a.council, legal_given_name=f"Waiting {n:02d}", team=a.team)
        referral = Referral.objects.create(
            council=a.council, person=person, made_by=a.users["personal_adviser"], needs=["cv"], triage_due=TODAY()
        )
        Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - (60 - n) * DAY)
    client = signed_in(a.users["triage_coordinator"])
    url = reverse("referrals:triage-queue")
    first, second = client.get(url), client.get(url + "?page=2")
    waiting = [r.person.legal_given_name for r in [*first.context["queue"], *second.context["queue"]]]
    assert len(first.context["queue"]) == referral_views.PAGE_SIZE
    assert waiting[:55] == [f"Waiting {n:02d}" for n in range(55)]
    assert f"{first.context['page'].paginator.count} referrals waiting for a decision" in first.content.decode()
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' in second.content.decode()
    listed = reverse("referrals:referral-list")
    pages = [client.get(listed + f"?page={n}") for n in (1, 2)]
    everyone = {r.pk for page in pages for r in page.context["referrals"]}
    assert len(pages[0].context["referrals"]) == referral_views.PAGE_SIZE
    assert everyone == set(Referral.objects.filter(council=a.council).values_list("pk", flat=True))
    listed_by = AuditEvent.objects.filter(
        action=AuditEvent.Action.LIST, actor=a.users["triage_coordinator"], council=a.council
    ).values_list("summary", flat=True)
    assert {"Triage queue, page 1", "Triage queue, page 2", "Referrals, page 1", "Referrals, page 2"} <= set(listed_by)


def test_organisations_covered_follows_expiry_and_withdrawal(world) -> None:
    """The set of organisations a consent covers: the named ones until it expires (inclusive) or is withdrawn."""
    a = world["A"]
    consent = a.referral.consent
    assert consent_rules.organisations_covered(None) == set()
    assert consent_rules.organisations_covered(consent) == {a.partner.pk}
    assert consent_rules.organisations_covered(consent, consent.expires_on) == {a.partner.pk}
    assert consent_rules.organisations_covered(consent, consent.expires_on + DAY) == set()
    consent.withdrawn_at = timezone.now()
    assert consent_rules.organisations_covered(consent) == set()


def test_a_referral_in_the_lists_shows_who_what_its_status_and_when_triage_is_due(world, signed_in) -> None:
    """Each row: the young person's name linking to the referral, its priority, needs, status and triage
    date; in the triage queue, a referral past its triage date is marked overdue."""
    a = world["A"]
    person = YoungPersonFactory(council=a.council, legal_given_name="Oluwaseun", preferred_name="", team=a.team)
    late = Referral.objects.create(
        council=a.council,
        person=person,
        made_by=a.users["personal_adviser"],
        needs=["cv", "job_search"],
        priority="high",
        triage_due=datetime.date(2026, 3, 9),
    )
    client = signed_in(a.users["triage_coordinator"])
    queue = client.get(reverse("referrals:triage-queue")).content.decode()
    row = next(r for r in queue.split("<tr ") if "Oluwaseun" in r)
    assert (
        f'href="{reverse("referrals:referral-detail", args=[late.pk])}">Oluwaseun {person.legal_family_name}</a>' in row
    )
    assert "High priority" in row and late.get_status_display() in row
    assert ", ".join(late.need_labels) in row and "9 Mar 2026" in row
    assert "Overdue" in row
    listed = client.get(reverse("referrals:referral-list")).content.decode()
    assert "9 Mar 2026" in next(r for r in listed.split("<tr ") if "Oluwaseun" in r)
    Referral.objects.filter(pk=late.pk).update(triage_due=TODAY() + DAY)
    queue = client.get(reverse("referrals:triage-queue")).content.decode()
    assert "Overdue" not in next(r for r in queue.split("<tr ") if "Oluwaseun" in r)
