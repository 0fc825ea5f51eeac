"""``remind_portal``: young people are emailed to check in once a month, and once for each open survey they have
not answered; running it again sends nothing more. Sent through Django's email backend (locmem in tests)."""

from __future__ import annotations

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from onward.portal import services
from onward.portal.models import PortalAccount, Reminder, Statement, Survey, SurveyResponse
from tests.conftest import Tenant
from tests.factories import YoungPersonFactory
from tests.portal.conftest import open_account

pytestmark = pytest.mark.django_db


def _active(tenant: Tenant, email: str, person=None) -> PortalAccount:  # type: ignore[no-untyped-def]
    if person is not None:
        account = services.account_invite(
            acting_user=tenant.users["personal_adviser"],
            person=person,
            email=email,
            consent_given_on=timezone.localdate(),
            consent_method="in_person",
        )
    else:
        account = open_account(tenant, email)
    PortalAccount.objects.filter(pk=account.pk).update(status=PortalAccount.Status.ACTIVE)
    account.refresh_from_db()
    return account


def _run(*args: str) -> str:
    out = StringIO()
    call_command("remind_portal", *args, stdout=out)
    return out.getvalue()


def _to(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [address]]


def test_check_in_reminders_go_once_a_month_to_those_who_have_not_checked_in(world) -> None:
    a, b = world["A"], world["B"]
    kai = _active(a, "kai@example.org")
    done = _active(a, "done@example.org", YoungPersonFactory(council=a.council))
    services.check_in(account=done, mood="good", wants_help=False)
    _active(b, "bea@example.org")
    ended = _active(a, "ended@example.org", YoungPersonFactory(council=a.council))
    services.account_end(acting_user=a.users["personal_adviser"], account=ended, reason="Moved away")
    never = services.account_invite(
        acting_user=a.users["personal_adviser"],
        person=YoungPersonFactory(council=a.council),
        email="never@example.org",
        consent_given_on=timezone.localdate(),
        consent_method="in_person",
    )
    assert never.status == PortalAccount.Status.INVITED
    mail.outbox.clear()

    out = _run("--base-url", "https://onward.example.gov.uk/")
    assert "Reminded 2 to check in and 0 to answer a survey" in out
    assert _to("kai@example.org") == ["How are things going this month?"]
    assert _to("bea@example.org") == ["How are things going this month?"]
    assert _to("done@example.org") == _to("ended@example.org") == _to("never@example.org") == []
    (message,) = [m for m in mail.outbox if m.to == ["kai@example.org"]]
    assert "https://onward.example.gov.uk/my/check-in/" in message.body and a.council.name in message.body
    assert Reminder.objects.filter(account=kai, kind="check_in", period=f"{timezone.localdate():%Y-%m}").exists()

    # Again the same day, or later in the month: nothing more.
    mail.outbox.clear()
    assert "Reminded 0 to check in" in _run()
    assert mail.outbox == []

    # Next month, those who have still not checked in are reminded again.
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=3)
    with mock.patch("django.utils.timezone.localdate", return_value=next_month):
        sent = services.reminders_send(day=next_month)
    assert sent.check_ins == 3  # kai, bea and done (who checked in last month)


def test_check_in_reminders_wait_for_the_day_of_the_month_asked_for(world) -> None:
    _active(world["A"], "kai@example.org")
    mail.outbox.clear()
    day = timezone.localdate().replace(day=3)
    assert services.reminders_send(day=day, check_in_from_day=10).check_ins == 0
    assert services.reminders_send(day=day.replace(day=12), check_in_from_day=10).check_ins == 1
    with pytest.raises(CommandError):
        _run("--check-in-from-day", "31")


def test_survey_reminders_go_once_for_each_open_survey_not_answered(world) -> None:
    a, b = world["A"], world["B"]
    kai = _active(a, "kai@example.org")
    answered = _active(a, "answered@example.org", YoungPersonFactory(council=a.council))
    bea = _active(b, "bea@example.org")
    for account in (kai, answered, bea):
        services.check_in(account=account, mood="ok", wants_help=False)
    today = timezone.localdate()
    manager = a.users["team_manager"]
    survey = Survey.objects.create(
        council=a.council,
        title="Spring",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=14),
        created_by=manager,
    )
    Survey.objects.create(
        council=a.council,
        title="Closed",
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today - datetime.timedelta(days=1),
        created_by=manager,
    )
    SurveyResponse.objects.create(survey=survey, person=answered.person, answers={})
    mail.outbox.clear()

    assert "Reminded 0 to check in and 1 to answer a survey" in _run()
    assert _to("kai@example.org") == ["Tell us how you are: a short survey"]
    assert _to("answered@example.org") == [] and _to("bea@example.org") == []
    assert "/my/survey/" in mail.outbox[0].body
    mail.outbox.clear()
    assert "1 to answer" not in _run() and mail.outbox == []
    # A second survey is a reminder of its own (for both of council A's young people: neither answered it).
    Survey.objects.create(council=a.council, title="Summer", opens_on=today, closes_on=today, created_by=manager)
    assert "2 to answer a survey" in _run()
    assert _to("bea@example.org") == []


def test_a_reminder_that_cannot_be_emailed_is_not_recorded_and_is_tried_again(world) -> None:
    _active(world["A"], "kai@example.org")
    with (
        mock.patch("onward.portal.services.send_mail", side_effect=OSError("mail server down")),
        pytest.raises(CommandError, match="1 reminders could not be emailed"),
    ):
        _run()
    assert not Reminder.objects.exists()
    mail.outbox.clear()
    assert "Reminded 1 to check in" in _run()
    assert len(mail.outbox) == 1


def test_an_adviser_sees_a_late_request_for_help_as_urgent_on_their_home_page(world, signed_in) -> None:
    """'I'd like help' gives the adviser 2 working days; past that the home page marks it urgent."""
    a = world["A"]
    account = _active(a, "kai@example.org")
    statement = services.check_in(account=account, mood="bad", wants_help=True)
    adviser = signed_in(a.users["personal_adviser"])
    home = adviser.get("/").content.decode()
    assert "1 request from young people to answer" in home and "past the time limit" not in home
    Statement.objects.filter(pk=statement.pk).update(task_due_on=timezone.localdate() - datetime.timedelta(days=1))
    home = adviser.get("/").content.decode()
    assert "1 request from young people to answer (1 past the time limit)" in home
    assert 'Urgent</strong> <a class="govuk-link" href="/portal/requests/"' in home
    # Another council's adviser sees nothing of it.
    other = signed_in(world["B"].users["personal_adviser"]).get("/").content.decode()
    assert "request from young people" not in other
