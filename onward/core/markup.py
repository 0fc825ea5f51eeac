"""Helpers for markup written in Python rather than by a template: where a page has fifty rows or
hundreds of figures, a template's cost for each is the larger part of the page's (the caseload's rows,
the referral lists' rows, the dashboard's figures). Each such writer has a test of what it shows."""

from __future__ import annotations

import datetime
import functools

from django.urls import get_script_prefix, reverse


def short_date(day: datetime.date | None, missing: str = "None recorded") -> str:
    """A date as a table shows it (1 Jan 2026, as ``{{ day|date:"j M Y" }}``), or ``missing``."""
    return f"{day.day} {day:%b %Y}" if day else missing


def record_address(url_name: str, pk: int) -> str:
    """The address of record ``pk``'s page (``url_name`` takes the one id): worked out once per
    address pattern, not for every row."""
    return _address_pattern(get_script_prefix(), url_name).format(pk)


_MARKER = 2_147_483_647


@functools.lru_cache(maxsize=256)
def _address_pattern(prefix: str, url_name: str) -> str:
    return reverse(url_name, args=[_MARKER]).replace(str(_MARKER), "{}")
