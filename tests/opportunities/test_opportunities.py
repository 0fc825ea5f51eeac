"""Employers and opportunities: consent to put forward, the path to sustained work, and the counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onward.opportunities import selectors, services
from onward.opportunities.models import Application, Employer, Engagement, Opportunity, SustainmentCheck
from onward.people.models import EETSpell
from tests.factories import PartnerFactory, UserFactory

TODAY = timezone.localdate
S = Application.Status


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def test_putting_forward_needs_the_young_persons_consent(world, signed_in) -> None:
    """Without the consent box, nothing is created; with it, the application is made and audited."""
    a = world["A"]
    a.application.delete()
    client = signed_in(a.users["personal_adviser"])
    url = reverse("opportunities:opportunity-detail", kwargs={"pk": a.opportunity.pk})
    content = client.post(
        url, {"person": a.person.pk, "consent_method": "in_person", **_date("consent_given_on", TODAY())}
    ).content.decode()
    assert "The young person must agree that their details may be shared with the employer" in content
    assert not Application.objects.filter(person=a.person).exists()
    response = client.post(
        url,
        {
            "person": a.person.pk,
            "consent_given": "on",
            "consent_method": "in_person",
            **_date("consent_given_on", TODAY()),
        },
    )
    application = Application.objects.get(person=a.person)
    assert response["Location"] == reverse("opportunities:application-detail", kwargs={"pk": application.pk})
    assert application.status == S.INTEREST


def test_eligibility_is_checked_when_putting_forward(world) -> None:
    a = world["A"]
    a.application.delete()
    a.opportunity.max_age = 18
    a.opportunity.save()
    with pytest.raises(ValidationError, match="for ages 16 to 18"):
        services.put_forward(
            acting_user=a.users["personal_adviser"],
            opportunity=a.opportunity,
            person=a.person,
            consent_given=True,
            consent_given_on=TODAY(),
            consent_method="phone",
        )


def test_employers_see_only_the_young_people_shared_with_them(world, signed_in) -> None:
    """An employer's own user sees the applications to it while consent stands; withdrawal removes them."""
    a = world["A"]
    employer_org = PartnerFactory(name="Depot Holdings", kind="employer", councils=[a.council])
    a.employer.organisation = employer_org
    a.employer.save()
    employer_user = UserFactory(organisation=employer_org, roles=["partner_provider"])
    client = signed_in(employer_user)
    page = client.get(reverse("opportunities:candidates")).content.decode()
    assert escape(a.person.display_name) in page
    assert a.person.child_id not in page  # only name, age and the stage are shared
    assert client.get(reverse("opportunities:application-detail", kwargs={"pk": a.application.pk})).status_code == 403
    services.consent_withdraw(acting_user=a.users["personal_adviser"], application=a.application)
    assert a.person.display_name not in client.get(reverse("opportunities:candidates")).content.decode()


@pytest.mark.parametrize("start", list(S.values))
def test_every_step_of_the_path_is_allowed_exactly_when_it_should_be(start, world) -> None:
    a = world["A"]
    for target in S.values:
        application = a.application
        Application.objects.filter(pk=application.pk).update(
            status=start, started_on=TODAY() - datetime.timedelta(days=10) if start == S.STARTED else None
        )
        application.refresh_from_db()
        allowed = target in services.TRANSITIONS.get(start, set())
        try:
            services.application_update(
                acting_user=a.users["employer_engagement_worker"],
                application=application,
                to_status=target,
                version=application.version,
                day=TODAY(),
                reason="Reason",
            )
        except ValidationError as error:
            assert not allowed, (start, target, error)
        else:
            assert allowed, (start, target)
        SustainmentCheck.objects.filter(application=application).delete()
        EETSpell.objects.filter(person=a.person, source="worker", provider=a.employer.name).delete()


def test_a_start_creates_the_eet_spell_and_the_sustainment_checks(world) -> None:
    a = world["A"]
    worker = a.users["employer_engagement_worker"]
    app = a.application
    start = TODAY() - datetime.timedelta(days=100)
    for status, day in (
        (S.APPLIED, None),
        (S.INTERVIEW, start - datetime.timedelta(days=20)),
        (S.OFFER, start - datetime.timedelta(days=10)),
        (S.STARTED, start),
    ):
        app = services.application_update(
            acting_user=worker, application=app, to_status=status, version=app.version, day=day
        )
    spell = EETSpell.objects.get(person=a.person, start=start)
    assert (spell.activity, spell.provider) == ("apprenticeship", a.employer.name)
    assert [(c.point, c.due_on) for c in app.checks.all()] == [
        ("4_weeks", start + datetime.timedelta(weeks=4)),
        ("3_months", start + datetime.timedelta(days=91)),
        ("6_months", start + datetime.timedelta(days=182)),
    ]
    due = selectors.checks_due(Application.objects.all(), TODAY())
    assert {c.point for c in due} == {"4_weeks", "3_months"}
    with pytest.raises(ValidationError, match="Enter the date"):
        services.application_update(acting_user=worker, application=app, to_status=S.ENDED, version=app.version)


def test_unsuccessful_and_withdrawn_need_a_reason(world) -> None:
    a = world["A"]
    with pytest.raises(ValidationError, match="Enter the reason"):
        services.application_update(
            acting_user=a.users["employer_engagement_worker"],
            application=a.application,
            to_status=S.WITHDRAWN,
            version=a.application.version,
        )


def test_each_count_against_hand_built_data(world) -> None:
    """Employers engaged and offering, opportunities and places, interviews, starts, inside-council apprenticeships, sustained, staff trained."""
    a = world["A"]
    council = a.council
    worker = a.users["employer_engagement_worker"]
    day = TODAY()
    council_employer = Employer.objects.create(
        council=council, name="The council", sector="public", location="Civic centre", is_council=True
    )
    prospect = Employer.objects.create(council=council, name="Small Cafe", sector="hospitality", location="High street")
    services.engagement_record(
        acting_user=worker, employer=prospect, date=day, kind=Engagement.Kind.MEETING, summary="First meeting"
    )
    inside = Opportunity.objects.create(
        council=council,
        employer=council_employer,
        title="Council apprenticeship",
        kind="apprenticeship",
        location="Civic centre",
        places=3,
        guaranteed_interview=True,
    )
    app = services.put_forward(
        acting_user=a.users["personal_adviser"],
        opportunity=inside,
        person=a.person,
        consent_given=True,
        consent_given_on=day,
        consent_method="in_person",
    )
    start = day - datetime.timedelta(days=190)  # after the start of the young person's current course
    for status, when in (
        (S.APPLIED, None),
        (S.INTERVIEW, start - datetime.timedelta(days=5)),
        (S.OFFER, start - datetime.timedelta(days=2)),
        (S.STARTED, start),
    ):
        app = services.application_update(
            acting_user=worker, application=app, to_status=status, version=app.version, day=when
        )
    for check in app.checks.all():
        services.check_record(
            acting_user=worker,
            check=check,
            checked_on=check.due_on,
            still_there=check.point != "6_months",
            version=check.version,
        )
    from onward.supporters.models import TrainingCourse, TrainingRecord

    TrainingRecord.objects.create(
        council=council,
        course=TrainingCourse.objects.create(council=council, name="Interview support", code="interview_support"),
        attendee_kind="staff",
        staff=a.users["personal_adviser"],
        completed_on=day,
        recorded_by=worker,
    )
    figures = selectors.counts(council=council, start=day - datetime.timedelta(days=365), end=day)
    assert figures.employers_engaged == 2  # the world's engaged employer and the cafe met this year
    assert figures.employers_offering == 2
    assert (figures.opportunities_offered, figures.places_offered) == (2, 4)
    assert (figures.interviews, figures.guaranteed_interviews) == (1, 1)
    assert figures.starts == 1
    assert figures.apprenticeships_inside_council == 1
    assert (figures.sustained_3_months, figures.sustained_6_months) == (1, 0)
    assert figures.staff_trained == 1


def test_suggestions_put_neet_young_people_first(world) -> None:
    from onward.people import services as people_services
    from tests.people.test_pages import add_care_leaver

    a = world["A"]
    working = add_care_leaver(a, name="Working", age=20, activity="employment_full_time")
    neet = add_care_leaver(a, name="Seeking", age=20, activity="neet_seeking")
    people_services.contact_record(
        acting_user=a.users["personal_adviser"], person=working, date=TODAY(), method="phone", in_touch="YES"
    )
    ranked = [
        p for p, _ in selectors.suggested_people(a.opportunity, type(neet).objects.filter(council=a.council), TODAY())
    ]
    assert ranked.index(neet) < ranked.index(working)
    assert a.person not in ranked  # already put forward


def test_employer_and_opportunity_forms_explain_mistakes(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["employer_engagement_worker"])
    content = client.post(reverse("opportunities:employer-create"), {}).content.decode()
    assert "Enter the employer&#x27;s name" in content
    duplicate = client.post(
        reverse("opportunities:employer-create"),
        {"name": a.employer.name.upper(), "sector": "x", "location": "y", "status": "prospect"},
    )
    assert "An employer with this name is already in the network" in duplicate.content.decode()
    bad = client.post(
        reverse("opportunities:opportunity-create"),
        {
            "title": "Job",
            "employer": a.employer.pk,
            "kind": "job",
            "location": "Here",
            "places": 1,
            "min_age": 20,
            "max_age": 18,
        },
    )
    assert "The oldest age must be the same as or more than the youngest" in bad.content.decode()


def test_home_page_prompts_sustainment_checks_when_due(world, signed_in) -> None:
    a = world["A"]
    worker = a.users["employer_engagement_worker"]
    app = a.application
    start = TODAY() - datetime.timedelta(days=40)
    for status, day in ((S.APPLIED, None), (S.OFFER, start), (S.STARTED, start)):
        app = services.application_update(
            acting_user=worker, application=app, to_status=status, version=app.version, day=day
        )
    tasks = signed_in(worker).get(reverse("core:home")).context["tasks"]
    assert any(t.text == "1 sustainment check due" for t in tasks)


def test_the_demo_has_a_working_employer_network(db) -> None:
    """At least 15 employers and 30 opportunities, with applications at every stage of the path."""
    from django.core.management import call_command

    call_command("load_demo", "--quiet")
    assert Employer.objects.count() >= 15
    assert Opportunity.objects.count() >= 30
    assert set(Application.objects.values_list("status", flat=True)) == set(S.values)
    call_command("load_demo", "--quiet")
    assert Opportunity.objects.count() < 40  # loaded once
