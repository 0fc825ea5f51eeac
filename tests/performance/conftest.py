"""Fixtures of the performance pages' tests."""

from __future__ import annotations

import pytest

from tests.conftest import Tenant
from tests.performance import cohorts


@pytest.fixture
def tenant(world: dict[str, Tenant]) -> Tenant:
    cohorts.age_out_the_worlds_young_person(world["A"])
    cohorts.build(world["A"].council, world["A"].team)
    return world["A"]
