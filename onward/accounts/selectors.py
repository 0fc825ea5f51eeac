"""Reads about accounts that are not scoped records (the signed-in user's own devices)."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from onward.accounts.models import User


def user_has_confirmed_device(*, user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def user_pending_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
