"""Progress updates are kept forever; items move through open, achieved, superseded and withdrawn with reasons."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.plans import selectors, services
from onward.plans.models import Item, Plan, Update
from tests.conftest import Tenant


def _update(tenant: Tenant, *, days_ago: int = 0, rating: str = "G", progress: str = "", **extra: object) -> Update:
    return services.update_record(
        acting_user=extra.pop("user", tenant.users["plan_lead"]),  # type: ignore[arg-type]
        item=tenant.plan_item,
        dated=timezone.localdate() - datetime.timedelta(days=days_ago),
        achievements=["Guidance sessions booked", "  "],
        next_steps=["Review attendance"],
        rating=rating,
        evidence_of_progress=progress,
        **extra,  # type: ignore[arg-type]
    )


def _other_item(tenant: Tenant, reference: str = "1.2") -> Item:
    return services.item_save(
        acting_user=tenant.users["performance_officer"],
        plan=tenant.plan,
        item=None,
        leads=[],
        target_dates=[],
        reference=reference,
        text="A replacement action",
    )


# Update history --------------------------------------------------------------------------------------


def test_every_earlier_update_is_kept_and_shown_newest_first(world, signed_in) -> None:
    """Three updates over time are all in the item's history, and the page shows each one."""
    tenant = world["A"]
    first = _update(tenant, days_ago=60, rating="R", progress="First quarter figures")
    second = _update(tenant, days_ago=30, rating="A", progress="Second quarter figures")
    third = _update(tenant, days_ago=0, rating="G", progress="Third quarter figures")
    assert selectors.item_history(tenant.plan_item) == [third, second, first]
    assert first.achievements == ["Guidance sessions booked"]
    page = signed_in(tenant.users["councillor"]).get(reverse("plans:item-detail", kwargs={"pk": tenant.plan_item.pk}))
    body = page.content.decode()
    for text in ("First quarter figures", "Second quarter figures", "Third quarter figures"):
        assert text in body
    assert body.index("Third quarter") < body.index("First quarter")


def test_the_latest_rating_is_the_one_counted(world) -> None:
    """The summary counts an item by its latest update's rating, not an earlier one."""
    tenant = world["A"]
    _update(tenant, days_ago=10, rating="R")
    _update(tenant, days_ago=1, rating="G")
    counts = {c.key: c.count for c in selectors.plan_summary(tenant.plan)["ratings"]}
    assert counts == {"G": 1, "A": 0, "R": 0, "": 0}


def test_an_update_is_audited_and_belongs_to_the_open_round(world) -> None:
    """The update is linked to the plan's open review round and leaves an audit entry."""
    tenant = world["A"]
    update = _update(tenant)
    assert update.round == tenant.review_round
    assert AuditEvent.objects.filter(object_type__icontains="update", object_id=str(update.pk)).exists()


def test_a_lead_may_update_only_the_items_they_lead(world) -> None:
    """The plan lead cannot record progress on an item somebody else leads; a manager of plans can."""
    tenant = world["A"]
    other = _other_item(tenant)
    with pytest.raises(PermissionDenied):
        services.update_record(
            acting_user=tenant.users["plan_lead"],
            item=other,
            dated=timezone.localdate(),
            achievements=["x"],
            next_steps=[],
            rating="",
        )
    services.update_record(
        acting_user=tenant.users["performance_officer"],
        item=other,
        dated=timezone.localdate(),
        achievements=["Done by the manager"],
        next_steps=[],
        rating="",
    )
    assert other.updates.count() == 1


def test_an_empty_or_future_update_is_refused(world) -> None:
    """An update must say something, and cannot be dated in the future."""
    tenant = world["A"]
    with pytest.raises(ValidationError, match="Enter the progress"):
        services.update_record(
            acting_user=tenant.users["plan_lead"],
            item=tenant.plan_item,
            dated=timezone.localdate(),
            achievements=[" "],
            next_steps=[],
            rating="",
        )
    with pytest.raises(ValidationError):
        _update(tenant, days_ago=-1)
    assert not Update.objects.exists()


def test_scrutiny_responses_are_recorded_on_a_scrutiny_plan(world, signed_in) -> None:
    """A scrutiny action plan asks for the initial response, second response and outstanding actions."""
    tenant = world["A"]
    Plan.objects.filter(pk=tenant.plan.pk).update(kind=Plan.Kind.SCRUTINY_RESPONSE)
    client = signed_in(tenant.users["plan_lead"])
    url = reverse("plans:update-create", kwargs={"pk": tenant.plan_item.pk})
    assert "Second response" in client.get(url).content.decode()
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "dated_0": today.day,
            "dated_1": today.month,
            "dated_2": today.year,
            "initial_response": "We accept the recommendation",
            "second_response": "A working group has met twice",
            "outstanding_actions": "Agree the guidance",
            "rating": "A",
        },
    )
    assert response.status_code == 302
    update = tenant.plan_item.updates.get()
    assert (update.initial_response, update.second_response, update.outstanding_actions) == (
        "We accept the recommendation",
        "A working group has met twice",
        "Agree the guidance",
    )


def test_the_update_form_splits_lists_one_per_line_and_keeps_input_on_error(world, signed_in) -> None:
    """✓ and ⇒ textareas become lists; a bad date shows a GOV.UK message and keeps what was typed."""
    tenant = world["A"]
    client = signed_in(tenant.users["plan_lead"])
    url = reverse("plans:update-create", kwargs={"pk": tenant.plan_item.pk})
    bad = client.post(url, {"dated_0": "31", "dated_1": "2", "dated_2": "2026", "achievements": "Kept text"})
    assert bad.status_code == 200
    assert "Date of the update must be a real date" in bad.content.decode()
    assert "Kept text" in bad.content.decode()
    today = timezone.localdate()
    client.post(
        url,
        {
            "dated_0": today.day,
            "dated_1": today.month,
            "dated_2": today.year,
            "achievements": "First thing\n\nSecond thing",
            "next_steps": "Next thing",
            "rating": "G",
        },
    )
    update = tenant.plan_item.updates.get()
    assert update.achievements == ["First thing", "Second thing"]
    assert update.next_steps == ["Next thing"]


# Lifecycle --------------------------------------------------------------------------------------------


def test_an_item_is_achieved_with_a_reason_and_can_be_reopened(world) -> None:
    """Open to achieved, then reopened; each move keeps its reason and is audited."""
    tenant = world["A"]
    officer = tenant.users["performance_officer"]
    item = services.item_set_status(
        acting_user=officer, item=tenant.plan_item, status="achieved", reason="All Year 11s seen", version=1
    )
    assert (item.status, item.status_reason) == ("achieved", "All Year 11s seen")
    item = services.item_set_status(
        acting_user=officer, item=item, status="open", reason="A new cohort started", version=item.version
    )
    assert item.status == "open"
    assert AuditEvent.objects.filter(summary__startswith="Marked achieved").exists()


def test_superseding_names_the_replacement_and_withdrawing_needs_a_reason(world) -> None:
    """A superseded item points at the item replacing it; no move is allowed without a reason."""
    tenant = world["A"]
    officer = tenant.users["performance_officer"]
    replacement = _other_item(tenant)
    with pytest.raises(ValidationError, match="supersedes"):
        services.item_set_status(
            acting_user=officer, item=tenant.plan_item, status="superseded", reason="Merged", version=1
        )
    with pytest.raises(ValidationError, match="reason"):
        services.item_set_status(
            acting_user=officer,
            item=tenant.plan_item,
            status="superseded",
            reason=" ",
            superseded_by=replacement,
            version=1,
        )
    item = services.item_set_status(
        acting_user=officer,
        item=tenant.plan_item,
        status="superseded",
        reason="Merged",
        superseded_by=replacement,
        version=1,
    )
    assert item.superseded_by == replacement
    with pytest.raises(ValidationError, match="cannot be marked"):
        services.item_set_status(
            acting_user=officer, item=item, status="withdrawn", reason="No longer needed", version=item.version
        )
    withdrawn = services.item_set_status(
        acting_user=officer, item=replacement, status="withdrawn", reason="Budget cut", version=replacement.version
    )
    assert withdrawn.status_reason == "Budget cut"


def test_superseded_and_withdrawn_items_stay_visible_struck_through(world, signed_in) -> None:
    """The plan page still lists a withdrawn item, struck through with its reason, and no longer counts it."""
    tenant = world["A"]
    _update(tenant, rating="R")
    services.item_set_status(
        acting_user=tenant.users["performance_officer"],
        item=tenant.plan_item,
        status="withdrawn",
        reason="Funding ended",
        version=1,
    )
    body = signed_in(tenant.users["councillor"]).get(reverse("plans:plan-detail", kwargs={"pk": tenant.plan.pk}))
    text = body.content.decode()
    assert f'<del class="onward-superseded">{tenant.plan_item.text}</del>' in text
    assert "Funding ended" in text
    counts = {c.key: c.count for c in selectors.plan_summary(tenant.plan)["ratings"]}
    assert counts["R"] == 0


def test_no_update_on_a_closed_item(world) -> None:
    """Progress cannot be recorded on an achieved, superseded or withdrawn item until it is reopened."""
    tenant = world["A"]
    services.item_set_status(
        acting_user=tenant.users["performance_officer"],
        item=tenant.plan_item,
        status="achieved",
        reason="Done",
        version=1,
    )
    tenant.plan_item.refresh_from_db()
    with pytest.raises(ValidationError, match="reopen"):
        _update(tenant)


def test_a_stale_item_change_is_refused(world) -> None:
    """Two managers change the same item: the second, working from an old version, is refused."""
    tenant = world["A"]
    officer = tenant.users["performance_officer"]
    services.item_set_status(acting_user=officer, item=tenant.plan_item, status="achieved", reason="Done", version=1)
    with pytest.raises(ValidationError, match="Someone else changed"):
        services.item_set_status(
            acting_user=officer, item=tenant.plan_item, status="withdrawn", reason="Old view", version=1
        )


def test_the_status_page_changes_the_status(world, signed_in) -> None:
    """A manager marks an item withdrawn on the status page; without a reason the page explains."""
    tenant = world["A"]
    client = signed_in(tenant.users["performance_officer"])
    url = reverse("plans:item-status", kwargs={"pk": tenant.plan_item.pk})
    response = client.post(url, {"status": "withdrawn", "reason": "", "version": 1})
    assert "Enter the reason for the change" in response.content.decode()
    response = client.post(url, {"status": "withdrawn", "reason": "No longer funded", "version": 1})
    assert response.status_code == 302
    tenant.plan_item.refresh_from_db()
    assert tenant.plan_item.status == "withdrawn"
