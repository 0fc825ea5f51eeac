"""Optimistic locking: two people editing one record never silently overwrite each other."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

M = TypeVar("M", bound=models.Model)


def lock_for_change(model: type[M], pk: Any, version: int | None, noun: str) -> M:
    """The row locked for this transaction; refused if its ``version`` is not the one the editor saw.

    Call inside ``transaction.atomic``; bump ``version`` on the returned object before saving.
    """
    locked = model._default_manager.select_for_update().get(pk=pk)
    if version is not None and getattr(locked, "version") != version:  # noqa: B009 - every locked model has one
        raise ValidationError(
            f"Someone else changed this {noun} while you were working on it: check it and make your changes again"
        )
    return locked
