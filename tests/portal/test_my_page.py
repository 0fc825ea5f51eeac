"""The young person's own page: what they see, what they say, and what their adviser then sees."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.opportunities.models import Application, Opportunity
from onward.portal.models import Goal, Statement
from onward.referrals import access as referral_access
from onward.referrals.models import Send
from tests.portal.conftest import open_account, portal_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def yp(world, client: Client) -> Client:
    return portal_sign_in(client, open_account(world["A"]))


def test_their_page_shows_adviser_eet_referrals_and_consent(world, yp: Client) -> None:
    a = world["A"]
    page = yp.get(reverse("my:home")).content.decode()
    assert a.users["personal_adviser"].full_name in page
    assert "Further education" in page or a.spell.get_activity_display() in page
    assert a.service.name in page
    assert "Withdraw consent" in page
    assert "Sent to" in page  # plain-English stage of the send
    assert "What happens next" in page
    assert world["B"].person.display_name not in page


def test_this_is_wrong_makes_a_task_kept_as_a_rectification_request(
    world, yp: Client, django_capture_on_commit_callbacks
) -> None:
    a = world["A"]
    assert b"Enter what is wrong" in yp.post(reverse("my:eet-wrong"), {"text": " "}).content
    with django_capture_on_commit_callbacks(execute=True):
        yp.post(reverse("my:eet-wrong"), {"text": "I left college in June and work at a cafe"})
    statement = Statement.objects.get(kind=Statement.Kind.EET_WRONG)
    assert statement.eet_spell == a.spell
    assert statement.task_due_on == timezone.localdate() + datetime.timedelta(days=30)
    assert mail.outbox[-1].to == [a.users["personal_adviser"].email]
    staff = Client()
    from tests.conftest import sign_in

    sign_in(staff, a.users["personal_adviser"])
    record = staff.get(reverse("people:person-detail", kwargs={"pk": a.person.pk})).content.decode()
    assert "I left college in June and work at a cafe" in record
    assert "Waiting for you" in record
    # It is answered through the request to correct the record it opened (issue 22): declining there with a
    # reason answers the young person too.
    from onward.privacy.models import RectificationRequest

    request = RectificationRequest.objects.get(statement_id=statement.pk)
    url = reverse("portal:resolve", kwargs={"pk": a.person.pk, "statement_pk": statement.pk})
    assert staff.get(url)["Location"] == reverse("privacy:correction-detail", kwargs={"pk": request.pk})
    decline = reverse("privacy:correction-decline", kwargs={"pk": request.pk})
    staff.post(decline, {"reason": "Corrected the record"})
    statement.refresh_from_db()
    assert statement.resolved_by == a.users["personal_adviser"]
    assert "Corrected the record" in yp.get(reverse("my:home")).content.decode()


def test_goals_and_steps_are_added_and_marked_done_never_deleted(world, yp: Client) -> None:
    bad = yp.post(reverse("my:goal-add"), {"text": "", "owner": "someone_else"})
    assert b"Enter what you want to do" in bad.content and b"Enter who will do it" in bad.content
    assert not Goal.objects.exists()
    yp.post(reverse("my:goal-add"), {"text": "Pass my driving test", "area": "employment", "owner": "young_person"})
    goal = Goal.objects.get()
    assert goal.added_by_young_person
    yp.post(
        reverse("my:action-add", kwargs={"goal_pk": goal.pk}),
        {"text": "Book lessons", "owner": "adviser", "deadline_0": "1", "deadline_1": "3", "deadline_2": "2027"},
    )
    step = Goal.objects.get(goal=goal)
    assert step.area == "employment" and step.deadline == datetime.date(2027, 3, 1)
    yp.post(reverse("my:goal-done", kwargs={"pk": step.pk}))
    step.refresh_from_db()
    assert step.done_at is not None and step.done_by_young_person
    done_at = step.done_at
    yp.post(reverse("my:goal-done", kwargs={"pk": step.pk}))
    step.refresh_from_db()
    assert step.done_at == done_at
    assert Goal.objects.count() == 2


def test_withdrawing_consent_works_as_it_does_for_staff(world, yp: Client) -> None:
    """Sharing stops at once: the send is withdrawn and the partner no longer sees the referral."""
    a = world["A"]
    partner_user = next(u for u in a.users.values() if u.organisation == a.partner and u.can("referrals.receive"))
    assert referral_access.sends_received_by(partner_user).filter(pk=a.send.pk).exists()
    response = yp.post(reverse("my:consent-withdraw", kwargs={"pk": a.referral.pk}), {"reason": "Changed my mind"})
    assert response.status_code == 302
    a.referral.consent.refresh_from_db()
    assert a.referral.consent.withdrawn_at is not None
    assert "Changed my mind" in a.referral.consent.withdrawal_reason
    assert Send.objects.get(pk=a.send.pk).status == Send.Status.WITHDRAWN
    assert not referral_access.sends_received_by(partner_user).filter(pk=a.send.pk).exists()


def test_im_interested_tells_the_adviser_and_never_applies(world, yp: Client) -> None:
    a = world["A"]
    other = Opportunity.objects.create(
        council=a.council, employer=a.employer, title="Office junior", kind="job", location="Town hall"
    )
    too_old = Opportunity.objects.create(
        council=a.council, employer=a.employer, title="Youth scheme", kind="job", location="Town", max_age=18
    )
    page = yp.get(reverse("my:opportunities")).content.decode()
    assert "Office junior" in page and "Youth scheme" not in page
    assert yp.get(reverse("my:interested", kwargs={"pk": too_old.pk})).status_code == 404
    applications = Application.objects.count()
    yp.post(reverse("my:interested", kwargs={"pk": other.pk}), {"text": "I like offices"})
    statement = Statement.objects.get(kind=Statement.Kind.INTERESTED)
    assert statement.opportunity == other and statement.task_due_on is not None
    assert Application.objects.count() == applications
    again = yp.post(reverse("my:interested", kwargs={"pk": other.pk}), {"text": ""})
    assert b"already told your adviser" in again.content
    assert "Your adviser knows you are interested" in yp.get(reverse("my:opportunities")).content.decode()


def test_a_check_in_asking_for_help_gives_the_adviser_a_time_limit(world, yp: Client) -> None:
    assert b"Select how things are going" in yp.post(reverse("my:check-in"), {}).content
    yp.post(reverse("my:check-in"), {"mood": "good"})
    assert Statement.objects.get().task_due_on is None
    yp.post(reverse("my:check-in"), {"mood": "bad", "wants_help": "on", "text": "Rent arrears"})
    help_ = Statement.objects.filter(wants_help=True).get()
    assert help_.task_due_on is not None and help_.task_due_on > timezone.localdate()


def test_feedback_on_a_service_they_were_referred_to(world, yp: Client) -> None:
    a = world["A"]
    assert b"Select how good it was" in yp.post(reverse("my:feedback", kwargs={"pk": a.send.pk}), {}).content
    yp.post(reverse("my:feedback", kwargs={"pk": a.send.pk}), {"rating": "4", "text": "Helpful staff"})
    statement = Statement.objects.get(kind=Statement.Kind.SERVICE_FEEDBACK)
    assert statement.rating == 4 and statement.send == a.send
    assert yp.post(reverse("my:feedback", kwargs={"pk": a.send.pk}), {"rating": "9"}).status_code == 200
    assert Statement.objects.filter(kind=Statement.Kind.SERVICE_FEEDBACK).count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("my:eet-wrong", {"text": "x" * 5000}),
        ("my:goal-add", {"text": "\x00", "area": "nowhere", "owner": "me", "deadline_0": "99"}),
        ("my:check-in", {"mood": "ecstatic", "text": "x" * 9000}),
        ("my:sign-in", {"email": "a@b" * 200}),
    ],
)
def test_hostile_input_gets_a_message_and_changes_nothing(world, yp: Client, name: str, data: dict) -> None:
    response = yp.post(reverse(name), data)
    assert response.status_code in (200, 302, 400)
    assert not Statement.objects.exists() and not Goal.objects.exists()


def test_advisers_see_requests_waiting_for_them_with_the_time_limit(world, yp: Client, signed_in) -> None:
    a = world["A"]
    yp.post(reverse("my:check-in"), {"mood": "bad", "wants_help": "on"})
    adviser = signed_in(a.users["personal_adviser"])
    page = adviser.get(reverse("portal:tasks")).content.decode()
    assert a.person.display_name in page and "Monthly check-in" in page
    other = signed_in(world["B"].users["personal_adviser"])
    assert a.person.display_name not in other.get(reverse("portal:tasks")).content.decode()
