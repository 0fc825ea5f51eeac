"""Onward's form renderer writes selects itself (``core.forms.select_html``): the markup must be exactly
what Django's own template writes, for every kind of choice list."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from onward.core.forms import GovukFormRenderer


class Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", "Apples & pears"), ("b", '"Quoted" <b>')], required=False)
    grouped = forms.ChoiceField(
        choices=[("Fruit", [("1", "Apple"), ("2", "Pear")]), ("Veg", [("3", "Leek")]), ("4", "Other")]
    )
    numbers = forms.TypedChoiceField(choices=[(1, "One"), (2, "Two"), (None, "None")], coerce=int, disabled=True)
    attrs = forms.ChoiceField(
        choices=[("x", "X")], widget=forms.Select(attrs={"class": "govuk-select", "data-x": 'a"b', "hidden": True})
    )
    several = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)


@pytest.mark.parametrize(
    "data", [None, {"plain": "a", "grouped": "2", "numbers": "1", "attrs": "x"}, {"plain": "<b>", "grouped": "4"}]
)
@pytest.mark.parametrize("name", ["plain", "grouped", "numbers", "attrs", "several"])
def test_a_select_is_written_as_djangos_template_writes_it(name: str, data: dict[str, Any] | None) -> None:
    ours = Choices(data, renderer=GovukFormRenderer())[name].as_widget(attrs={"aria-describedby": "x-hint"})
    django = Choices(data, renderer=DjangoTemplates())[name].as_widget(attrs={"aria-describedby": "x-hint"})
    assert ours == django
    assert "<option" in ours
