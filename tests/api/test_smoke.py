from __future__ import annotations

from typing import Any


def test_me_and_people(world: Any, api_as: Any) -> None:
    a = world["A"]
    api = api_as(a.users["personal_adviser"])
    response = api.get("/me")
    assert response.status_code == 200, response.content
    response = api.get("/people")
    assert response.status_code == 200, response.content
    assert response.json()["items"][0]["id"] == a.person.pk
    response = api.get(f"/people/{a.person.pk}")
    assert response.status_code == 200, response.content
    anonymous = api.client.get("/api/v1/people")
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"
    assert api.client.get("/api/v1/openapi.json").status_code == 200
