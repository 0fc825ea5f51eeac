"""Directory entries belong to the organisation that provides them; the consent override is reachable."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from onward.accounts.models import Partnership
from onward.accounts.permissions import ROLES, Perm
from onward.audit.models import AuditEvent
from onward.referrals.models import Referral, Send, Service
from tests.factories import PartnerFactory, UserFactory


def _service_post(name: str, provider_pk: int, version: int | None = None) -> dict[str, object]:
    today = timezone.localdate()
    data: dict[str, object] = {
        "name": name,
        "kind": "employability",
        "min_age": 16,
        "max_age": 25,
        "area": "Citywide",
        "active_from_0": today.day,
        "active_from_1": today.month,
        "active_from_2": today.year,
        "provider": provider_pk,
    }
    if version is not None:
        data["version"] = version
    return data


def test_another_councils_triage_coordinator_cannot_change_a_shared_partners_service(world, signed_in) -> None:
    """Council B works with A's partner too; B's triage coordinator reads its service but cannot rename or end it."""
    a, b = world["A"], world["B"]
    Partnership.objects.create(council=b.council, partner=a.partner, status=Partnership.Status.ACCEPTED)
    client = signed_in(b.users["triage_coordinator"])
    url = reverse("referrals:service-update", kwargs={"pk": a.service.pk})
    assert client.get(reverse("referrals:service-detail", kwargs={"pk": a.service.pk})).status_code == 200
    assert client.get(url).status_code == 404
    response = client.post(url, _service_post("Renamed by another council", a.partner.pk, a.service.version))
    assert response.status_code == 404
    a.service.refresh_from_db()
    assert a.service.name != "Renamed by another council" and a.service.active_to is None


def test_a_councils_triage_coordinator_changes_only_its_own_councils_services(world, signed_in) -> None:
    """Council staff keep the council's own entries; the partner's entries are the partner's to keep."""
    a = world["A"]
    client = signed_in(a.users["triage_coordinator"])
    assert client.get(reverse("referrals:service-update", kwargs={"pk": a.service.pk})).status_code == 404
    form = client.get(reverse("referrals:service-create")).content.decode()
    assert a.partner.name not in form
    refused = client.post(reverse("referrals:service-create"), _service_post("Partner course", a.partner.pk))
    assert refused.status_code == 200
    assert not Service.objects.filter(name="Partner course").exists()
    created = client.post(reverse("referrals:service-create"), _service_post("Council job club", a.council.pk))
    assert created.status_code == 302
    own = Service.objects.get(name="Council job club")
    assert own.provider == a.council
    renamed = client.post(
        reverse("referrals:service-update", kwargs={"pk": own.pk}),
        _service_post("Council job club (evenings)", a.council.pk, own.version),
    )
    assert renamed.status_code == 302


def test_a_partner_keeps_its_own_services_and_its_trail_records_it(world, signed_in) -> None:
    """The partner's provider renames its own entry; the change is in the partner's audit trail."""
    a = world["A"]
    client = signed_in(a.users["partner_provider"])
    response = client.post(
        reverse("referrals:service-update", kwargs={"pk": a.service.pk}),
        _service_post("Steps into Work (new name)", a.partner.pk, a.service.version),
    )
    assert response.status_code == 302
    a.service.refresh_from_db()
    assert a.service.name == "Steps into Work (new name)"
    assert AuditEvent.objects.filter(object_type="referrals.Service", object_id=str(a.service.pk), council=a.partner)


# The consent override ------------------------------------------------------------------------------


def test_a_role_a_council_can_grant_holds_the_consent_override() -> None:
    """The override is not a dead permission: a council role holds it."""
    holders = [role for role in ROLES if Perm.OVERRIDE_CONSENT in role.permissions]
    assert holders and all(not role.for_partners for role in holders)


def _unconsented_service(a):  # type: ignore[no-untyped-def]
    elsewhere = PartnerFactory(name="Hillside Charity", kind="charity", councils=[a.council])
    return Service.objects.create(
        provider=elsewhere,
        name="Hillside Mentoring",
        kind="mentoring",
        area="City",
        active_from=timezone.localdate() - datetime.timedelta(days=1),
        needs_met=["job_search"],
    )


def _waiting_referral(a) -> Referral:  # type: ignore[no-untyped-def]
    referral = a.referral
    referral.status = Referral.Status.AWAITING_TRIAGE
    referral.save()
    referral.sends.all().delete()
    return referral


def test_the_consent_override_lead_sends_without_covering_consent_from_the_triage_page(world, signed_in) -> None:
    """The override lead sees the reason box and sends to an organisation consent does not name, with the reason."""
    a = world["A"]
    service = _unconsented_service(a)
    referral = _waiting_referral(a)
    url = reverse("referrals:referral-detail", kwargs={"pk": referral.pk})
    triage_page = signed_in(a.users["triage_coordinator"]).get(url).content.decode()
    assert "Hillside Mentoring" in triage_page
    assert "override_reason" not in triage_page
    lead = UserFactory(organisation=a.council, roles=["consent_override_lead"], teams=[a.team])
    client = signed_in(lead)
    page = client.get(url).content.decode()
    assert "override_reason" in page
    post = {
        "decision": "refer",
        "services": [service.pk],
        "priority": referral.priority,
        "note": "",
        "version": referral.version,
    }
    refused = client.post(url, post)
    assert "Enter why the referral goes to Hillside Charity" in refused.content.decode()
    sent = client.post(url, {**post, "override_reason": "Risk of harm: urgent support"})
    assert sent.status_code == 302
    send = Send.objects.get(referral=referral, service=service)
    assert send.consent_override_reason == "Risk of harm: urgent support"
    assert AuditEvent.objects.filter(
        object_type="referrals.Send", object_id=str(send.pk), summary__startswith="Sent without covering consent"
    ).exists()


def test_a_triage_coordinator_without_the_override_is_refused(world, signed_in) -> None:
    """Posting a reason does not help a triage coordinator who does not hold the override."""
    a = world["A"]
    service = _unconsented_service(a)
    referral = _waiting_referral(a)
    response = signed_in(a.users["triage_coordinator"]).post(
        reverse("referrals:referral-detail", kwargs={"pk": referral.pk}),
        {
            "decision": "refer",
            "services": [service.pk],
            "priority": referral.priority,
            "override_reason": "Because",
            "version": referral.version,
        },
    )
    assert "has not agreed that Hillside Charity may receive the referral" in response.content.decode()
    assert not Send.objects.filter(service=service).exists()
