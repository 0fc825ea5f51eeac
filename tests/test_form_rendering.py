"""Onward's form renderer writes selects itself (``core.forms.select_html``): the markup must be exactly
what Django's own template writes, for every kind of choice list."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting

from onward.core.forms import GovukFormRenderer, is_single_input


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


class Fields(forms.Form):
    name = forms.CharField(label="Name & title", help_text='As on the "passport"', max_length=5)
    notes = forms.CharField(widget=forms.Textarea, required=False, label="Notes")
    count = forms.IntegerField(label="How many", help_text="A <b>whole</b> number", min_value=1)
    choice = forms.ChoiceField(choices=[("", "Choose"), ("a", "A")], label="Which")
    upload = forms.FileField(required=False, label="File")
    styled = forms.CharField(
        required=False, label="Styled", widget=forms.TextInput(attrs={"class": "govuk-input--width-10"})
    )
    agree = forms.BooleanField(required=False, label="I agree")
    several = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple, required=False)

    def clean_name(self) -> str:
        raise forms.ValidationError(["Enter a shorter <name>", "Use letters only"])


@pytest.mark.parametrize("data", [None, {"name": "too long", "count": "0", "choice": "zz", "styled": "<x>"}])
@pytest.mark.parametrize("name", list(Fields.base_fields))
def test_a_field_group_is_written_as_the_field_template_writes_it(name: str, data: dict[str, Any] | None) -> None:
    """``core.forms.field_group_html`` writes a field of one control in place of ``components/field.html``:
    the same markup, label, hint, every error message and the control, for every kind of field. The
    others (a checkbox, a set of boxes) still go to the template."""
    renderer = GovukFormRenderer()
    field = Fields(data, renderer=renderer)[name]
    from_template = TemplatesSetting.render(renderer, renderer.field_template_name, {"field": field})
    assert field.as_field_group() == from_template
    assert 'class="govuk-form-group' in from_template
    if data and name in ("name", "count", "choice"):
        assert "govuk-form-group--error" in from_template
    assert (name in ("agree", "several")) != is_single_input(field)
