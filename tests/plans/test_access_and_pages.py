"""Who may read and change plans, the council boundary, and the pages that build a plan."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onward.plans import access as plan_access
from onward.plans import services
from onward.plans.models import Item, Measure, MeasureTarget, Plan, RatingScheme, Section


def test_plans_are_visible_only_within_the_council(world) -> None:
    """Council A's staff see A's plans and items only; partners and roles without the permission see none."""
    a, b = world["A"], world["B"]
    councillor = a.users["councillor"]
    assert list(plan_access.plans_visible_to(councillor)) == [a.plan]
    assert b.plan_item not in plan_access.plan_items_visible_to(councillor)
    assert not plan_access.plans_visible_to(a.users["partner_provider"]).exists()
    assert not plan_access.plans_visible_to(a.users["personal_adviser"]).exists()
    assert not plan_access.can_update_item(a.users["plan_lead"], b.plan_item)


def test_a_manager_of_council_a_cannot_change_council_b_plans(world, signed_in) -> None:
    """Posting to B's item status page from A answers 404 and changes nothing."""
    b = world["B"]
    client = signed_in(world["A"].users["performance_officer"])
    response = client.post(
        reverse("plans:item-status", kwargs={"pk": b.plan_item.pk}),
        {"status": "withdrawn", "reason": "Taken over", "version": 1},
    )
    assert response.status_code == 404
    b.plan_item.refresh_from_db()
    assert b.plan_item.status == "open"
    response = client.post(reverse("plans:round-close", kwargs={"pk": b.review_round.pk}))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "sees_record_button"),
    [("plan_lead", True), ("performance_officer", True), ("councillor", False), ("team_manager", False)],
)
def test_record_an_update_is_offered_to_leads_and_managers_only(world, signed_in, role, sees_record_button) -> None:
    """The item page offers "Record an update" to the item's lead and to managers of plans."""
    tenant = world["A"]
    page = signed_in(tenant.users[role]).get(reverse("plans:item-detail", kwargs={"pk": tenant.plan_item.pk}))
    assert ("Record an update" in page.content.decode()) is sees_record_button


def test_a_lead_cannot_open_the_update_form_for_an_item_they_do_not_lead(world, signed_in) -> None:
    """Another item of the same plan, led by someone else, answers 403 to the plan lead."""
    tenant = world["A"]
    other = Item.objects.create(plan=tenant.plan, reference="9", text="Someone else's")
    response = signed_in(tenant.users["plan_lead"]).get(reverse("plans:update-create", kwargs={"pk": other.pk}))
    assert response.status_code == 403


def test_plans_navigation_shows_to_holders_of_view_plans(world, signed_in) -> None:
    """The councillor sees "Plans" in the navigation; a personal adviser does not."""
    tenant = world["A"]
    assert 'href="/plans/"' in signed_in(tenant.users["councillor"]).get("/").content.decode()
    assert 'href="/plans/"' not in signed_in(tenant.users["personal_adviser"]).get("/").content.decode()


def test_building_a_plan_through_the_pages(world, signed_in) -> None:
    """A manager creates a graded scrutiny plan, a theme with an objective and its criteria, and an item with two target dates."""
    tenant = world["A"]
    client = signed_in(tenant.users["performance_officer"])
    response = client.post(
        reverse("plans:plan-create"),
        {
            "title": "Scrutiny review of care leavers' work",
            "kind": "scrutiny_monitoring",
            "owning_body": "Children and Young People Select Committee",
            "owner": tenant.users["performance_officer"].pk,
            "review_cycle": "annual",
            "rating_scheme": "grading",
            "agreed_on_0": "1",
            "agreed_on_1": "9",
            "agreed_on_2": "2025",
        },
    )
    assert response.status_code == 302, response.content.decode()
    plan = Plan.objects.get(title="Scrutiny review of care leavers' work")
    assert plan.scheme().key == "grading"
    assert plan.agreed_on == datetime.date(2025, 9, 1)
    client.post(
        reverse("plans:section-create", kwargs={"pk": plan.pk}),
        {"kind": "theme", "reference": "A", "title": "Commitment"},
    )
    theme = plan.sections.get()
    client.post(
        reverse("plans:section-create", kwargs={"pk": plan.pk}),
        {
            "kind": "objective",
            "parent": theme.pk,
            "reference": "1",
            "title": "Strategies include a corporate parenting commitment",
            "criteria": "A named champion\n\nA yearly report",
        },
    )
    objective = plan.sections.get(kind="objective")
    assert objective.parent == theme
    assert objective.criteria_list == ["A named champion", "A yearly report"]
    response = client.post(
        reverse("plans:item-create", kwargs={"plan_pk": plan.pk}),
        {
            "section": objective.pk,
            "kind": "recommendation",
            "reference": "1a",
            "text": "Offer more apprenticeships inside the council",
            "success_measure": "3 apprenticeships by April, then 5",
            "leads": [tenant.users["plan_lead"].pk],
            "named_leads": "A college principal",
            "target_1_0": "1",
            "target_1_1": "4",
            "target_1_2": "2026",
            "target_1_description": "3 apprenticeships",
            "target_2_0": "1",
            "target_2_1": "4",
            "target_2_2": "2027",
            "target_2_description": "5 apprenticeships",
        },
    )
    assert response.status_code == 302, response.content.decode()
    item = plan.items.get()
    assert [t.description for t in item.target_dates.all()] == ["3 apprenticeships", "5 apprenticeships"]
    assert list(item.leads.all()) == [tenant.users["plan_lead"]]
    page = client.get(reverse("plans:plan-detail", kwargs={"pk": plan.pk})).content.decode()
    assert "Theme A Commitment" in page
    assert "A college principal" in page
    assert "1. Fully achieved" in page


def test_a_section_nests_one_level_only(world) -> None:
    """An objective inside a theme cannot itself hold another section."""
    tenant = world["A"]
    officer = tenant.users["performance_officer"]
    theme = services.section_save(acting_user=officer, plan=tenant.plan, section=None, kind="theme", title="T")
    objective = services.section_save(
        acting_user=officer, plan=tenant.plan, section=None, kind="objective", title="O", parent=theme
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="one level"):
        services.section_save(
            acting_user=officer, plan=tenant.plan, section=None, kind="objective", title="Too deep", parent=objective
        )
    assert not Section.objects.filter(title="Too deep").exists()


def test_duplicate_item_references_are_refused_with_the_input_kept(world, signed_in) -> None:
    """A second item with reference 1.1 shows a message and keeps the text typed."""
    tenant = world["A"]
    client = signed_in(tenant.users["performance_officer"])
    response = client.post(
        reverse("plans:item-create", kwargs={"plan_pk": tenant.plan.pk}),
        {"kind": "action", "reference": "1.1", "text": "Typed text that must survive"},
    )
    body = response.content.decode()
    assert "Another item in this plan has this reference" in body
    assert "Typed text that must survive" in body


def test_defining_a_rating_scheme_through_the_page(world, signed_in) -> None:
    """A manager defines a scheme of two ratings; the list shows it with its meanings."""
    tenant = world["A"]
    client = signed_in(tenant.users["performance_officer"])
    response = client.post(
        reverse("plans:scheme-create"),
        {
            "name": "Complete or not",
            "rating_1_key": "C",
            "rating_1_label": "Complete",
            "rating_1_description": "Nothing more to do",
            "rating_1_colour": "green",
            "rating_2_key": "I",
            "rating_2_label": "Incomplete",
            "rating_2_description": "Work remains",
            "rating_2_colour": "orange",
        },
    )
    assert response.status_code == 302
    scheme = RatingScheme.objects.get(name="Complete or not")
    assert [r.key for r in scheme.ratings.all()] == ["C", "I"]
    assert "Work remains" in client.get(reverse("plans:scheme-list")).content.decode()


def test_the_plan_page_reads_in_a_fixed_number_of_queries(world, signed_in) -> None:
    """Adding items with updates and measures does not add queries to the plan page."""
    tenant = world["A"]
    client = signed_in(tenant.users["councillor"])
    url = reverse("plans:plan-detail", kwargs={"pk": tenant.plan.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(5):
        item = Item.objects.create(plan=tenant.plan, section=tenant.plan_item.section, reference=f"2.{n}", text="More")
        item.leads.add(tenant.users["plan_lead"])
        measure = Measure.objects.create(item=item, name=f"Measure {n}")
        MeasureTarget.objects.create(measure=measure, due_on=timezone.localdate(), value=10)
        services.update_record(
            acting_user=tenant.users["performance_officer"],
            item=item,
            dated=timezone.localdate(),
            achievements=["x"],
            next_steps=[],
            rating="G",
        )
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_the_plan_list_and_due_list_hold_only_the_councils_own_plans(world, signed_in) -> None:
    """Council B's plan, and the updates due in it, never appear on council A's pages."""
    a, b = world["A"], world["B"]
    b.plan_item.leads.add(a.users["plan_lead"])  # even if wrongly named as a lead there
    client = signed_in(a.users["plan_lead"])
    listing = client.get(reverse("plans:plan-list")).content.decode()
    assert reverse("plans:plan-detail", kwargs={"pk": a.plan.pk}) in listing
    assert reverse("plans:plan-detail", kwargs={"pk": b.plan.pk}) not in listing
    due = client.get(reverse("plans:due")).content.decode()
    assert reverse("plans:update-create", kwargs={"pk": a.plan_item.pk}) in due
    assert reverse("plans:update-create", kwargs={"pk": b.plan_item.pk}) not in due
