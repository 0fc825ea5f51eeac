"""Helpers for markup written in Python rather than by a template: where a page has fifty rows or
hundreds of figures, a template's cost for each is the larger part of the page's (the caseload's rows,
the referral lists' rows, the dashboard's figures). Each such writer has a test of what it shows."""

from __future__ import annotations

import datetime
import functools
import html
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString


class WritesItself:
    """A figure or row that writes its own markup (``__html__``), written in a template as ``{{ it }}``."""

    def __html__(self) -> SafeString:
        raise NotImplementedError

    def __str__(self) -> str:  # a template writes str() of what is not a string, then escapes unless safe
        return self.__html__()


def format_html(template: str, *args: Any) -> SafeString:
    """Django's ``format_html`` (each argument escaped unless it is safe markup already, then put in
    ``template``), for markup written many times a page: the same text, without Django's lazy-aware
    escaping or a safe string made for every argument. A test holds the two to the same markup."""
    return SafeString(template.format(*map(escaped, args)))


def escaped(value: Any) -> str:
    """Django's ``conditional_escape``: markup as it is, anything else as escaped text."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def short_date(day: datetime.date | None, missing: str = "None recorded") -> str:
    """A date as a table shows it (1 Jan 2026, as ``{{ day|date:"j M Y" }}``), or ``missing``."""
    return f"{day.day} {day:%b %Y}" if day else missing


def record_address(url_name: str, *args: int | str) -> str:
    """The address of a record's page (``url_name`` with ``args``: ids, and words such as a kind of
    record): worked out once for each address pattern and set of words, not for every row."""
    fixed = tuple(arg if isinstance(arg, str) else None for arg in args)
    return _address_pattern(get_script_prefix(), url_name, fixed).format(*args)


_MARKER = 2_147_483_647


@functools.lru_cache(maxsize=256)
def _address_pattern(prefix: str, url_name: str, fixed: tuple[str | None, ...]) -> str:
    """``url_name``'s address with ``{0}``, ``{1}``... where its ids go (the words in ``fixed`` kept)."""
    markers = [_MARKER - n for n in range(len(fixed))]
    address = reverse(url_name, args=[word if word is not None else m for word, m in zip(fixed, markers, strict=True)])
    address = address.replace("{", "{{").replace("}", "}}")
    for n, (word, marker) in enumerate(zip(fixed, markers, strict=True)):
        if word is None:
            address = address.replace(str(marker), f"{{{n}}}", 1)
    return address
