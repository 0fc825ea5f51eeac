"""Transitions: dated EHC plans replacing the yes/no field, the warning before a care leaver's plan ceases, needs
identified at 15 and the referral to adult transitions tracked to a decision."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.people.categories import birthday
from onward.people.models import YoungPerson
from onward.supporters.models import EHCPlan, TransitionReferral
from tests.factories import YoungPersonFactory
from tests.supporters.world import date_fields, supporters_world

TODAY = timezone.localdate


def test_adding_a_dated_plan_sets_the_yes_no_flag_and_ceasing_clears_it(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    url = reverse("supporters:transitions-person", kwargs={"person_pk": a.person.pk})
    issued = TODAY() - datetime.timedelta(days=900)
    assert client.post(url, {"ehcp": "1", **date_fields("issued_on", issued)}).status_code == 302
    plan = EHCPlan.objects.get(person=a.person)
    assert plan.issued_on == issued and YoungPerson.objects.get(pk=a.person.pk).ehcp is True
    assert AuditEvent.objects.filter(object_type="supporters.EHCPlan", action="create").exists()
    edit = reverse("supporters:ehc-plan-update", kwargs={"ehcplan_pk": plan.pk})
    ceased = TODAY() - datetime.timedelta(days=1)
    response = client.post(
        edit, {**date_fields("issued_on", issued), **date_fields("ceases_on", ceased), "version": str(plan.version)}
    )
    assert response.status_code == 302
    assert YoungPerson.objects.get(pk=a.person.pk).ehcp is False


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"issued_on_0": ""}, "Date issued must include a day"),
        ({**date_fields("ceases_on", datetime.date(2019, 1, 1))}, "The date it ceases must be after the date issued"),
        ({**date_fields("reviewed_on", datetime.date(2019, 1, 1))}, "The review date must be the same as or after"),
    ],
)
def test_bad_ehc_plan_dates_are_refused(world, signed_in, changes, message) -> None:
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    url = reverse("supporters:transitions-person", kwargs={"person_pk": a.person.pk})
    data = {"ehcp": "1", **date_fields("issued_on", datetime.date(2020, 6, 1)), **changes}
    assert message in client.post(url, data).content.decode()
    assert not EHCPlan.objects.filter(person=a.person).exists()


def test_a_care_leavers_plan_ceasing_soon_is_warned_of(world, signed_in) -> None:
    """The world's 22-year-old's plan ceases in 40 days: a warning on their page and on the transitions list;
    a plan ceasing in six months is not yet warned of."""
    a = world["A"]
    found = supporters_world(a)
    client = signed_in(a.users["personal_adviser"])
    page = client.get(reverse("supporters:transitions-person", kwargs={"person_pk": a.person.pk})).content.decode()
    assert "Their EHC plan ceases on" in page
    listing = client.get(reverse("supporters:transitions")).content.decode()
    assert a.person.display_name in listing.split("Aged 15 to 17")[0]
    EHCPlan.objects.filter(pk=found.ehc_plan.pk).update(ceases_on=TODAY() + datetime.timedelta(days=180))
    page = client.get(reverse("supporters:transitions-person", kwargs={"person_pk": a.person.pk})).content.decode()
    assert "Their EHC plan ceases on" not in page


def test_a_plan_ceasing_before_18_is_not_a_care_leavers_warning(world, signed_in) -> None:
    a = world["A"]
    young = YoungPersonFactory(
        council=a.council,
        personal_adviser=a.users["personal_adviser"],
        team=a.team,
        date_of_birth=TODAY().replace(year=TODAY().year - 16),
    )
    EHCPlan.objects.create(
        person=young, issued_on=TODAY() - datetime.timedelta(days=300), ceases_on=TODAY() + datetime.timedelta(days=30)
    )
    assert birthday(young.date_of_birth, 18) > TODAY()
    client = signed_in(a.users["team_manager"])
    listing = client.get(reverse("supporters:transitions")).content.decode()
    assert young.display_name not in listing.split("Aged 15 to 17")[0]


def test_needs_at_15_are_listed_until_recorded_and_the_referral_is_tracked_to_a_decision(world, signed_in) -> None:
    a = world["A"]
    fifteen = YoungPersonFactory(
        council=a.council,
        personal_adviser=a.users["personal_adviser"],
        team=a.team,
        send=True,
        date_of_birth=TODAY().replace(year=TODAY().year - 15) - datetime.timedelta(days=10),
    )
    fourteen = YoungPersonFactory(
        council=a.council,
        personal_adviser=a.users["personal_adviser"],
        team=a.team,
        send=True,
        date_of_birth=TODAY().replace(year=TODAY().year - 14),
    )
    client = signed_in(a.users["personal_adviser"])
    listing = client.get(reverse("supporters:transitions")).content.decode()
    to_consider = listing.split("Aged 15 to 17")[1].split("Referrals to adult transitions")[0]
    assert fifteen.display_name in to_consider and fourteen.display_name not in to_consider
    url = reverse("supporters:transitions-person", kwargs={"person_pk": fifteen.pk})
    response = client.post(
        url,
        {
            "transition": "1",
            "needs": "Learning disability; help with travel",
            **date_fields("identified_on", TODAY()),
            "decision": "awaiting",
        },
    )
    assert "Enter the date of the referral to adult transitions" in response.content.decode()
    data = {
        "transition": "1",
        "needs": "Learning disability; help with travel",
        **date_fields("identified_on", TODAY()),
        **date_fields("referred_on", TODAY()),
        "decision": "not_referred",
    }
    assert client.post(url, data).status_code == 302
    referral = TransitionReferral.objects.get(person=fifteen)
    assert referral.decision == "awaiting"  # referred, so awaiting a decision
    listing = client.get(reverse("supporters:transitions")).content.decode()
    assert fifteen.display_name not in listing.split("Aged 15 to 17")[1].split("Referrals to adult transitions")[0]
    assert fifteen.display_name in listing.split("Referrals to adult transitions")[1]
    edit = reverse("supporters:transition-update", kwargs={"referral_pk": referral.pk})
    data = {
        "needs": referral.needs,
        **date_fields("identified_on", TODAY()),
        **date_fields("referred_on", TODAY()),
        "decision": "accepted",
        "version": str(referral.version),
    }
    assert "Enter the date of the decision" in client.post(edit, data).content.decode()
    assert client.post(edit, {**data, **date_fields("decided_on", TODAY())}).status_code == 302
    referral.refresh_from_db()
    assert referral.decision == "accepted" and referral.decided_on == TODAY()
    assert fifteen.display_name not in client.get(reverse("supporters:transitions")).content.decode()


def test_another_councils_plans_and_referrals_are_not_found(world, signed_in) -> None:
    b = supporters_world(world["B"])
    client = signed_in(world["A"].users["team_manager"])
    assert client.get(reverse("supporters:ehc-plan-update", kwargs={"ehcplan_pk": b.ehc_plan.pk})).status_code == 404
    url = reverse("supporters:transition-update", kwargs={"referral_pk": b.referral.pk})
    assert client.get(url).status_code == 404
    assert world["B"].person.display_name not in client.get(reverse("supporters:transitions")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_yes_as_an_ehc_plan() -> None:
    from tests.migrating import migrated_back

    with migrated_back([("supporters", "0006_transitions")]) as old:  # and forward again on leaving
        council = old.get_model("accounts", "Organisation").objects.create(name="Oldtown Council", kind="council")
        Person = old.get_model("people", "YoungPerson")
        common = {
            "council": council,
            "legal_family_name": "Lee",
            "date_of_birth": datetime.date(2006, 1, 1),
            "sex": "1",
        }
        yes = Person.objects.create(child_id="Y1", legal_given_name="Ash", ehcp=True, **common)
        no = Person.objects.create(child_id="N1", legal_given_name="Bo", ehcp=False, **common)
    assert list(EHCPlan.objects.filter(person_id__in=[yes.pk, no.pk]).values_list("person_id", flat=True)) == [yes.pk]
    assert YoungPerson.objects.get(pk=yes.pk).ehcp is True


def test_the_young_persons_form_no_longer_asks_about_an_ehc_plan(world, signed_in) -> None:
    """The yes/no is gone from the form: the flag comes only from the dated plans, and posting it changes nothing."""
    a = world["A"]
    person = a.person
    EHCPlan.objects.create(person=person, issued_on=TODAY() - datetime.timedelta(days=400))
    YoungPerson.objects.filter(pk=person.pk).update(ehcp=True)
    person.refresh_from_db()
    client = signed_in(a.users["personal_adviser"])
    url = reverse("people:person-update", kwargs={"pk": person.pk})
    page = client.get(url).content.decode()
    assert 'name="ehcp"' not in page
    assert "Education, health and care plan?" not in page
    form = {
        "child_id": person.child_id,
        "legal_given_name": person.legal_given_name,
        "legal_family_name": person.legal_family_name,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "uasc": "no",
        "send": "yes",
        "ehcp": "no",
        "is_parent": "no",
        "is_pregnant": "no",
        "lives_out_of_area": "no",
        "version": person.version,
        **date_fields("date_of_birth", person.date_of_birth),
    }
    assert client.post(url, form).status_code == 302
    person.refresh_from_db()
    assert person.send is True and person.ehcp is True


def test_the_daily_refresh_follows_plans_that_cease_or_start_without_an_edit(world) -> None:
    """A plan that ceased yesterday clears the flag, one issued today raises it; young people with no dated
    plan keep theirs; running again changes nothing."""
    from io import StringIO

    from django.core.management import call_command

    a, b = world["A"], world["B"]
    EHCPlan.objects.create(
        person=a.person,
        issued_on=TODAY() - datetime.timedelta(days=900),
        ceases_on=TODAY() - datetime.timedelta(days=1),
    )
    YoungPerson.objects.filter(pk=a.person.pk).update(ehcp=True)
    EHCPlan.objects.create(person=b.person, issued_on=TODAY())
    undated = YoungPersonFactory(council=a.council, ehcp=True)
    out = StringIO()
    call_command("refresh_ehcp_flags", stdout=out)
    assert out.getvalue().strip() == "2 EHC plan flags changed"
    assert YoungPerson.objects.get(pk=a.person.pk).ehcp is False
    assert YoungPerson.objects.get(pk=b.person.pk).ehcp is True
    assert YoungPerson.objects.get(pk=undated.pk).ehcp is True
    out = StringIO()
    call_command("refresh_ehcp_flags", stdout=out)
    assert out.getvalue().strip() == "0 EHC plan flags changed"
