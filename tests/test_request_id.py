"""Every response carries its request id (X-Request-ID), the one in its log lines and the access log."""

from __future__ import annotations

import re

from django.test import Client


def test_each_response_has_a_new_request_id(db) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    first = client.get("/sign-in/")["X-Request-ID"]
    second = client.get("/sign-in/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_an_id_set_by_the_proxy_is_kept_and_a_malformed_one_replaced(db) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.get("/sign-in/", headers={"X-Request-Id": "lb-7f3a.01"})["X-Request-ID"] == "lb-7f3a.01"
    forged = client.get("/sign-in/", headers={"X-Request-Id": "x" * 65})["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)
    spaced = client.get("/sign-in/", headers={"X-Request-Id": "a b"})["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", spaced)
