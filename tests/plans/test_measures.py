"""Measures: stepped trajectories, targets relative to the national figure, and live indicators bound by code."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from onward.core.indicators import IndicatorReading, IndicatorSource, register_indicator, unregister_indicator
from onward.plans import selectors, services
from onward.plans.models import Measure, MeasureTarget
from tests.conftest import Tenant

D = Decimal


def _measure(tenant: Tenant, **fields: object) -> Measure:
    return services.measure_save(
        acting_user=tenant.users["performance_officer"],
        item=tenant.plan_item,
        measure=None,
        name=fields.pop("name", "Care leavers in higher education"),
        **fields,
    )


def _target(tenant: Tenant, measure: Measure, due_on: datetime.date, value: str, kind: str = "absolute") -> None:
    measure.refresh_from_db(fields=["version"])
    services.measure_target_set(
        acting_user=tenant.users["performance_officer"],
        measure=measure,
        due_on=due_on,
        kind=kind,
        value=D(value),
        version=measure.version,
    )


def _actual(tenant: Tenant, measure: Measure, on: datetime.date, value: str, national: str | None = None) -> None:
    services.measure_actual_record(
        acting_user=tenant.users["plan_lead"],
        measure=measure,
        on=on,
        value=D(value),
        national=D(national) if national else None,
    )


def test_a_stepped_trajectory_compares_with_the_target_in_force_and_shows_the_next(world) -> None:
    """From about 6% now, 8%, 10%, 11% and 12% in successive years: on a date between steps the
    target in force is the last step passed, and the next step is shown."""
    tenant = world["A"]
    measure = _measure(tenant, baseline=D("6"))
    start = datetime.date(2024, 4, 1)
    for years, value in ((1, "8"), (2, "10"), (3, "11"), (4, "12")):
        _target(tenant, measure, start.replace(year=start.year + years), value)
    _actual(tenant, measure, datetime.date(2026, 5, 1), "10.5")
    status = selectors.measure_status(measure, council=tenant.council, as_at=datetime.date(2026, 6, 1))
    assert status.actual is not None and status.actual.value == D("10.5")
    assert status.in_force is not None and status.in_force.value == D("10")
    assert status.next is not None and status.next.value == D("11")
    assert status.next.describe == "11% by April 2027"
    assert status.met is True
    before_first = selectors.measure_status(measure, council=tenant.council, as_at=datetime.date(2025, 1, 1))
    assert before_first.in_force is None
    assert before_first.next is not None and before_first.next.value == D("8")
    assert before_first.actual is None and before_first.met is None


def test_a_target_relative_to_the_national_figure_uses_the_figure_quoted(world) -> None:
    """ "5 points above the national average by April": 49% against national 47% misses 52%."""
    tenant = world["A"]
    measure = _measure(tenant, name="Care leavers in education, employment or training")
    _target(tenant, measure, datetime.date(2025, 4, 1), "5", kind=MeasureTarget.Kind.ABOVE_NATIONAL)
    _actual(tenant, measure, datetime.date(2025, 4, 30), "49", national="47")
    status = selectors.measure_status(measure, council=tenant.council, as_at=datetime.date(2025, 5, 1))
    assert status.in_force is not None
    assert status.in_force.value == D("52")
    assert status.in_force.describe == "5 percentage points above the national figure by April 2025"
    assert status.met is False


def test_a_lower_is_better_measure_is_met_at_or_below_the_target(world) -> None:
    """For a count that should fall, a figure under the target meets it."""
    tenant = world["A"]
    measure = _measure(tenant, name="Young people NEET", unit="count", higher_is_better=False)
    _target(tenant, measure, datetime.date(2025, 1, 1), "100")
    _actual(tenant, measure, datetime.date(2025, 2, 1), "92")
    assert selectors.measure_status(measure, council=tenant.council, as_at=datetime.date(2025, 3, 1)).met is True


@pytest.fixture
def live_indicator() -> Iterator[str]:
    """A test indicator registered at the binding point: 61.5% for any council, national 55%."""
    code = "test.eet_rate"
    register_indicator(
        IndicatorSource(
            code=code,
            name="Test EET rate",
            read=lambda council, as_at: IndicatorReading(value=D("61.5"), numerator=123, denominator=200),
            national=lambda as_at: D("55"),
        )
    )
    yield code
    unregister_indicator(code)


def _council_target(tenant: Tenant, code: str, steps: list[tuple[datetime.date, str, str]]) -> None:
    """The council's target for ``code`` as set on the targets page: (by date, kind, value) steps."""
    from onward.performance import services as performance

    officer = tenant.users["performance_officer"]
    target = performance.target_save(
        acting_user=officer, council=tenant.council, target=None, indicator=code, tolerance=None
    )
    for by_date, kind, value in steps:
        target.refresh_from_db(fields=["version"])
        performance.target_step_add(
            acting_user=officer, target=target, by_date=by_date, kind=kind, value=D(value), version=target.version
        )


def test_a_measure_bound_to_a_live_indicator_fills_its_own_figures(world, live_indicator, signed_in) -> None:
    """Bound by code, the measure reads the indicator and the national figure with no figure typed."""
    tenant = world["A"]
    measure = _measure(tenant, indicator_code=live_indicator)
    _council_target(tenant, live_indicator, [(timezone.localdate() - datetime.timedelta(days=1), "national", "5")])
    status = selectors.measure_status(measure, council=tenant.council, as_at=timezone.localdate())
    assert status.actual is not None
    assert (status.actual.value, status.actual.national, status.actual.source) == (D("61.5"), D("55"), "Live indicator")
    assert status.in_force is not None and status.in_force.value == D("60")
    assert status.met is True
    page = signed_in(tenant.users["councillor"]).get(reverse("plans:item-detail", kwargs={"pk": tenant.plan_item.pk}))
    assert "61.5%" in page.content.decode()


def test_the_indicator_choice_lists_registered_indicators_and_refuses_unknown_codes(world, live_indicator) -> None:
    """The measure form offers registered indicators; a code nobody registered is refused."""
    from onward.plans.forms import MeasureForm

    assert (live_indicator, "Test EET rate") in MeasureForm().fields["indicator_code"].choices
    with pytest.raises(ValidationError, match="indicator"):
        _measure(world["A"], indicator_code="nothing.registered")


def test_a_percentage_over_100_is_refused_and_a_future_figure_too(world) -> None:
    """Hand-recorded figures are checked before they are kept."""
    tenant = world["A"]
    measure = _measure(tenant)
    with pytest.raises(ValidationError, match="between 0 and 100"):
        _actual(tenant, measure, timezone.localdate(), "140")
    with pytest.raises(ValidationError):
        _actual(tenant, measure, timezone.localdate() + datetime.timedelta(days=3), "40")
    assert not measure.actuals.exists()


def test_setting_a_target_on_a_date_replaces_it(world) -> None:
    """One target per date: setting it again changes the value rather than adding a second."""
    tenant = world["A"]
    measure = _measure(tenant)
    _target(tenant, measure, datetime.date(2026, 4, 1), "8")
    _target(tenant, measure, datetime.date(2026, 4, 1), "9")
    assert list(measure.targets.values_list("value", flat=True)) == [D("9")]


def test_the_measure_page_records_targets_and_figures(world, signed_in) -> None:
    """A manager sets a target and a lead records a figure on the measure page; the lead cannot set targets."""
    tenant = world["A"]
    url = reverse("plans:measure-detail", kwargs={"pk": tenant.plan_measure.pk})
    manager = signed_in(tenant.users["performance_officer"])
    response = manager.post(
        url,
        {
            "target": "1",
            "due_on_0": "1",
            "due_on_1": "4",
            "due_on_2": "2027",
            "kind": "absolute",
            "value": "75",
            "version": tenant.plan_measure.version,
        },
    )
    assert response.status_code == 302
    lead = signed_in(tenant.users["plan_lead"])
    assert lead.post(url, {"target": "1", "kind": "absolute", "value": "1"}).status_code == 403
    today = timezone.localdate()
    response = lead.post(
        url, {"actual": "1", "on_0": today.day, "on_1": today.month, "on_2": today.year, "value": "not a number"}
    )
    assert "The value must be a number" in response.content.decode()
    lead.post(url, {"actual": "1", "on_0": today.day, "on_1": today.month, "on_2": today.year, "value": "64"})
    assert tenant.plan_measure.actuals.get().value == D("64")
    assert tenant.plan_measure.targets.get().value == D("75")


def test_the_plan_page_shows_each_measure_against_its_target(world, signed_in) -> None:
    """Below each item, its measures read figure against the target in force, with met or not met."""
    tenant = world["A"]
    _target(tenant, tenant.plan_measure, timezone.localdate() - datetime.timedelta(days=30), "80")
    _actual(tenant, tenant.plan_measure, timezone.localdate(), "72.5")
    page = signed_in(tenant.users["councillor"]).get(reverse("plans:plan-detail", kwargs={"pk": tenant.plan.pk}))
    body = page.content.decode()
    target_month = (timezone.localdate() - datetime.timedelta(days=30)).strftime("%B %Y")
    assert f"Year 11s with a guidance interview: 72.5% against 80% by {target_month}" in body
    assert "Not met" in body


def test_a_measure_bound_to_a_performance_indicator_quotes_the_dashboards_figure_and_national(db) -> None:
    """Bound to eet_19_21, a measure reads the same live figure the performance app computes, and 2025's 54%."""
    from onward.people.generator import generate_council
    from onward.performance import benchmarks
    from onward.performance import selectors as performance
    from onward.performance.models import Method
    from tests.conftest import make_tenant

    tenant = make_tenant("Calverton")
    generate_council(council=tenant.council, size=150, seed=7)
    as_at = datetime.date(2026, 1, 31)
    measure = _measure(tenant, name="Care leavers aged 19 to 21 in EET", indicator_code="eet_19_21")
    _council_target(tenant, "eet_19_21", [(datetime.date(2026, 1, 1), "national", "5")])

    status = selectors.measure_status(measure, council=tenant.council, as_at=as_at)
    figure = performance.figure(tenant.council, as_at, Method.SNAPSHOT, "eet_19_21")
    assert figure is not None and figure.denominator > 0
    assert status.actual is not None
    assert status.actual.value == figure.value
    assert status.actual.national == benchmarks.national("eet_19_21", as_at) == D("54")
    assert status.in_force is not None and status.in_force.value == D("59")
    assert status.met is (figure.value >= D("59"))


def test_removing_a_target_from_a_stale_page_or_without_the_version_is_refused(world, signed_in) -> None:
    """A target removed from a page someone has since changed, or from a form without its version, stays."""
    tenant = world["A"]
    measure = tenant.plan_measure
    _target(tenant, measure, datetime.date(2027, 4, 1), "75")
    seen = Measure.objects.get(pk=measure.pk).version
    target = measure.targets.get()
    url = reverse("plans:measure-detail", kwargs={"pk": measure.pk})
    manager = signed_in(tenant.users["performance_officer"])
    assert f'name="version" value="{seen}"' in manager.get(url).content.decode()
    _target(tenant, measure, datetime.date(2028, 4, 1), "80")  # someone else, meanwhile
    response = manager.post(url, {"remove_target": target.pk, "version": seen}, follow=True)
    assert "Someone else changed this measure" in response.content.decode()
    response = manager.post(url, {"remove_target": target.pk}, follow=True)
    assert "Your changes have not been saved: open the measure again" in response.content.decode()
    assert measure.targets.filter(pk=target.pk).exists()
    response = manager.post(url, {"remove_target": target.pk, "version": seen + 1}, follow=True)
    assert "Target removed" in response.content.decode()
    assert not measure.targets.filter(pk=target.pk).exists()


def test_a_bound_measure_quotes_the_councils_target_for_its_indicator_not_a_typed_one(world, live_indicator) -> None:
    """One source of truth: 8% typed into the plan gives way to the targets page's 10%, and follows it."""
    from onward.audit.models import AuditEvent
    from onward.performance.models import Target

    tenant = world["A"]
    measure = _measure(tenant, name="Care leavers in higher education")
    _target(tenant, measure, datetime.date(2027, 4, 1), "8")
    _council_target(
        tenant,
        live_indicator,
        [(datetime.date(2025, 4, 1), "absolute", "6"), (datetime.date(2027, 4, 1), "absolute", "10")],
    )
    measure.refresh_from_db()
    measure = services.measure_save(
        acting_user=tenant.users["performance_officer"],
        item=tenant.plan_item,
        measure=measure,
        version=measure.version,
        indicator_code=live_indicator,
    )
    assert not measure.targets.exists(), "the typed target goes when the measure is bound"
    change = AuditEvent.objects.filter(object_type="plans.Measure", object_id=str(measure.pk)).latest("id")
    assert change.changes["targets"] == [["A value 8 by 01/04/2027"], []]
    status = selectors.measure_status(measure, council=tenant.council, as_at=datetime.date(2026, 6, 1))
    assert [row.value for row in status.targets] == [D("6"), D("10")]
    assert status.in_force is not None and status.in_force.describe == "6% by 1 April 2025"
    assert status.next is not None and status.next.describe == "10% by 1 April 2027"
    assert status.council_target is True
    measure.refresh_from_db()
    with pytest.raises(ValidationError, match="targets page"):
        _target(tenant, measure, datetime.date(2028, 4, 1), "12")
    with pytest.raises(ValidationError, match="counted, not typed"):
        _actual(tenant, measure, datetime.date(2026, 5, 1), "7")
    # The council changes its target on the targets page: the plan follows, with nothing retyped.
    step = Target.objects.get(council=tenant.council, indicator=live_indicator).steps.get(
        by_date=datetime.date(2027, 4, 1)
    )
    step.value = D("12")
    step.save()
    status = selectors.measure_status(measure, council=tenant.council, as_at=datetime.date(2026, 6, 1))
    assert status.next is not None and status.next.value == D("12")


def test_a_bound_measure_with_no_council_target_says_so(world, live_indicator, signed_in) -> None:
    """Bound, with no target on the targets page: no target, and no form to type one into the plan."""
    tenant = world["A"]
    measure = _measure(tenant, indicator_code=live_indicator)
    status = selectors.measure_status(measure, council=tenant.council, as_at=timezone.localdate())
    assert (status.targets, status.state_label) == ([], "No target set")
    page = signed_in(tenant.users["performance_officer"]).get(
        reverse("plans:measure-detail", kwargs={"pk": measure.pk})
    )
    body = page.content.decode()
    assert "The council has not set a target for this indicator yet." in body
    assert reverse("performance:target-list") in body
    assert "Save target" not in body and "Save figure" not in body


def test_a_measure_is_not_met_only_once_a_target_is_due(world, signed_in) -> None:
    """Before its first date a measure is "On track" or "Not yet due", never "Not met"."""
    tenant = world["A"]
    measure = _measure(tenant, baseline=D("6"))
    _target(tenant, measure, datetime.date(2026, 4, 1), "8")
    _target(tenant, measure, datetime.date(2027, 4, 1), "10")
    _actual(tenant, measure, datetime.date(2025, 6, 1), "7")
    early = selectors.measure_status(measure, council=tenant.council, as_at=datetime.date(2025, 7, 1))
    assert (early.met, early.state_label) == (None, "Not yet due")
    _actual(tenant, measure, datetime.date(2025, 9, 1), "8.5")
    early = selectors.measure_status(measure, council=tenant.council, as_at=datetime.date(2025, 10, 1))
    assert (early.met, early.state_label) == (None, "On track")
    _actual(tenant, measure, datetime.date(2026, 5, 1), "7.5")
    due = selectors.measure_status(measure, council=tenant.council, as_at=datetime.date(2026, 6, 1))
    assert (due.met, due.state_label) == (False, "Not met")
    assert selectors.measure_status(measure, council=tenant.council, as_at=datetime.date(2025, 1, 1)).state_label == (
        "Not yet due"
    )
    unset = _measure(tenant, name="No target yet")
    assert selectors.measure_status(unset, council=tenant.council, as_at=datetime.date(2026, 6, 1)).state_label == (
        "No target set"
    )


def test_the_plan_page_says_not_yet_due_before_the_first_target_date(world, signed_in) -> None:
    tenant = world["A"]
    _target(tenant, tenant.plan_measure, timezone.localdate() + datetime.timedelta(days=200), "80")
    _actual(tenant, tenant.plan_measure, timezone.localdate(), "60")
    body = (
        signed_in(tenant.users["councillor"])
        .get(reverse("plans:plan-detail", kwargs={"pk": tenant.plan.pk}))
        .content.decode()
    )
    assert "Not yet due" in body and "Not met" not in body
