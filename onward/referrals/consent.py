"""Consent: whether a young person's consent lets their referral go to an organisation.

A trust rule under mutation testing (``make mutate``); the partner's side of the same rule (what a
partner sees while consent stands) is ``onward.accounts.access.sends_received_by``.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from onward.accounts.models import Organisation
from onward.referrals.models import Consent


def consent_covers(consent: Consent | None, organisation: Organisation, day: datetime.date | None = None) -> bool:
    """True if the consent, today, lets the referral go to ``organisation``."""
    day = day or timezone.localdate()
    return (
        consent is not None
        and consent.withdrawn_at is None
        and consent.expires_on >= day
        and consent.organisations.filter(pk=organisation.pk).exists()
    )


def organisations_covered(consent: Consent | None, day: datetime.date | None = None) -> set[int]:
    """The ids of the organisations the consent, on ``day`` (today if not given), lets the referral
    go to: those it names, until it expires (the expiry date itself included) or is withdrawn."""
    day = day or timezone.localdate()
    if consent is None or consent.withdrawn_at is not None or consent.expires_on < day:
        return set()
    return set(consent.organisations.values_list("pk", flat=True))
