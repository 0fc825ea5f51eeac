"""Optimistic locking: two people editing one record never silently overwrite each other.

Every record that several people may edit has ``version = models.PositiveIntegerField(default=1)``.
Its edit form sends back, in a hidden ``version`` input (:class:`VersionField`), the version the
editor opened; the service locks the row with :func:`lock_for_change`, which refuses the change
with :class:`StaleRecordError` if the version is missing or no longer the record's, then adds 1
to ``version`` as it saves. This is the one way a stale edit is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

M = TypeVar("M", bound=models.Model)

MISSING_MESSAGE = "Your changes have not been saved: open the {noun} again and make your changes"
GONE_MESSAGE = "Your changes have not been saved: this {noun} no longer exists"
STALE_MESSAGE = "Someone else changed this {noun} while you were working on it: check it and make your changes again"


class StaleRecordError(ValidationError):
    """The editor's version is missing or out of date: the change is refused and nothing is saved.

    A ``ValidationError`` with no field, so a view that shows a service's ``ValidationError`` on its
    form (``core.forms_errors.apply_validation_error``) shows it at the top of the error summary.
    """


def lock_for_change(
    model: type[M],
    pk: Any,
    version: int | None,
    noun: str,
    *,
    stale_message: Callable[[M], str] | None = None,
) -> M:
    """The row locked for this transaction; refused if the editor's ``version`` is not the row's.

    Call inside ``transaction.atomic``, before any other change; add 1 to ``version`` on the
    returned row before saving it. A missing ``version`` (``None``) is refused: a form that does
    not say what its editor saw could overwrite anything. ``stale_message`` may explain a stale
    edit better (who changed what), given the locked row.
    """
    if version is None or isinstance(version, bool) or not isinstance(version, int):
        raise StaleRecordError(MISSING_MESSAGE.format(noun=noun), code="missing_version")
    try:
        locked = model._default_manager.select_for_update().get(pk=pk)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        # Removed while the editor had it open: refused like a stale edit, not a server error.
        raise StaleRecordError(GONE_MESSAGE.format(noun=noun), code="gone") from None
    if getattr(locked, "version") != version:  # noqa: B009 - every locked model has one
        message = stale_message(locked) if stale_message is not None else STALE_MESSAGE.format(noun=noun)
        raise StaleRecordError(message, code="stale")
    return locked


class VersionField(forms.IntegerField):
    """The version of the record the editor opened, sent back in a hidden input.

    Never an error on the form itself: a missing or malformed value cleans to ``None``, which the
    service refuses through :func:`lock_for_change` with a message the error summary shows.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        try:
            return super().to_python(value)
        except ValidationError:
            return None

    def validate(self, value: Any) -> None:
        """Nothing to check here: the service decides."""


class NextStatusField(forms.ChoiceField):
    """Where a record may go next, offered from its status as the page showed it (a radio per move).

    Any of the record's statuses passes the form: the service decides the move against the record
    as it is now, after checking the version, so a page opened before someone else moved the record
    on is refused as stale rather than as an unexplained invalid choice.
    """

    def __init__(self, *, statuses: Iterable[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.statuses = frozenset(statuses)

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.statuses
