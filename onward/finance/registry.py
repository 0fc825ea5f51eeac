"""Registers the figures plans quote about financial support in ``onward.core.indicators`` (Leeds 4d;
Stockton rec 3; Cambridgeshire 2.2), read only when a measure bound to one, a target or the indicators
API asks.

- ``financial_support_paid_last_year``: pounds paid to or for the council's young people in the 12
  months up to the date (payments marked paid, dated in that year). A sum of money, shown as such; when
  it was paid to 1 to 5 young people it is shown as ``c``, as any figure about so few is.
- ``he_students_with_bursary``: of the council's young people in higher education on the date (their EET
  record covering it), the share with a higher education bursary paid in the 12 months up to it.

Payments are dated, so a past date gives the figure it gave then (as the records now stand).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from onward.accounts.models import Organisation
from onward.core.codelists import EETActivity
from onward.core.indicators import COUNT, PERCENT, IndicatorReading, IndicatorSource, register_indicator
from onward.finance.models import SupportPayment, pounds
from onward.people.models import EETSpell

PAID_LAST_YEAR = "financial_support_paid_last_year"
HE_WITH_BURSARY = "he_students_with_bursary"


def year_to(as_at: datetime.date) -> datetime.date:
    """The first day of the 12 months up to and including ``as_at``."""
    try:
        return as_at.replace(year=as_at.year - 1) + datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return as_at.replace(year=as_at.year - 1, day=28) + datetime.timedelta(days=1)


def _paid(council: Organisation, as_at: datetime.date) -> QuerySet[SupportPayment]:
    return SupportPayment.objects.filter(
        person__council=council, status=SupportPayment.Status.PAID, date__gte=year_to(as_at), date__lte=as_at
    )


def paid_last_year(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    payments = _paid(council, as_at)
    pence = sum(payments.values_list("amount_pence", flat=True))
    people = payments.order_by().values("person_id").distinct().count()
    value = (Decimal(pence) / 100).quantize(Decimal("0.01"))
    shown = "c" if 1 <= people <= 5 else pounds(pence)
    return IndicatorReading(value=value, numerator=pence // 100, denominator=None, unit=COUNT, shown=shown)


def he_with_bursary(council: Organisation, as_at: datetime.date) -> IndicatorReading | None:
    in_he = set(
        EETSpell.objects.filter(
            EETSpell.covering(as_at), person__council=council, activity=EETActivity.HIGHER_EDUCATION
        ).values_list("person_id", flat=True)
    )
    if not in_he:
        return None
    with_bursary = set(
        _paid(council, as_at)
        .filter(kind=SupportPayment.Kind.HE_BURSARY, person_id__in=in_he)
        .values_list("person_id", flat=True)
    )
    numerator, denominator = len(with_bursary), len(in_he)
    value = (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    small = 1 <= numerator <= 5 or 1 <= denominator <= 5
    shown = "c" if small else f"{value.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"
    return IndicatorReading(value=value, numerator=numerator, denominator=denominator, unit=PERCENT, shown=shown)


def register_all() -> None:
    register_indicator(
        IndicatorSource(
            code=PAID_LAST_YEAR,
            name="Financial support for EET paid, in pounds (last 12 months)",
            read=paid_last_year,
            unit=COUNT,
        )
    )
    register_indicator(
        IndicatorSource(
            code=HE_WITH_BURSARY,
            name="Young people in higher education with a bursary paid (last 12 months)",
            read=he_with_bursary,
        )
    )
