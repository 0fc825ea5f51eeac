"""Reads for financial support: a young person's totals and the council's report."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from onward.finance.models import SupportPayment, pounds


@dataclass(frozen=True)
class PaymentTotals:
    """Pence paid and still planned (cancelled payments count in neither)."""

    paid: int
    planned: int

    @property
    def paid_text(self) -> str:
        return pounds(self.paid)

    @property
    def planned_text(self) -> str:
        return pounds(self.planned)


def dated_between(
    payments: QuerySet[SupportPayment], start: datetime.date | None, end: datetime.date | None
) -> QuerySet[SupportPayment]:
    """The payments dated from ``start`` to ``end`` inclusive (either may be open)."""
    if start is not None:
        payments = payments.filter(date__gte=start)
    if end is not None:
        payments = payments.filter(date__lte=end)
    return payments


def payment_totals(payments: QuerySet[SupportPayment]) -> PaymentTotals:
    """Totals of ``payments`` (already scoped by the access policy). One query."""
    sums = dict(
        payments.exclude(status=SupportPayment.Status.CANCELLED)
        .order_by()
        .values_list("status")
        .annotate(total=Sum("amount_pence"))
    )
    return PaymentTotals(
        paid=int(sums.get(SupportPayment.Status.PAID, 0) or 0),
        planned=int(sums.get(SupportPayment.Status.PLANNED, 0) or 0),
    )


@dataclass(frozen=True)
class PaymentReportRow:
    """One type of support in one month: pence paid and planned, and how many young people they were for."""

    month: datetime.date
    kind: str
    label: str
    paid: int
    planned: int

    @property
    def paid_text(self) -> str:
        return pounds(self.paid)

    @property
    def planned_text(self) -> str:
        return pounds(self.planned)

    people: int


def payment_report(
    payments: QuerySet[SupportPayment], start: datetime.date | None, end: datetime.date | None
) -> list[PaymentReportRow]:
    """Totals by month and type of the payments (from ``payments_counted_for``) dated ``start`` to ``end``
    (either open), cancelled left out, months in order and types in the list's order. One query."""
    rows = dated_between(payments, start, end).exclude(status=SupportPayment.Status.CANCELLED)
    cells: dict[tuple[datetime.date, str], tuple[int, int, set[int]]] = {}
    for person_id, kind, day, status, pence in rows.order_by().values_list(
        "person_id", "kind", "date", "status", "amount_pence"
    ):
        key = (day.replace(day=1), kind)
        paid, planned, people = cells.get(key, (0, 0, set()))
        if status == SupportPayment.Status.PAID:
            paid += pence
        else:
            planned += pence
        people.add(person_id)
        cells[key] = (paid, planned, people)
    order = [value for value, _label in SupportPayment.Kind.choices]
    labels = dict(SupportPayment.Kind.choices)
    return [
        PaymentReportRow(month, kind, str(labels[kind]), paid, planned, len(people))
        for (month, kind), (paid, planned, people) in sorted(
            cells.items(), key=lambda i: (i[0][0], order.index(i[0][1]))
        )
    ]


def payment_report_people(
    payments: QuerySet[SupportPayment], start: datetime.date | None, end: datetime.date | None
) -> int:
    """How many young people the report's payments were for (each once)."""
    rows = dated_between(payments, start, end).exclude(status=SupportPayment.Status.CANCELLED)
    return rows.order_by().values("person_id").distinct().count()
