"""Pages for financial support for EET: a young person's payments (for those who see them), recording them,
and the council's report of totals by type and month with its CSV download (ADR 34)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from onward.accounts import access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record, audit_view
from onward.core import exports
from onward.core.forms import today
from onward.core.forms_errors import apply_validation_error
from onward.finance import access as policy
from onward.finance import forms, selectors, services
from onward.finance.models import pounds
from onward.people import access as people_access
from onward.performance import display


def _people_user(request: HttpRequest) -> User:
    """Council staff who may see young people's records; 403 for anyone else."""
    user: User = request.user  # type: ignore[assignment]
    if access.council_of(user) is None or not user.can_any(policy.PEOPLE_PERMS):
        raise PermissionDenied
    return user


# Financial support for EET (ADR 34) ------------------------------------------------------------------


@require_safe
@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def person_payments(request: HttpRequest, person_pk: int) -> HttpResponse:
    """A young person's financial support for EET, paid and planned, with totals; audited."""
    user = _people_user(request)
    person = people_access.access_person(user, person_pk)
    payments = policy.payments_visible_to(user).filter(person=person)
    audit_view(actor=user, council=person.council, obj=person, summary="Viewed the young person's financial support")
    return render(
        request,
        "finance/payments.html",
        {
            "person": person,
            "payments": list(payments),
            "totals": selectors.payment_totals(payments),
            "can_change": policy.can_record(user),
        },
    )


PAYMENT_INITIAL = ("kind", "date", "status", "note", "version")


@access.require_perm(any_of=policy.PEOPLE_PERMS, council_staff=True)
def payment_edit(request: HttpRequest, person_pk: int | None = None, payment_pk: int | None = None) -> HttpResponse:
    """Record a payment for a young person, or change one (planned to paid, cancelled, the amount)."""
    user = _people_user(request)
    if not policy.can_record(user):
        raise PermissionDenied
    payment = policy.access_payment(user, payment_pk, for_change=True) if payment_pk is not None else None
    person = payment.person if payment is not None else people_access.access_person(user, person_pk)
    initial: dict[str, Any] = {"date": today(), "status": "paid"}
    if payment is not None:
        initial = {name: getattr(payment, name) for name in PAYMENT_INITIAL}
        initial["amount"] = f"{payment.amount_pence / 100:.2f}"
    form = forms.PaymentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        data["amount_pence"] = data.pop("amount")
        try:
            saved = services.payment_save(acting_user=user, person=person, payment=payment, version=version, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{saved.get_kind_display()} saved")
            return redirect("finance:payments", person_pk=person.pk)
    return render(request, "finance/payment_form.html", {"form": form, "person": person, "payment": payment})


def _payment_report(request: HttpRequest) -> tuple[forms.PaymentReportForm, list[Any], int, bool, Any]:
    user: User = request.user  # type: ignore[assignment]
    form = forms.PaymentReportForm(request.GET or None)
    period = form.cleaned_data if form.is_bound and form.is_valid() else {}
    counted = policy.payments_counted_for(user)
    start, end = period.get("start"), period.get("end")
    rows = selectors.payment_report(counted, start, end)
    people = selectors.payment_report_people(counted, start, end)
    return (
        form,
        rows,
        people,
        display.aggregates_only(user),
        selectors.payment_totals(selectors.dated_between(counted, start, end)),
    )


def _money(pence: int, people: int, *, aggregate: bool) -> str:
    """An amount; for aggregate viewers suppressed (``c``) when paid to 1 to 5 young people."""
    if aggregate and 1 <= people <= display.SMALL_MAX:
        return display.SUPPRESSED
    return pounds(pence)


@require_safe
@access.require_perm(Perm.VIEW_AGGREGATES, council_staff=True)
def payment_report(request: HttpRequest) -> HttpResponse:
    """The council's financial support for EET: totals by month and type, paid and planned; no young
    person's row. Councillors see counts of young people rounded and small ones suppressed, and an amount
    paid to 1 to 5 young people suppressed."""
    form, rows, people, aggregate, totals = _payment_report(request)
    shown = [
        {
            "month": row.month,
            "label": row.label,
            "paid": _money(row.paid, row.people, aggregate=aggregate),
            "planned": _money(row.planned, row.people, aggregate=aggregate),
            "people": display.count_text(row.people, aggregate=aggregate),
        }
        for row in rows
    ]
    return render(
        request,
        "finance/report.html",
        {
            "form": form,
            "rows": shown,
            "aggregate": aggregate,
            "people": display.count_text(people, aggregate=aggregate),
            "paid": _money(totals.paid, people, aggregate=aggregate),
            "planned": _money(totals.planned, people, aggregate=aggregate),
            "query": request.GET.urlencode() if form.is_bound and form.is_valid() else "",
        },
    )


PAYMENT_REPORT_COLUMNS = ["Month", "Type of support", "Paid (£)", "Planned (£)", "Young people"]


@require_safe
@access.require_perm(Perm.VIEW_AGGREGATES, council_staff=True)
def payment_report_export(request: HttpRequest) -> HttpResponse:
    """The report as CSV (through the export guard), as the page shows it; audited."""
    _form, rows, _people, aggregate, _totals = _payment_report(request)
    user: User = request.user  # type: ignore[assignment]
    council = access.council_of(user)
    audit_record(
        actor=user, action=AuditEvent.Action.EXPORT, council=council, summary="Exported the financial support report"
    )

    def value(pence: int, people: int) -> Any:
        text = _money(pence, people, aggregate=aggregate)
        return text if text == display.SUPPRESSED else pence / 100

    data = [
        [
            row.month.strftime("%Y-%m"),
            row.label,
            value(row.paid, row.people),
            value(row.planned, row.people),
            display.count_text(row.people, aggregate=aggregate) if aggregate else row.people,
        ]
        for row in rows
    ]
    return exports.csv_response("financial-support.csv", data, header=PAYMENT_REPORT_COLUMNS)
