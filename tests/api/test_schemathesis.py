"""Schemathesis over the whole OpenAPI document, as each kind of token: council staff (a case
system's account), a partner's referrals system and an employer's system.

Every operation, positive and negative examples, with random identifiers and with the caller's own
records' identifiers: no server error, every status code, content type, header and body as the
document says. Example counts are bounded so the whole run stays well under two minutes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import make_token
from tests.api.world import add_api_world

EXAMPLES = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _own_ids(tenant: Any, api_world: Any) -> dict[str, int]:
    return {
        "person_id": tenant.person.pk,
        "record_id": tenant.spell.pk,
        "send_id": tenant.send.pk,
        "opportunity_id": tenant.opportunity.pk,
        "application_id": tenant.application.pk,
        "job_id": api_world.job.pk,
    }


def _current_version(path: str, tenant: Any) -> str | None:
    """The version a write to ``path`` on the tenant's own records would need now (so some examples succeed)."""
    from onward.api.routes import HISTORIES, history_version

    if "/applications/" in path:
        tenant.application.refresh_from_db()
        return f'"{tenant.application.version}"'
    if "/referrals/received/" in path:
        tenant.send.refresh_from_db()
        return f'"{tenant.send.version}"'
    for name, model in HISTORIES.items():
        if f"/{name}" in path:
            return f'"{history_version(model, tenant.person.pk)}"'
    return None


def _run(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    fixed: dict[str, int] | None,
    tenant: Any = None,
) -> None:
    names = set(re.findall(r"{(\w+)}", operation.path))
    path_parameters = {k: v for k, v in (fixed or {}).items() if k in names} or None
    version = _current_version(operation.path, tenant) if fixed and operation.method.upper() == "POST" else None
    strategy = operation.as_strategy(
        generation_mode=mode, path_parameters=path_parameters, headers={"If-Match": version} if version else None
    )
    checks = [*CHECKS, negative_data_rejection] if mode == GenerationMode.NEGATIVE else CHECKS

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=checks, headers=headers)

    check()


@pytest.fixture
def keep_test_connection() -> Any:
    """Schemathesis calls Django's WSGI handler, which closes the database connection after each request
    (``close_old_connections``); the test's transaction lives on that connection, so keep it open, as
    Django's own test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("kind", ["council", "partner", "employer"])
@pytest.mark.usefixtures("keep_test_connection")
def test_schemathesis_over_every_operation(kind: str, world: Any) -> None:
    tenant = world["A"]
    api_world = add_api_world(tenant, "Alderley")
    user = {
        "council": api_world.council_system,
        "partner": api_world.partner_system,
        "employer": api_world.employer_system,
    }[kind]
    headers = {"Authorization": f"Bearer {make_token(user, rate=6000)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    own = _own_ids(tenant, api_world)
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, mode, headers, None)
        if "{" in operation.path:
            _run(operation, GenerationMode.POSITIVE, headers, own, tenant)
