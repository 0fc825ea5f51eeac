"""Financial support for education, employment and training, planned and paid, per young person (ADR 34)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from onward.core.models import TimeStampedModel


class SupportPayment(TimeStampedModel):
    """Money for a young person's education, employment or training, planned or paid (Leeds 4d; Stockton
    rec 3; Cambridgeshire 2.2): the higher education bursary, the post-16 support package, education
    transport, incentives to the young person or to an employer. Amounts in pence; ``date`` is the day it
    was paid, or is due to be paid while planned (ADR 34)."""

    class Kind(models.TextChoices):
        HE_BURSARY = "he_bursary", "Higher education bursary"
        POST_16 = "post_16", "Post-16 support or bursary"
        EDUCATION_TRANSPORT = "education_transport", "Education transport"
        INCENTIVE_YOUNG_PERSON = "incentive_young_person", "Incentive to the young person"
        INCENTIVE_EMPLOYER = "incentive_employer", "Incentive to an employer"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"

    person = models.ForeignKey("people.YoungPerson", on_delete=models.CASCADE, related_name="support_payments")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    amount_pence = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    date = models.DateField(help_text="The day it was paid, or is due to be paid while planned")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["person", "date"], name="support_payment_person_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {pounds(self.amount_pence)} ({self.get_status_display().lower()})"

    @property
    def amount_text(self) -> str:
        return pounds(self.amount_pence)


def pounds(pence: int) -> str:
    """An amount of money as people write it: £1,250.00."""
    return f"£{pence // 100:,}.{pence % 100:02d}"
