"""Financial support for EET (Leeds 4d; Stockton rec 3; Cambridgeshire 2.2): payments paid and planned
per young person, recorded by their adviser, totalled on their page, and the council's report by type and
month for those who see aggregates (rounded and suppressed for councillors)."""

from __future__ import annotations

import csv
import datetime
import io
import random
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from onward.audit.models import AuditEvent
from onward.core.indicators import read_indicator
from onward.finance import selectors
from onward.finance.models import SupportPayment
from onward.people.models import EETSpell
from tests.factories import YoungPersonFactory
from tests.finance.world import date_fields

TODAY = timezone.localdate


def form(**changes: str) -> dict[str, str | None]:
    data: dict[str, str | None] = {
        "kind": "he_bursary",
        "amount": "1,250.50",
        "status": "paid",
        "note": "First term",
        **date_fields("date", TODAY()),
    }
    data.update(changes)
    return data


def test_an_adviser_records_a_payment_and_sees_the_totals_on_the_young_persons_page(world, signed_in) -> None:
    """The amount is saved in pence, audited, and the totals (paid, planned) show on both pages."""
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    response = client.post(reverse("finance:payment-create", args=[a.person.pk]), form())
    assert response.status_code == 302
    payment = SupportPayment.objects.get(person=a.person)
    assert (payment.amount_pence, payment.kind, payment.status) == (125050, "he_bursary", "paid")
    assert AuditEvent.objects.filter(action="create", object_type__icontains="supportpayment").exists()
    client.post(reverse("finance:payment-create", args=[a.person.pk]), form(status="planned", amount="300"))
    client.post(reverse("finance:payment-create", args=[a.person.pk]), form(status="cancelled", amount="999"))
    page = client.get(reverse("finance:payments", args=[a.person.pk]))
    assert page.context["totals"] == selectors.PaymentTotals(paid=125050, planned=30000)
    assert "£1,250.50" in page.content.decode() and "£300.00" in page.content.decode()
    person_page = client.get(reverse("people:person-detail", args=[a.person.pk])).content.decode()
    assert "Financial support for education, employment and training" in person_page
    assert 'Paid</dt><dd class="govuk-summary-list__value">£1,250.50</dd>' in person_page
    assert 'Planned</dt><dd class="govuk-summary-list__value">£300.00</dd>' in person_page  # not the cancelled
    assert "Higher education bursary of £999.00 (cancelled)" in person_page  # the latest three, cancelled too
    other = YoungPersonFactory(council=a.council, personal_adviser=a.users["personal_adviser"], team=a.team)
    empty = client.get(reverse("people:person-detail", args=[other.pk])).content.decode()
    assert "No financial support recorded." in empty and "£" not in empty


def test_bad_amounts_and_missing_choices_get_a_message_and_change_nothing(world, signed_in) -> None:
    """Amounts that are not money, zero or too many pence are refused in GOV.UK style."""
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    url = reverse("finance:payment-create", args=[a.person.pk])
    for amount, message in (
        ("ten pounds", "Enter the amount in pounds and pence, like 250.00"),
        ("0", "Amount must be more than £0"),
        ("12.345", "Enter the amount in pounds and pence, like 250.00"),
        ("2000000", "Amount must be £1,000,000 or less"),
        ("", "Enter the amount"),
    ):
        response = client.post(url, form(amount=amount))
        assert response.status_code == 200 and message in response.content.decode()
    response = client.post(url, {**form(), "kind": ""})
    assert "Select the type of support" in response.content.decode()
    assert not SupportPayment.objects.exists()


def test_a_planned_payment_is_marked_paid_with_the_version_it_was_opened_at(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["personal_adviser"])
    client.post(reverse("finance:payment-create", args=[a.person.pk]), form(status="planned"))
    payment = SupportPayment.objects.get()
    response = client.post(reverse("finance:payment-update", args=[payment.pk]), {**form(), "version": "1"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.status, payment.version) == ("paid", 2)
    stale = client.post(reverse("finance:payment-update", args=[payment.pk]), {**form(amount="1"), "version": "1"})
    assert stale.status_code == 200
    payment.refresh_from_db()
    assert payment.amount_pence == 125050


def test_who_records_and_who_reads(world, signed_in) -> None:
    """An adviser records for their caseload only; a councillor, a partner and another council's adviser see no
    payment; a performance officer, who may read the record but not change it, cannot record one."""
    a, b = world["A"], world["B"]
    other = YoungPersonFactory(council=a.council)
    adviser = signed_in(a.users["personal_adviser"])
    assert adviser.post(reverse("finance:payment-create", args=[other.pk]), form()).status_code == 404
    assert signed_in(a.users["councillor"]).get(reverse("finance:payments", args=[a.person.pk])).status_code == 403
    assert (
        signed_in(a.users["partner_provider"]).get(reverse("finance:payments", args=[a.person.pk])).status_code == 403
    )
    assert (
        signed_in(b.users["personal_adviser"]).get(reverse("finance:payments", args=[a.person.pk])).status_code == 404
    )
    officer = signed_in(a.users["performance_officer"])
    assert officer.get(reverse("finance:payments", args=[a.person.pk])).status_code == 200
    assert officer.post(reverse("finance:payment-create", args=[a.person.pk]), form()).status_code == 403
    assert not SupportPayment.objects.exists()


def _random_payments(tenant, seed: int) -> list[SupportPayment]:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    people = [tenant.person] + [YoungPersonFactory(council=tenant.council) for _ in range(8)]
    made = []
    for _ in range(60):
        made.append(
            SupportPayment.objects.create(
                person=rng.choice(people),
                kind=rng.choice(SupportPayment.Kind.values),
                amount_pence=rng.randint(100, 200000),
                date=TODAY() - datetime.timedelta(days=rng.randint(0, 500)),
                status=rng.choice(SupportPayment.Status.values),
                recorded_by=tenant.users["personal_adviser"],
            )
        )
    return made


def test_the_report_equals_a_count_by_hand_and_downloads_as_csv(world, signed_in) -> None:
    """Totals by month and type equal a sum by hand; the download holds the same figures; another council's
    payments are not in it; the export is audited."""
    a = world["A"]
    made = _random_payments(a, 7)
    _random_payments(world["B"], 8)
    start = TODAY() - datetime.timedelta(days=300)
    expected: dict[tuple[str, str], list[int]] = {}
    for p in made:
        if p.status == "cancelled" or p.date < start:
            continue
        cell = expected.setdefault((p.date.strftime("%Y-%m"), str(p.get_kind_display())), [0, 0, 0])
        cell[0 if p.status == "paid" else 1] += p.amount_pence
    people = {(p.date.strftime("%Y-%m"), str(p.get_kind_display())): set() for p in made}
    for p in made:
        if p.status != "cancelled" and p.date >= start:
            people[(p.date.strftime("%Y-%m"), str(p.get_kind_display()))].add(p.person_id)
    client = signed_in(a.users["performance_officer"])
    query = {f"start_{i}": v for i, v in enumerate((start.day, start.month, start.year))}
    response = client.get(reverse("finance:report"), query)
    assert response.status_code == 200
    download = client.get(reverse("finance:report-export"), query)
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["Month", "Type of support", "Paid (£)", "Planned (£)", "Young people"]
    found = {(r[0], r[1]): [round(Decimal(r[2]) * 100), round(Decimal(r[3]) * 100), int(r[4])] for r in rows[1:]}
    assert found == {key: [paid, planned, len(people[key])] for key, (paid, planned, _n) in expected.items()}
    assert AuditEvent.objects.filter(action="export", summary__icontains="financial support").exists()


def test_councillors_see_the_report_rounded_and_small_amounts_suppressed(world, signed_in) -> None:
    """One young person's bursary is never shown to a councillor: the amount and the count are c."""
    a = world["A"]
    SupportPayment.objects.create(
        person=a.person,
        kind="he_bursary",
        amount_pence=100000,
        date=TODAY(),
        status="paid",
        recorded_by=a.users["personal_adviser"],
    )
    response = signed_in(a.users["councillor"]).get(reverse("finance:report"))
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert (row["paid"], row["people"]) == ("c", "c")
    assert "£1,000.00" not in response.content.decode()
    exact = signed_in(a.users["performance_officer"]).get(reverse("finance:report"))
    assert exact.context["rows"][0]["paid"] == "£1,000.00"


def test_the_indicators_equal_a_count_by_hand_and_read_as_at_a_past_date(world) -> None:
    """Pounds paid in the last 12 months, and the share of young people in higher education with a bursary
    paid in the last 12 months, equal sums by hand today and as at a past date."""
    a = world["A"]
    made = _random_payments(a, 9)
    in_he = [YoungPersonFactory(council=a.council) for _ in range(7)]
    for n, person in enumerate(in_he):
        EETSpell.objects.create(
            person=person, activity="higher_education", start=TODAY() - datetime.timedelta(days=400)
        )
        if n % 2 == 0:
            SupportPayment.objects.create(
                person=person,
                kind="he_bursary",
                amount_pence=50000,
                status="paid",
                date=TODAY() - datetime.timedelta(days=30 + 100 * n),
                recorded_by=a.users["personal_adviser"],
            )
    made = list(SupportPayment.objects.filter(person__council=a.council))
    for as_at in (TODAY(), TODAY() - datetime.timedelta(days=200)):
        first = as_at.replace(year=as_at.year - 1) + datetime.timedelta(days=1)
        paid = [p for p in made if p.status == "paid" and first <= p.date <= as_at]
        reading = read_indicator("financial_support_paid_last_year", council=a.council, as_at=as_at)
        assert reading is not None and reading.value == Decimal(sum(p.amount_pence for p in paid)) / 100
        he = {p.pk for p in in_he}
        with_bursary = {p.person_id for p in paid if p.kind == "he_bursary" and p.person_id in he}
        share = read_indicator("he_students_with_bursary", council=a.council, as_at=as_at)
        assert share is not None and (share.numerator, share.denominator) == (len(with_bursary), len(he))
    assert read_indicator("he_students_with_bursary", council=world["B"].council, as_at=TODAY()) is None


def test_the_policy_rule_by_rule(world) -> None:
    """Each branch of the finance policy: changing needs CHANGE_PEOPLE in a council; totals are counted for
    council staff with VIEW_AGGREGATES only, and only their own council's."""
    import pytest
    from django.http import Http404

    from onward.finance import access as policy
    from tests.finance.world import finance_world

    a, b = world["A"], world["B"]
    mine, theirs = finance_world(a), finance_world(b)
    assert policy.can_record(a.users["personal_adviser"])
    assert not policy.can_record(a.users["performance_officer"])  # reads the record, changes nothing
    assert not policy.can_record(a.users["partner_provider"])
    assert policy.access_payment(a.users["personal_adviser"], mine.pk, for_change=True) == mine
    assert policy.access_payment(a.users["performance_officer"], mine.pk) == mine
    with pytest.raises(Http404):
        policy.access_payment(a.users["performance_officer"], mine.pk, for_change=True)
    with pytest.raises(Http404):
        policy.access_payment(a.users["personal_adviser"], theirs.pk)
    assert list(policy.payments_counted_for(a.users["councillor"])) == [mine]
    assert list(policy.payments_counted_for(a.users["team_manager"])) == [mine]
    assert not policy.payments_counted_for(a.users["personal_adviser"]).exists()
    assert not policy.payments_counted_for(a.users["partner_provider"]).exists()
