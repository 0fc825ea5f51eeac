"""Review rounds: opening asks each lead for updates, reminders go before the deadline, closing keeps a snapshot."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onward.plans import access as plan_access
from onward.plans import selectors, services
from onward.plans.models import Item, ReviewRound
from tests.conftest import Tenant


def _second_item(tenant: Tenant) -> Item:
    return services.item_save(
        acting_user=tenant.users["performance_officer"],
        plan=tenant.plan,
        item=None,
        leads=[tenant.users["team_manager"]],
        target_dates=[],
        reference="1.2",
        text="Agree a protocol with the careers service",
    )


def _update(tenant: Tenant, item: Item, user_role: str = "plan_lead") -> None:
    services.update_record(
        acting_user=tenant.users[user_role],
        item=item,
        dated=timezone.localdate(),
        achievements=["Met the college"],
        next_steps=["Draft the protocol"],
        rating="A",
        evidence_of_progress="Minutes of the meeting",
    )


def _fresh_round(tenant: Tenant, due_in: int = 5) -> ReviewRound:
    """Close the fixture's round and open a new one due in ``due_in`` days."""
    officer = tenant.users["performance_officer"]
    services.round_close(acting_user=officer, review_round=tenant.review_round)
    return services.round_open(
        acting_user=officer,
        plan=tenant.plan,
        name="Summer review",
        due_on=timezone.localdate() + datetime.timedelta(days=due_in),
    )


def test_opening_a_round_shows_each_lead_what_is_due_from_them(world, signed_in) -> None:
    """The plan lead's home page and due list show their item; once they update, it is no longer due."""
    tenant = world["A"]
    lead = tenant.users["plan_lead"]
    due = selectors.due_from(lead, plan_access.plans_visible_to(lead))
    assert [(d.review_round, [i.pk for i in d.items]) for d in due] == [(tenant.review_round, [tenant.plan_item.pk])]
    client = signed_in(lead)
    home = client.get(reverse("core:home")).content.decode()
    assert "1 plan update due from you" in home
    assert tenant.plan_item.reference in client.get(reverse("plans:due")).content.decode()
    _update(tenant, tenant.plan_item)
    assert selectors.due_from(lead, plan_access.plans_visible_to(lead)) == []
    assert "plan update due from you" not in client.get(reverse("core:home")).content.decode()


def test_the_plan_owner_sees_who_has_not_updated(world, signed_in) -> None:
    """The round page and the owner's home page list items still owed, with their leads."""
    tenant = world["A"]
    second = _second_item(tenant)
    _update(tenant, tenant.plan_item)
    outstanding = selectors.not_updated(tenant.review_round)
    assert [(row["item"], row["leads"]) for row in outstanding] == [(second, [tenant.users["team_manager"].full_name])]
    client = signed_in(tenant.users["performance_officer"])
    page = client.get(reverse("plans:round-detail", kwargs={"pk": tenant.review_round.pk})).content.decode()
    assert escape(tenant.users["team_manager"].full_name) in page
    assert "1 item not yet updated for Spring review" in client.get(reverse("core:home")).content.decode()


def test_only_one_round_is_open_at_a_time_and_due_dates_are_not_past(world) -> None:
    """A second round cannot open while one is open; a round cannot be due in the past."""
    tenant = world["A"]
    officer = tenant.users["performance_officer"]
    with pytest.raises(ValidationError, match="already has an open review round"):
        services.round_open(acting_user=officer, plan=tenant.plan, name="Another", due_on=timezone.localdate())
    services.round_close(acting_user=officer, review_round=tenant.review_round)
    with pytest.raises(ValidationError):
        services.round_open(
            acting_user=officer,
            plan=tenant.plan,
            name="Late",
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )


def test_closing_keeps_a_snapshot_that_later_changes_do_not_alter(world, signed_in) -> None:
    """The snapshot holds each item's update in the round; it stays as it was after new updates."""
    tenant = world["A"]
    _second_item(tenant)
    _update(tenant, tenant.plan_item)
    closed = services.round_close(acting_user=tenant.users["performance_officer"], review_round=tenant.review_round)
    items = {row["reference"]: row for row in closed.snapshot["items"]}
    assert items["1.1"]["updated_in_round"] is True
    assert items["1.1"]["update"]["achievements"] == ["Met the college"]
    assert items["1.1"]["update"]["rating_label"] == "Amber"
    assert items["1.2"]["updated_in_round"] is False
    assert {c["label"]: c["count"] for c in closed.snapshot["summary"]}["Amber"] == 1
    with pytest.raises(ValidationError, match="already closed"):
        services.round_close(acting_user=tenant.users["performance_officer"], review_round=closed)
    services.update_record(
        acting_user=tenant.users["performance_officer"],
        item=tenant.plan_item,
        dated=timezone.localdate(),
        achievements=["A later achievement"],
        next_steps=[],
        rating="G",
    )
    closed.refresh_from_db()
    assert closed.snapshot["items"][0]["update"]["achievements"] == ["Met the college"]
    page = signed_in(tenant.users["councillor"]).get(reverse("plans:round-detail", kwargs={"pk": closed.pk}))
    body = page.content.decode()
    assert "Met the college" in body
    assert "A later achievement" not in body


def test_closing_a_round_through_the_page(world, signed_in) -> None:
    """A manager closes the round with the button; a lead's POST is refused."""
    tenant = world["A"]
    url = reverse("plans:round-close", kwargs={"pk": tenant.review_round.pk})
    assert signed_in(tenant.users["plan_lead"]).post(url).status_code == 403
    response = signed_in(tenant.users["performance_officer"]).post(url)
    assert response.status_code == 302
    tenant.review_round.refresh_from_db()
    assert tenant.review_round.closed_at is not None
    assert tenant.review_round.snapshot["items"]


def test_opening_a_round_through_the_page(world, signed_in) -> None:
    """The open-a-round form explains a missing due date, then opens the round."""
    tenant = world["A"]
    officer = tenant.users["performance_officer"]
    services.round_close(acting_user=officer, review_round=tenant.review_round)
    client = signed_in(officer)
    url = reverse("plans:round-open", kwargs={"pk": tenant.plan.pk})
    response = client.post(url, {"name": "Autumn review"})
    assert "Enter the date updates are due" in response.content.decode()
    due = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        url, {"name": "Autumn review", "due_on_0": due.day, "due_on_1": due.month, "due_on_2": due.year}
    )
    assert response.status_code == 302
    assert tenant.plan.rounds.get(closed_at__isnull=True).name == "Autumn review"


def test_reminders_go_to_leads_with_updates_due_within_the_window(world) -> None:
    """Leads owing updates in a round due within N days get one email listing their items; others get none."""
    tenant = world["A"]
    _second_item(tenant)
    _fresh_round(tenant, due_in=5)
    mail.outbox.clear()
    call_command("remind_plan_leads", "--days", "3", stdout=io.StringIO())
    assert mail.outbox == []
    call_command("remind_plan_leads", "--days", "7", stdout=io.StringIO())
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([tenant.users["plan_lead"].email, tenant.users["team_manager"].email])
    lead_mail = next(m for m in mail.outbox if m.to == [tenant.users["plan_lead"].email])
    assert "1.1" in lead_mail.body
    assert "1.2" not in lead_mail.body


def test_no_reminder_once_the_update_is_in(world) -> None:
    """A lead who has updated every item they lead is not reminded."""
    tenant = world["A"]
    review_round = _fresh_round(tenant, due_in=2)
    _update(tenant, tenant.plan_item)
    assert tenant.plan_item.updates.get().round == review_round
    mail.outbox.clear()
    call_command("remind_plan_leads", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == []


@pytest.mark.parametrize(
    ("cycle", "today", "expected"),
    [
        ("annual", datetime.date(2026, 3, 1), datetime.date(2026, 9, 30)),
        ("annual", datetime.date(2026, 10, 1), datetime.date(2027, 9, 30)),
        ("quarterly", datetime.date(2026, 1, 15), datetime.date(2026, 3, 30)),
        ("six_monthly", datetime.date(2025, 10, 1), datetime.date(2026, 3, 30)),
        ("monthly", datetime.date(2025, 11, 29), datetime.date(2025, 11, 30)),
    ],
)
def test_the_next_review_follows_the_cycle_from_the_date_agreed(world, cycle, today, expected) -> None:
    """A plan agreed on 30 September 2025 is next reviewed 12 months, a quarter, 6 months or a month on."""
    plan = world["A"].plan
    plan.agreed_on = datetime.date(2025, 9, 30)
    plan.review_cycle = cycle
    assert selectors.next_review_on(plan, today) == expected
