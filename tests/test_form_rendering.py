"""Onward's form renderer writes selects and inputs itself (``core.forms.select_html``, ``input_html``):
the markup must be exactly what Django's own templates write, for every kind of choice list and box."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django import forms
from django.db import connection
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.test.utils import CaptureQueriesContext

from onward.accounts.models import Team, User
from onward.core.forms import GovukForm, GovukFormRenderer, is_single_input
from onward.people.forms import CaseloadFilterForm
from tests.conftest import Tenant


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


class Inputs(forms.Form):
    text = forms.CharField(required=False)
    styled = forms.CharField(widget=forms.TextInput(attrs={"class": "govuk-input", "data-x": 'a"b&c', "hidden": True}))
    number = forms.IntegerField(min_value=1, max_value=9)
    email = forms.EmailField(required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    agree = forms.BooleanField(required=False)
    upload = forms.FileField(widget=forms.FileInput, required=False)
    off = forms.CharField(widget=forms.TextInput(attrs={"autocomplete": False, "spellcheck": "false"}), required=False)


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"initial": {"text": 0, "number": 0, "hidden": 0}},
        {
            "data": {
                "text": "",
                "number": "3",
                "email": "a@b.example",
                "day": "2026-12-07",
                "secret": "x",
                "agree": "on",
            }
        },
        {"data": {"text": '<b>"me" & you</b>', "styled": "{{ x }}", "number": "ten", "hidden": "'", "off": "%s"}},
    ],
)
@pytest.mark.parametrize("name", list(Inputs.base_fields))
def test_an_input_is_written_as_djangos_template_writes_it(name: str, given: dict[str, Any]) -> None:
    """``core.forms.input_html`` writes every kind of ``<input>`` in place of Django's templates."""
    ours = Inputs(**given, renderer=GovukFormRenderer())[name].as_widget(attrs={"aria-describedby": "x-hint"})
    django = Inputs(**given, renderer=DjangoTemplates())[name].as_widget(attrs={"aria-describedby": "x-hint"})
    assert ours == django
    assert ours.startswith("<input")


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


def test_a_choice_of_records_is_read_with_one_plain_query(world: dict[str, Tenant]) -> None:
    """The caseload's choices of team and adviser: the same options as Django writes from model
    instances, read as columns (no model made) and without a server-side cursor."""
    council = world["A"].council
    teams = Team.objects.filter(council=council).order_by("name")
    workers = User.objects.filter(organisation=council).order_by("family_name", "given_name")
    chosen = workers.first()
    assert chosen is not None and teams.exists()
    form = CaseloadFilterForm(initial={"worker": chosen.pk}, teams=teams, workers=workers)

    class Plain(forms.Form):
        team = forms.ModelChoiceField(queryset=teams, required=False, empty_label="Any team")
        worker = forms.ModelChoiceField(queryset=workers, required=False, empty_label="Any personal adviser")

    plain = Plain(initial={"worker": chosen.pk})
    plain.fields["worker"].label_from_instance = lambda user: user.full_name  # type: ignore[attr-defined]
    made = mock.patch.object(User, "from_db", side_effect=AssertionError("a model was made"))
    with made, CaptureQueriesContext(connection) as queries:
        written = {name: str(form[name].as_widget()) for name in ("team", "worker")}
    assert len(queries) == 2
    assert not any("CURSOR" in query["sql"].upper() for query in queries.captured_queries)
    for name in ("team", "worker"):
        assert written[name].split(">", 1)[1] == str(plain[name].as_widget()).split(">", 1)[1]
    assert f'<option value="{chosen.pk}" selected>{chosen.full_name}</option>' in written["worker"]
    bound = CaseloadFilterForm({"worker": str(chosen.pk)}, teams=teams, workers=workers)
    assert bound.is_valid() and bound.cleaned_data["worker"] == chosen
    assert not CaseloadFilterForm({"worker": "0"}, teams=teams, workers=workers).is_valid()


def test_every_choice_of_records_on_a_govuk_form_is_read_without_a_cursor(world: dict[str, Tenant]) -> None:
    """Django reads a choice of records through a server-side cursor on PostgreSQL (declare, fetch,
    close); a GOV.UK form reads the list with one plain query, the same options."""
    teams = Team.objects.filter(council=world["A"].council).order_by("name")

    class Chooser(GovukForm):
        team = forms.ModelChoiceField(queryset=teams, required=False, empty_label="Any team")

    with CaptureQueriesContext(connection) as queries:
        options = list(iter(Chooser().fields["team"].widget.choices))
    assert len(queries) == 1 and "CURSOR" not in queries.captured_queries[0]["sql"].upper()
    assert [str(value) for value, _ in options] == ["", *(str(team.pk) for team in teams)]
