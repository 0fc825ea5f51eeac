"""Demo indicator snapshots: the last 12 month ends for the demo council, so the trends show something;
and the demo council's targets and statistical neighbours (``targets_demo``).

Idempotent: month ends already stored are left as they are. Called by ``load_demo``.
"""

from __future__ import annotations

from onward.accounts.models import Organisation
from onward.people.selectors import today
from onward.performance import indicators, services
from onward.performance.models import IndicatorSnapshot
from onward.performance.targets_demo import load_targets_demo


def load_performance_demo(council: Organisation) -> None:
    stored = set(
        IndicatorSnapshot.objects.filter(council=council).values_list("month_end", flat=True).order_by().distinct()
    )
    for end in indicators.month_ends_before(today(), 12):
        if end not in stored:
            services.snapshot_take(councils=[council], month_end=end)
    load_targets_demo(council)
