"""Markup written in Python (``onward.core.markup``): its ``format_html`` writes exactly what
Django's does, for every kind of value a row or a form puts in."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import html as django_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from onward.core import markup


class Figure(markup.WritesItself):
    def __html__(self) -> Any:
        return mark_safe("<strong>12 &amp; more</strong>")


VALUES: list[Any] = [
    "plain",
    "<script>alert('x')</script> & \"quoted\"",
    mark_safe("<em>already markup</em>"),
    gettext_lazy("Not recorded & <unknown>"),
    12,
    3.5,
    None,
    datetime.date(2026, 2, 28),
    Figure(),
    "",
    "Ffion O'Brien-Ng",
]


@pytest.mark.parametrize("value", VALUES, ids=[repr(v)[:30] for v in VALUES])
def test_format_html_writes_what_djangos_writes(value: Any) -> None:
    template = '<td class="govuk-table__cell" title="{}">{}</td>{}'
    ours = markup.format_html(template, value, value, "&")
    assert ours == django_html.format_html(template, value, value, "&")
    assert hasattr(ours, "__html__")  # safe: a template writes it as it is


@pytest.mark.parametrize(
    "args",
    ["'people:person-detail' 42", "'people:record-correct' 7 'eet' 1234", "'people:record-add' pk kind"],
)
def test_the_address_tag_writes_what_the_url_tag_writes(args: str) -> None:
    context = Context({"pk": 31, "kind": "accommodation"})
    ours = Template("{% load govuk %}{% address " + args + " %}").render(context)
    assert ours == Template("{% url " + args + " %}").render(context)
    assert ours.startswith("/people/")
