"""The load benchmark's client percentiles pool every wrk process's requests by weight."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HARNESS = Path(__file__).resolve().parent.parent / "benchmarks" / "harness.py"


@pytest.fixture(scope="module")
def harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_harness", HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(requests: int, *latencies_ms: float) -> dict[str, Any]:
    """One wrk process's report: its latency at every half percentile, evenly over ``latencies_ms``."""
    steps = 200
    return {
        "requests": requests,
        "quantiles_ms": [
            latencies_ms[min(len(latencies_ms) - 1, i * len(latencies_ms) // steps)] for i in range(steps)
        ],
    }


def test_a_busy_quick_user_outweighs_a_slow_one(harness: ModuleType) -> None:
    """900 requests at 10 ms and 100 at 1,000 ms: nine in ten were quick, so p50 and p89 are 10 ms and p95
    is 1,000 ms, though the slow user's own p50 is 1,000 ms."""
    results = [run(900, 10.0), run(100, 1000.0)]
    assert harness.pooled_percentile(results, 50) == 10.0
    assert harness.pooled_percentile(results, 89) == 10.0
    assert harness.pooled_percentile(results, 95) == 1000.0


def test_equal_users_pool_to_their_shared_distribution(harness: ModuleType) -> None:
    """Two users with the same spread of answers: the pooled percentiles are theirs."""
    results = [run(300, 10.0, 20.0, 30.0, 40.0), run(300, 10.0, 20.0, 30.0, 40.0)]
    assert harness.pooled_percentile(results, 50) == 20.0
    assert harness.pooled_percentile(results, 95) == 40.0
    assert harness.pooled_percentile(results, 25) == 10.0
