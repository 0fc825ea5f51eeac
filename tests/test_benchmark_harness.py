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


def report(requests: int, seconds: float, latency_ms: float, non2xx: int = 0) -> dict[str, Any]:
    """One wrk process's whole report (``latency.lua``), every request answered in ``latency_ms``."""
    return {
        **run(requests, latency_ms),
        "seconds": seconds,
        "ok": requests - non2xx,
        "non2xx": non2xx,
        "redirects": non2xx,
        "errors": 0,
        "p50_ms": latency_ms,
        "p95_ms": latency_ms,
    }


def test_rounds_add_their_time_and_pool_their_requests(harness: ModuleType) -> None:
    """Two rounds, each of two wrk processes running side by side: the rate is every request over the
    rounds' time added (each round as long as its longest process), not an average of the rounds'
    rates; the percentiles pool the four processes."""
    quick = [report(500, 10.0, 10.0), report(500, 9.5, 10.0)]  # 100 requests/s for 10 s
    slow = [report(90, 30.0, 100.0), report(10, 29.0, 100.0)]  # 100 requests in 30 s
    total = harness.wrk_summary("http://bench/", [quick, slow])
    assert total["requests"] == 1100
    assert total["seconds"] == 40.0
    assert total["requests_per_second"] == 27.5
    assert total["client_p50_ms"] == 10.0
    assert total["client_p95_ms"] == 100.0
    assert total["client_p95_ms_max"] == 100.0


def test_a_redirect_in_any_round_stops_the_run(harness: ModuleType) -> None:
    """A redirect (to sign-in, say) is not a fast page: one in the last round fails the whole run."""
    with pytest.raises(SystemExit, match="1 non-2xx answers"):
        harness.wrk_summary("http://bench/", [[report(100, 10.0, 5.0)], [report(100, 10.0, 5.0, non2xx=1)]])
