"""What a council's figure is set beside: the national benchmark and the council's own target.

The benchmarks and targets are loaded and set elsewhere (national data file, statistical
neighbours, targets with trajectories); the dashboard asks these two functions, which answer
``None`` (shown as "None loaded" and "Not set") until those are in place.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from onward.accounts.models import Organisation


def benchmark(code: str, day: datetime.date, method: str) -> Decimal | None:
    """The national figure to compare with ``code`` on ``day``, when one is loaded."""
    return None


def target(council: Organisation, code: str, day: datetime.date) -> Decimal | None:
    """The council's target for ``code`` in force on ``day``, when one is set."""
    return None
