"""The finance app's records for the shared test world, and its URLs for the URL access table.

``finance_world(tenant)`` adds (once) a paid higher education bursary for the tenant's young person. The
URL access table, the tenant isolation walk, the access rules and the version cases call these so the
shared test files need one line each.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from onward.finance.models import SupportPayment
from tests.conftest import Tenant


def finance_world(tenant: Tenant) -> SupportPayment:
    assert tenant.person is not None
    payment, _ = SupportPayment.objects.get_or_create(
        person=tenant.person,
        kind=SupportPayment.Kind.HE_BURSARY,
        defaults={
            "amount_pence": 100000,
            "date": timezone.localdate() - datetime.timedelta(days=20),
            "status": SupportPayment.Status.PAID,
            "recorded_by": tenant.users["personal_adviser"],
        },
    )
    return payment


def finance_url(name: str, tenant: Tenant) -> str:
    """A URL for a finance page, pointing at the tenant's own records."""
    assert tenant.person is not None
    if name == "finance:payment-update":
        return reverse(name, kwargs={"payment_pk": finance_world(tenant).pk})
    if name in ("finance:payments", "finance:payment-create"):
        return reverse(name, kwargs={"person_pk": tenant.person.pk})
    return reverse(name)


def date_fields(name: str, day: datetime.date) -> dict[str, str | None]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def version_cases(case: Callable[..., Any]) -> list[Any]:
    """The versioned finance records, as ``tests.test_versions.Case``s (``case`` is that class)."""
    today = timezone.localdate()
    form = {"kind": "he_bursary", "status": "paid", **date_fields("date", today)}
    return [
        case(
            "support-payment",
            SupportPayment,
            "finance:payment-update",
            "team_manager",
            finance_world,
            {**form, "amount": "100.00"},
            {**form, "amount": "200.00"},
            lambda r: r.amount_pence,
            kwargs=lambda r: {"payment_pk": r.pk},
        ),
    ]
