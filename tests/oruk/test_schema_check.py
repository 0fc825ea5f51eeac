"""The schema check the feed's tests rely on refuses what ORUK 3.0 refuses (so a pass means something)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from jsonschema import ValidationError

from tests.oruk.schema import check, check_page


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.mark.parametrize(
    ("document", "error"),
    [
        ({"id": "12", "name": "Job club", "status": "active"}, ValidationError),  # not a UUID
        ({"id": new_id(), "name": "Job club", "status": "open"}, ValidationError),  # not a status
        ({"id": new_id(), "status": "active"}, ValidationError),  # no name
        (
            {"id": new_id(), "name": "Job club", "status": "active", "organization": {"id": new_id(), "name": "X"}},
            ValidationError,
        ),
        (
            {
                "id": new_id(),
                "name": "Job club",
                "status": "active",
                "service_at_locations": [{"id": new_id(), "location": {"id": new_id(), "location_type": "moon"}}],
            },
            ValidationError,
        ),
        ({"id": new_id(), "name": "Job club", "status": "active", "capacity": 4}, AssertionError),  # not ORUK's
        ({"id": new_id(), "name": "Job club", "status": "active", "description": ""}, AssertionError),  # empty
    ],
)
def test_the_check_refuses_what_oruk_refuses(document: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        check(document, "service")


def test_a_page_needs_every_paging_field() -> None:
    with pytest.raises(ValidationError):
        check_page({"total_items": 0, "contents": []}, "service")
