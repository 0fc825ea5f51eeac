"""Targets: dated steps, stepped trajectories, targets relative to a benchmark, and the rating."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from onward.audit.models import AuditEvent
from onward.performance import comparisons, services
from onward.performance.models import Target, TargetStep
from onward.performance.targets import Rating, describe_step, rate, step_in_force, step_value

D = Decimal


@dataclass
class Step:
    by_date: datetime.date
    kind: str
    value: Decimal


class TestRating:
    def test_higher_is_better(self) -> None:
        """For EET, meeting or beating the target is on target; within the tolerance is near."""
        assert rate(D(60), D(60), D(2)) is Rating.ON
        assert rate(D(65), D(60), D(2)) is Rating.ON
        assert rate(D(58), D(60), D(2)) is Rating.NEAR
        assert rate(D("57.9"), D(60), D(2)) is Rating.OFF

    def test_lower_is_better(self) -> None:
        """For NEET, a figure below the target is on target and one above it misses."""
        assert rate(D(30), D(35), D(2), lower_better=True) is Rating.ON
        assert rate(D(37), D(35), D(2), lower_better=True) is Rating.NEAR
        assert rate(D(38), D(35), D(2), lower_better=True) is Rating.OFF

    def test_zero_tolerance(self) -> None:
        """With no tolerance, any shortfall is off target."""
        assert rate(D("59.9"), D(60), D(0)) is Rating.OFF


class TestSteps:
    steps = [
        Step(datetime.date(2022, 4, 1), "absolute", D(8)),
        Step(datetime.date(2023, 4, 1), "absolute", D(10)),
        Step(datetime.date(2024, 4, 1), "absolute", D(12)),
    ]

    def test_the_step_due_is_in_force(self) -> None:
        """Between milestones the last one due applies; before the first, the first is worked towards."""
        assert step_in_force(self.steps, datetime.date(2021, 1, 1)) is self.steps[0]
        assert step_in_force(self.steps, datetime.date(2022, 4, 1)) is self.steps[0]
        assert step_in_force(self.steps, datetime.date(2023, 10, 1)) is self.steps[1]
        assert step_in_force(self.steps, datetime.date(2030, 1, 1)) is self.steps[2]
        assert step_in_force([], datetime.date(2030, 1, 1)) is None

    def test_relative_steps_follow_their_benchmark(self) -> None:
        """A relative step is its benchmark plus the offset, and none without the benchmark."""
        step = Step(datetime.date(2022, 4, 1), "national", D(5))
        assert step_value(step, national=D(54), neighbours=None) == D(59)
        assert step_value(Step(step.by_date, "neighbours", D(-2)), national=None, neighbours=D("50.5")) == D("48.5")
        assert step_value(Step(step.by_date, "neighbours", D(5)), national=D(54), neighbours=None) is None

    def test_steps_in_words(self) -> None:
        """Steps read as people write them."""
        assert describe_step(Step(datetime.date(2023, 4, 1), "national", D(5))) == (
            "National figure plus 5 points by 1 April 2023"
        )
        assert describe_step(Step(datetime.date(2023, 4, 1), "absolute", D("12.5"))) == "12.5% by 1 April 2023"


@pytest.mark.django_db
class TestTargetServices:
    def make(self, world, indicator: str = "eet_19_21", tolerance: Decimal | None = None) -> Target:  # type: ignore[no-untyped-def]
        return services.target_save(
            acting_user=world["A"].users["performance_officer"],
            council=world["A"].council,
            target=None,
            indicator=indicator,
            tolerance=tolerance,
        )

    def test_relative_to_national_stepped(self, world) -> None:  # type: ignore[no-untyped-def]
        """'5 points above national by April 2022 and 10 by 2023' rates against national plus the step due."""
        target = self.make(world)
        user = world["A"].users["performance_officer"]
        services.target_step_add(
            acting_user=user, target=target, by_date=datetime.date(2022, 4, 1), kind="national", value=D(5), version=1
        )
        services.target_step_add(
            acting_user=user, target=target, by_date=datetime.date(2023, 4, 1), kind="national", value=D(10), version=2
        )
        council = world["A"].council
        status = comparisons.target_status(council, "eet_19_21", datetime.date(2022, 6, 30), D(58))
        assert status is not None
        assert (status.target, status.rating) == (D(57), Rating.ON)  # 2021 national 52 + 5
        status = comparisons.target_status(council, "eet_19_21", datetime.date(2024, 6, 30), D(58))
        assert status is not None
        assert (status.target, status.rating) == (D(66), Rating.OFF)  # 2023 national 56 + 10

    @override_settings(ONWARD_TARGET_TOLERANCE_POINTS=3)
    def test_tolerance_defaults_from_the_setting(self, world) -> None:  # type: ignore[no-untyped-def]
        """A target without its own tolerance uses the service's setting; its own overrides it."""
        target = self.make(world, "neet_19_21")
        services.target_step_add(
            acting_user=world["A"].users["performance_officer"],
            target=target,
            by_date=datetime.date(2024, 4, 1),
            kind="absolute",
            value=D(35),
            version=1,
        )
        council = world["A"].council
        status = comparisons.target_status(council, "neet_19_21", datetime.date(2025, 1, 1), D(38))
        assert status is not None
        assert status.rating is Rating.NEAR
        services.target_save(
            acting_user=world["A"].users["performance_officer"],
            council=council,
            target=target,
            indicator="neet_19_21",
            tolerance=D(1),
            version=2,
        )
        status = comparisons.target_status(council, "neet_19_21", datetime.date(2025, 1, 1), D(38))
        assert status is not None
        assert status.rating is Rating.OFF

    def test_a_stale_change_is_refused(self, world) -> None:  # type: ignore[no-untyped-def]
        """Someone else's change since the form was opened refuses the save and changes nothing."""
        target = self.make(world)
        user = world["A"].users["performance_officer"]
        services.target_save(
            acting_user=user,
            council=world["A"].council,
            target=target,
            indicator="eet_19_21",
            tolerance=D(1),
            version=1,
        )
        with pytest.raises(ValidationError, match="Someone else changed"):
            services.target_save(
                acting_user=user,
                council=world["A"].council,
                target=target,
                indicator="eet_19_21",
                tolerance=D(5),
                version=1,
            )
        target.refresh_from_db()
        assert target.tolerance == D(1)

    def test_one_target_per_indicator_and_one_step_per_date(self, world) -> None:  # type: ignore[no-untyped-def]
        """A second target for an indicator, or a second step on a date, is refused."""
        target = self.make(world)
        with pytest.raises(ValidationError):
            self.make(world)
        user = world["A"].users["performance_officer"]
        services.target_step_add(
            acting_user=user, target=target, by_date=datetime.date(2024, 4, 1), kind="absolute", value=D(50), version=1
        )
        with pytest.raises(ValidationError):
            services.target_step_add(
                acting_user=user,
                target=target,
                by_date=datetime.date(2024, 4, 1),
                kind="absolute",
                value=D(55),
                version=2,
            )
        with pytest.raises(ValidationError):
            services.target_step_add(
                acting_user=user,
                target=target,
                by_date=datetime.date(2025, 4, 1),
                kind="absolute",
                value=D(150),
                version=2,
            )
        assert TargetStep.objects.count() == 1

    def test_removing_a_step_is_audited(self, world) -> None:  # type: ignore[no-untyped-def]
        """A removed step is gone and the audit trail says what it was."""
        target = self.make(world)
        user = world["A"].users["performance_officer"]
        step = services.target_step_add(
            acting_user=user, target=target, by_date=datetime.date(2024, 4, 1), kind="absolute", value=D(50), version=1
        )
        services.target_step_remove(acting_user=user, target=target, step_id=step.pk, version=2)
        assert not TargetStep.objects.exists()
        event = AuditEvent.objects.get(action="delete")
        assert "50% by 1 April 2024" in event.object_repr


@pytest.mark.django_db
class TestTargetPages:
    def test_set_a_target_and_a_step(self, world, signed_in) -> None:  # type: ignore[no-untyped-def]
        """The performance officer sets a target, adds a step and sees it on the target's page."""
        client = signed_in(world["A"].users["performance_officer"])
        response = client.post(reverse("performance:target-create"), {"indicator": "he_19_21", "tolerance": "1"})
        target = Target.objects.get()
        assert response.status_code == 302
        response = client.post(
            reverse("performance:target-detail", args=[target.pk]),
            {
                "by_date_0": "1",
                "by_date_1": "4",
                "by_date_2": "2026",
                "kind": "absolute",
                "value": "9",
                "version": "1",
            },
        )
        assert response.status_code == 302
        page = client.get(reverse("performance:target-detail", args=[target.pk]))
        assert "9% by 1 April 2026" in page.content.decode()

    def test_a_bad_step_shows_a_govuk_error(self, world, signed_in) -> None:  # type: ignore[no-untyped-def]
        """A step without a date is refused with an error message and nothing is saved."""
        client = signed_in(world["A"].users["performance_officer"])
        client.post(reverse("performance:target-create"), {"indicator": "he_19_21", "tolerance": ""})
        target = Target.objects.get()
        response = client.post(
            reverse("performance:target-detail", args=[target.pk]), {"kind": "absolute", "value": "9", "version": "1"}
        )
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
        assert not TargetStep.objects.exists()

    def test_removing_a_step_from_a_stale_page_is_refused(self, world, signed_in) -> None:  # type: ignore[no-untyped-def]
        """A step removed from a page someone else has since changed stays, with the reason shown."""
        user = world["A"].users["performance_officer"]
        client = signed_in(user)
        target = Target.objects.create(council=world["A"].council, indicator="he_19_21")
        step = services.target_step_add(
            acting_user=user, target=target, by_date=datetime.date(2026, 4, 1), kind="absolute", value=D(9), version=1
        )
        seen = Target.objects.get(pk=target.pk).version
        page = client.get(reverse("performance:target-detail", args=[target.pk])).content.decode()
        assert f'name="version" value="{seen}"' in page
        remove = reverse("performance:target-step-remove", args=[target.pk, step.pk])
        # Someone else adds a step in the meantime.
        services.target_step_add(
            acting_user=user, target=target, by_date=datetime.date(2027, 4, 1), kind="absolute", value=D(12), version=2
        )
        response = client.post(remove, {"version": str(seen)}, follow=True)
        assert TargetStep.objects.filter(pk=step.pk).exists()
        assert "Someone else changed this target" in response.content.decode()
        response = client.post(remove, {"version": str(seen + 1)}, follow=True)
        assert not TargetStep.objects.filter(pk=step.pk).exists()
        assert "Step removed" in response.content.decode()

    def test_another_councils_target_does_not_exist(self, world, signed_in) -> None:  # type: ignore[no-untyped-def]
        """A target of council A is not found by council B's performance officer."""
        target = Target.objects.create(council=world["A"].council, indicator="eet_19_21")
        client = signed_in(world["B"].users["performance_officer"])
        assert client.get(reverse("performance:target-detail", args=[target.pk])).status_code == 404


@pytest.mark.django_db
def test_another_councils_benchmark_file_cannot_be_opened_or_saved(world, signed_in) -> None:  # type: ignore[no-untyped-def]
    """Council B's benchmark file does not exist for council A's performance officer, even by POST."""
    from onward.performance.models import BenchmarkSet

    b = world["B"]
    good = b"year,la_code,la_name,comparator,indicator,value\n2025,E1,One,region,eet_19_21,50\n"
    previewed = services.benchmark_preview(
        acting_user=b.users["performance_officer"], council=b.council, file_name="b.csv", content=good
    )
    client = signed_in(world["A"].users["performance_officer"])
    assert client.get(reverse("performance:benchmark-detail", args=[previewed.pk])).status_code == 404
    assert client.post(reverse("performance:benchmark-save", args=[previewed.pk])).status_code == 404
    previewed.refresh_from_db()
    assert previewed.status == BenchmarkSet.Status.PREVIEWED


@pytest.mark.django_db
def test_the_demo_loads_targets_and_neighbours_once(world) -> None:  # type: ignore[no-untyped-def]
    """The demo council gets a stepped HE trajectory, a 'national plus 5' target and a neighbours' set, once."""
    from onward.performance.targets_demo import load_targets_demo

    council = world["A"].council
    load_targets_demo(council)
    load_targets_demo(council)
    he = Target.objects.get(council=council, indicator="he_19_21")
    assert he.steps.count() == 4
    eet = Target.objects.get(council=council, indicator="eet_19_21")
    assert [step.kind for step in eet.steps.all()] == ["national", "national"]
    found = comparisons.benchmarks_for(council, "eet_19_21", datetime.date(2026, 1, 31))
    assert found.neighbours is not None
    assert found.neighbours_count == 10
    assert found.region is not None
    status = comparisons.target_status(council, "eet_19_21", datetime.date(2026, 1, 31), D(70))
    assert status is not None
    assert status.target == D(64)


@pytest.mark.django_db
def test_a_target_relative_to_the_neighbours_follows_their_average(world) -> None:  # type: ignore[no-untyped-def]
    """'Neighbours plus 2' is the loaded neighbours' average plus 2, and there is none without a file."""
    council, user = world["A"].council, world["A"].users["performance_officer"]
    target = services.target_save(
        acting_user=user, council=council, target=None, indicator="suitable_accommodation_19_21", tolerance=D(1)
    )
    services.target_step_add(
        acting_user=user, target=target, by_date=datetime.date(2025, 4, 1), kind="neighbours", value=D(2), version=1
    )
    day = datetime.date(2026, 1, 31)
    status = comparisons.target_status(council, "suitable_accommodation_19_21", day, D(90))
    assert status is not None
    assert (status.target, status.rating) == (None, None)
    csv = (
        b"year,la_code,la_name,comparator,indicator,value\n"
        b"2025,E1,One,statistical neighbours,suitable_accommodation_19_21,86\n"
        b"2025,E2,Two,statistical neighbours,suitable_accommodation_19_21,88\n"
    )
    services.benchmark_save(
        acting_user=user,
        benchmark_set=services.benchmark_preview(acting_user=user, council=council, file_name="sn.csv", content=csv),
    )
    status = comparisons.target_status(council, "suitable_accommodation_19_21", day, D(88))
    assert status is not None
    assert (status.target, status.rating) == (D(89), Rating.NEAR)


def test_a_count_target_reads_without_a_percent_sign() -> None:
    """A step of the NEET cohort's size (a count) is written as a number, not a percentage."""
    assert describe_step(Step(datetime.date(2026, 4, 1), "absolute", D(40)), "neet_cohort_size") == "40 by 1 April 2026"


@pytest.mark.django_db
def test_only_the_closest_navigation_item_is_current(world) -> None:  # type: ignore[no-untyped-def]
    """On the targets page, 'Targets' is the current item, not 'Performance' as well."""
    from onward.core.navigation import navigation_for

    items = navigation_for(world["A"].users["performance_officer"], reverse("performance:target-list"))
    assert [item["text"] for item in items if item["active"]] == ["Targets"]
    items = navigation_for(world["A"].users["performance_officer"], reverse("performance:dashboard"))
    assert [item["text"] for item in items if item["active"]] == ["Performance"]
