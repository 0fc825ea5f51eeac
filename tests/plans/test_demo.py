"""The demo council holds one plan for each seed document, in each of the four shapes, with two review rounds
of history."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from onward.accounts.models import User
from onward.plans import access as plan_access
from onward.plans import selectors
from onward.plans.models import Item, Plan


@pytest.mark.django_db
def test_the_demo_has_five_plans_with_history_and_work_for_the_plan_lead() -> None:
    """One plan per seed in every shape, each with a closed round (snapshot kept) and an open one; loading twice adds nothing."""
    call_command("load_demo", "--quiet")
    call_command("load_demo", "--quiet")
    lead = User.objects.get(email="planlead@wexbridge.example")
    plans = Plan.objects.filter(council=lead.organisation)
    assert plans.count() == 5 and set(plans.values_list("kind", flat=True)) == set(Plan.Kind.values)
    for plan in plans:
        closed = plan.rounds.filter(closed_at__isnull=False)
        open_rounds = plan.rounds.filter(closed_at__isnull=True)
        assert closed.count() == 1 and open_rounds.count() == 1, plan
        snapshot = closed.get().snapshot
        assert len(snapshot["items"]) == plan.items.count()
        assert all(row["update"] for row in snapshot["items"]), plan
        assert closed.get().due_on < open_rounds.get().opened_on
    assert Item.objects.filter(plan__in=plans, status=Item.Status.SUPERSEDED).exists()
    assert Item.objects.filter(plan__in=plans, status=Item.Status.WITHDRAWN).exists()
    assert Item.objects.filter(plan__in=plans, leads=lead).count() >= 5
    assert selectors.due_from(lead, plan_access.plans_visible_to(lead))
    action_plan = plans.get(title="Leaving care NEET reduction action plan")
    stepped = action_plan.items.get(reference="2.1").measures.get(indicator_code="he_19_21")
    # Bound to higher education: the plan quotes the targets page's steps, with none typed into the plan.
    assert not stepped.targets.exists()
    status = selectors.measure_status(stepped, council=action_plan.council, as_at=datetime.date(2026, 6, 1))
    assert [row.value for row in status.targets] == [6, 8, 10, 12]
    assert status.in_force is not None and status.in_force.describe == "10% by 1 April 2026"

    # The panel's themed meeting: attendance by role, and decisions that updated 3.1 and added 3.3.
    meeting = action_plan.meetings.get()
    assert meeting.theme == "Into work" and len(meeting.attendance_list) == 5
    assert [d.summary.split(":")[0] for d in meeting.decisions.all()] == ["Noted", "Update to 3.1", "New action 3.3"]
    assert action_plan.items.get(reference="3.3").decisions.get().meeting == meeting
