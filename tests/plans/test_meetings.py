"""A board's themed meetings: attendance, agenda, items discussed, and decisions that add or update plan items."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.plans import selectors, services
from onward.plans.models import Decision, Item, Meeting, Update
from tests.conftest import Tenant

ATTENDANCE = "Chair, assistant director\nLeaving care team manager\nCollege transition lead"


def _meeting(tenant: Tenant, **fields: object) -> Meeting:
    values: dict[str, object] = {
        "held_on": timezone.localdate() - datetime.timedelta(days=7),
        "theme": "Education and training",
        "attendance": ATTENDANCE,
        "agenda": "Apprenticeships in the council\nCollege drop-out in the first term",
        "discussion": "Take-up of apprenticeships is low in the first year.",
    }
    values.update(fields)
    return services.meeting_save(
        acting_user=tenant.users["performance_officer"],
        plan=tenant.plan,
        meeting=None,
        items_discussed=[tenant.plan_item],
        **values,
    )


def test_a_meeting_is_recorded_with_its_attendance_agenda_and_items_and_audited(world) -> None:
    tenant = world["A"]
    meeting = _meeting(tenant)
    assert meeting.attendance_list == [
        "Chair, assistant director",
        "Leaving care team manager",
        "College transition lead",
    ]
    assert meeting.agenda_list == ["Apprenticeships in the council", "College drop-out in the first term"]
    assert list(meeting.items_discussed.all()) == [tenant.plan_item]
    event = AuditEvent.objects.get(object_type="plans.Meeting", object_id=str(meeting.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.changes["items_discussed"] == [None, [tenant.plan_item.pk]]


def test_a_meeting_is_changed_only_from_the_version_opened_and_only_with_the_plans_items(world) -> None:
    tenant = world["A"]
    meeting = _meeting(tenant)
    officer = tenant.users["performance_officer"]
    services.meeting_save(
        acting_user=officer, plan=tenant.plan, meeting=meeting, items_discussed=[], version=1, theme="Employment"
    )
    with pytest.raises(ValidationError, match="Someone else changed"):
        services.meeting_save(
            acting_user=officer, plan=tenant.plan, meeting=meeting, items_discussed=[], version=1, theme="Housing"
        )
    with pytest.raises(ValidationError):
        services.meeting_save(
            acting_user=officer, plan=tenant.plan, meeting=meeting, items_discussed=[world["B"].plan_item], version=2
        )
    meeting.refresh_from_db()
    assert (meeting.theme, meeting.version) == ("Employment", 2)
    with pytest.raises(PermissionDenied):
        services.meeting_save(
            acting_user=tenant.users["plan_lead"], plan=tenant.plan, meeting=meeting, items_discussed=[], version=2
        )


def test_a_decision_adds_an_action_to_the_plan(world) -> None:
    tenant = world["A"]
    meeting = _meeting(tenant)
    decision = services.decision_record(
        acting_user=tenant.users["performance_officer"],
        meeting=meeting,
        kind=Decision.Kind.NEW_ITEM,
        text="Offer two council apprenticeships ring-fenced for care leavers",
        new_item={"reference": "4.1", "text": "Ring-fence two council apprenticeships for care leavers"},
    )
    item = Item.objects.get(plan=tenant.plan, reference="4.1")
    assert decision.item == item
    assert item.agreed_action.startswith(f"Agreed at the Education and training meeting on {meeting.held_on:%-d %B %Y}")
    assert item in meeting.items_discussed.all()
    assert decision.summary == "New action 4.1: Offer two council apprenticeships ring-fenced for care leavers"
    assert AuditEvent.objects.filter(object_type="plans.Item", object_id=str(item.pk), action="create").exists()
    assert AuditEvent.objects.filter(object_type="plans.Decision", object_id=str(decision.pk)).exists()
    with pytest.raises(ValidationError, match="Another item"):
        services.decision_record(
            acting_user=tenant.users["performance_officer"],
            meeting=meeting,
            kind=Decision.Kind.NEW_ITEM,
            text="The same again",
            new_item={"reference": "4.1", "text": "A second 4.1"},
        )
    assert Decision.objects.count() == 1, "a refused decision leaves nothing behind"


def test_a_decision_updates_an_item_with_a_progress_update_dated_the_day_of_the_meeting(world) -> None:
    tenant = world["A"]
    meeting = _meeting(tenant)
    decision = services.decision_record(
        acting_user=tenant.users["performance_officer"],
        meeting=meeting,
        kind=Decision.Kind.UPDATE_ITEM,
        text="Bring the guidance interviews forward to the spring term",
        item=tenant.plan_item,
    )
    update = Update.objects.get(pk=decision.update_id)
    assert (update.item, update.dated) == (tenant.plan_item, meeting.held_on)
    assert update.next_steps == ["Bring the guidance interviews forward to the spring term"]
    assert "Decided at the Education and training meeting" in update.evidence_of_progress
    assert selectors.latest_update(tenant.plan_item) == update


def test_decisions_wait_for_the_meeting_and_need_an_open_item_of_the_plan(world) -> None:
    tenant = world["A"]
    officer = tenant.users["performance_officer"]
    later = _meeting(tenant, held_on=timezone.localdate() + datetime.timedelta(days=10))
    with pytest.raises(ValidationError, match="not been held"):
        services.decision_record(acting_user=officer, meeting=later, kind=Decision.Kind.NOTED, text="Too early")
    meeting = _meeting(tenant)
    with pytest.raises(ValidationError):
        services.decision_record(
            acting_user=officer, meeting=meeting, kind=Decision.Kind.UPDATE_ITEM, text="x", item=world["B"].plan_item
        )
    with pytest.raises(ValidationError, match="Enter the decision"):
        services.decision_record(acting_user=officer, meeting=meeting, kind=Decision.Kind.NOTED, text=" ")
    assert not Decision.objects.exists() and not Update.objects.filter(item=world["B"].plan_item).exists()


def test_the_pages_record_a_meeting_and_its_decisions_and_the_plan_page_lists_it(world, signed_in) -> None:
    tenant = world["A"]
    client = signed_in(tenant.users["performance_officer"])
    held = timezone.localdate() - datetime.timedelta(days=3)
    url = reverse("plans:meeting-create", kwargs={"pk": tenant.plan.pk})
    refused = client.post(url, {"theme": "Housing", "attendance": ""})
    assert "Enter who attended" in refused.content.decode() and not Meeting.objects.exists()
    response = client.post(
        url,
        {
            "held_on_0": held.day,
            "held_on_1": held.month,
            "held_on_2": held.year,
            "theme": "Housing and money",
            "attendance": ATTENDANCE,
            "agenda": "Rent guarantor scheme",
            "items_discussed": [tenant.plan_item.pk],
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse(
        "plans:meeting-detail", kwargs={"pk": tenant.plan.pk, "meeting_pk": meeting.pk}
    )
    decide = reverse("plans:decision-create", kwargs={"pk": tenant.plan.pk, "meeting_pk": meeting.pk})
    refused = client.post(decide, {"text": "Add a guarantor scheme", "kind": "new_item"})
    assert "Enter a reference for the new action" in refused.content.decode()
    client.post(
        decide,
        {
            "text": "Add a guarantor scheme",
            "kind": "new_item",
            "reference": "5.1",
            "item_text": "Run a rent guarantor scheme",
        },
    )
    page = client.get(
        reverse("plans:meeting-detail", kwargs={"pk": tenant.plan.pk, "meeting_pk": meeting.pk})
    ).content.decode()
    assert "Add a guarantor scheme" in page and ">5.1</a>" in page and "College transition lead" in page
    plan_page = (
        signed_in(tenant.users["councillor"])
        .get(reverse("plans:plan-detail", kwargs={"pk": tenant.plan.pk}))
        .content.decode()
    )
    assert "Housing and money" in plan_page and "Record a meeting" not in plan_page
    other = reverse("plans:meeting-detail", kwargs={"pk": world["B"].plan.pk, "meeting_pk": meeting.pk})
    assert client.get(other).status_code == 404


def test_the_committee_documents_print_the_meetings_and_their_decisions(world) -> None:
    from tests.plans.test_committee_documents import _docx_text, _flat, _pdf_text

    tenant = world["A"]
    meeting = _meeting(tenant)
    officer = tenant.users["performance_officer"]
    services.decision_record(
        acting_user=officer, meeting=meeting, kind=Decision.Kind.NOTED, text="Report back in March"
    )
    services.decision_record(
        acting_user=officer,
        meeting=meeting,
        kind=Decision.Kind.UPDATE_ITEM,
        text="Bring the interviews forward",
        item=tenant.plan_item,
    )
    _meeting(tenant, held_on=timezone.localdate() + datetime.timedelta(days=30), theme="Next term's meeting")
    document = selectors.plan_document(tenant.plan, None)
    table = next(t for t in document.tables_after if t.heading.startswith("Meetings of"))
    assert len(table.rows) == 1, "a meeting not yet held is not printed"
    assert (
        table.rows[0][4]
        == f"Noted: Report back in March\nUpdate to {tenant.plan_item.reference}: Bring the interviews forward"
    )
    docx = _docx_text(document)
    assert f"{meeting.held_on:%-d %B %Y} | Education and training" in docx
    assert "Items discussed: " + tenant.plan_item.reference in docx
    assert _flat("Noted: Report back in March") in _pdf_text(document)
