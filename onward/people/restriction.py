"""Restriction of processing: a young person's record stays, but is hidden from all but the roles a
restriction names (UK GDPR Article 18). The data protection app (``onward/privacy``) keeps the
restrictions and registers here, in its ``AppConfig.ready()``, the condition that hides a record from
a user; the people policy (``people.access``) and the policies of records reached without it apply
it, so this app never imports the app that keeps restrictions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from onward.accounts.models import User

# (user, the path from the record to the young person's id) -> a condition true for hidden records
HiddenCondition = Callable[["User", str], Q]

_CONDITIONS: dict[str, HiddenCondition] = {}


def register_hidden_condition(name: str, condition: HiddenCondition) -> None:
    """Add (or replace, by ``name``) a condition hiding records from a user."""
    _CONDITIONS[name] = condition


def hidden_from(user: User, person_field: str = "pk") -> Q | None:
    """A condition true for the records (the young person at ``person_field``) hidden from ``user``;
    ``None`` when nothing hides any record."""
    if not _CONDITIONS:
        return None
    condition = Q()
    for name in sorted(_CONDITIONS):
        condition |= _CONDITIONS[name](user, person_field)
    return condition
