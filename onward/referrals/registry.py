"""What apps above referrals add to referral monitoring, registered in their ``AppConfig.ready()``.

Referrals sits below the young people's own service (``onward/portal``) in the layers, so it never
imports it: the portal registers a :data:`VoiceSource` here (:func:`register_service_voice`), and
referral monitoring asks :func:`service_voices` for each service's spread of young people's ratings.
A source reads through its own app's access policy for the user asking, so it counts only what that
user may count.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onward.accounts.models import User

RATING_LABELS = ("Very poor", "Poor", "OK", "Good", "Very good")
"""The five ratings, 1 to 5 (as on the young person's feedback form and ``referrals.Feedback``)."""


@dataclass(frozen=True)
class RatingSpread:
    """How many responses gave each rating: ``counts[0]`` rated 1 (very poor) ... ``counts[4]`` rated 5."""

    counts: tuple[int, int, int, int, int]

    @property
    def total(self) -> int:
        return sum(self.counts)

    def __add__(self, other: RatingSpread) -> RatingSpread:
        a, b = self.counts, other.counts
        return RatingSpread((a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4]))


EMPTY = RatingSpread((0, 0, 0, 0, 0))

# (user, first day, last day) -> spread by service id; either day may be None (open).
VoiceSource = Callable[["User", "datetime.date | None", "datetime.date | None"], "dict[int, RatingSpread]"]

_VOICES: dict[str, VoiceSource] = {}


def register_service_voice(name: str, source: VoiceSource) -> None:
    """Add (or replace, by ``name``) a source of young people's ratings of services."""
    _VOICES[name] = source


def service_voices(user: User, start: datetime.date | None, end: datetime.date | None) -> dict[int, RatingSpread]:
    """Every registered source's ratings of each service given from ``start`` to ``end``, added together."""
    found: dict[int, RatingSpread] = {}
    for name in sorted(_VOICES):
        for service_id, spread in _VOICES[name](user, start, end).items():
            found[service_id] = found.get(service_id, EMPTY) + spread
    return found
