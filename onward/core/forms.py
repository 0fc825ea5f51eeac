"""GOV.UK form rendering: every field renders through ``components/field.html``."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from onward.core.markup import escaped, format_html
from onward.core.templatetags.govuk import govuk_widget, is_multiple_choice

# The largest number a form's whole-number field accepts: what an integer database column holds.
MAX_INTEGER = 2**31 - 1
# The range of dates Onward accepts anywhere (forms, ?as_at= in addresses): nothing before 1900,
# nothing more than ONWARD_DATE_YEARS_AHEAD years ahead. A field can narrow it (see GovukDateField).
EARLIEST_DATE = datetime.date(1900, 1, 1)

DateBound = datetime.date | Callable[[], datetime.date]


def today() -> datetime.date:
    """Today in Europe/London: the latest a date of birth or a past event may be."""
    return timezone.localdate()


def soon() -> datetime.date:
    """The latest an activity may start: ``ONWARD_START_DAYS_AHEAD`` days from today."""
    return today() + datetime.timedelta(days=settings.ONWARD_START_DAYS_AHEAD)


def latest_date() -> datetime.date:
    """The latest date accepted anywhere: ``ONWARD_DATE_YEARS_AHEAD`` years from today."""
    return today() + datetime.timedelta(days=round(365.25 * settings.ONWARD_DATE_YEARS_AHEAD))


def long_date(day: datetime.date) -> str:
    """A date as GOV.UK writes it in messages: 1 January 1900."""
    return f"{day.day} {day:%B %Y}"


def in_range(day: datetime.date) -> bool:
    """Whether ``day`` is within the dates Onward accepts anywhere."""
    return EARLIEST_DATE <= day <= latest_date()


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "components/form_fields.html"
    field_template_name = "components/field.html"

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE:
            return select_html(context["widget"])
        if template_name in INPUT_TEMPLATES:
            return input_html(context["widget"])
        if (
            template_name == self.field_template_name
            and set(context) == {"field"}
            and is_single_input(context["field"])
        ):
            return field_group_html(context["field"])
        return super().render(template_name, context, request)


SELECT_TEMPLATE = "django/forms/widgets/select.html"
# Django's templates of an ``<input>`` (each only includes ``input.html``), written by ``input_html``.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


def is_single_input(field: forms.BoundField) -> bool:
    """A field written as one labelled control (a text box, a select): not a set of boxes or a checkbox."""
    return not is_multiple_choice(field) and field.widget_type != "checkbox"


def _error_message_html(field: forms.BoundField) -> SafeString:
    if not field.errors:
        return mark_safe("")
    return format_html(
        '<p id="{}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {}</p>',
        field.auto_id,
        mark_safe(". ".join(conditional_escape(str(error)) for error in field.errors)),  # noqa: S308 - each escaped
    )


def field_group_html(field: forms.BoundField) -> SafeString:
    """``components/field.html`` for a field of one labelled control, written here: a page of filters
    has many, and the template is the larger part of such a page's cost. A test holds the two to the
    same markup, byte for byte."""
    hint = (
        format_html('<div id="{}-hint" class="govuk-hint">{}</div>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    return format_html(
        '<div class="govuk-form-group{}">\n  <label class="govuk-label govuk-label--s" for="{}">{}</label>\n'
        "  {}\n  {}\n  {}\n</div>",
        " govuk-form-group--error" if field.errors else "",
        field.auto_id,
        field.label,
        hint,
        _error_message_html(field),
        govuk_widget(field),
    )


def _attrs_html(attrs: dict[str, Any]) -> str:
    """Attributes as Django's ``attrs.html`` writes them: ``True`` bare, ``False`` left out."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget: dict[str, Any]) -> SafeString:
    """Django's ``input.html`` (and ``attrs.html``, which it includes) for a widget's context, written
    here: a page of filters renders two templates for every box, a large part of its cost."""
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        format_html(' value="{}"', str(value)) if value is not None else "",
        mark_safe(_attrs_html(widget["attrs"])),  # noqa: S308 - escaped by format_html
    )


def select_html(widget: dict[str, Any]) -> SafeString:
    """Django's ``select.html`` for a widget's context, written here: the template includes two more
    templates for every option, the most costly part of a page of filters with long lists."""
    groups = []
    for group_name, options, _index in widget["optgroups"]:
        markup = mark_safe(  # noqa: S308 - every part escaped (a list of staff has a hundred or more)
            "".join(
                f'\n  <option value="{escaped(str(option["value"]))}"'
                f"{_attrs_html(option['attrs']) if option['attrs'] else ''}>{escaped(option['label'])}</option>\n"
                for option in options
            )
        )
        groups.append(
            format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, markup) if group_name else markup
        )
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        mark_safe(_attrs_html(widget["attrs"])),  # noqa: S308 - escaped by format_html
        mark_safe("".join(groups)),  # noqa: S308 - escaped by format_html
    )


def _refuse_impossible_ids(field: forms.ModelChoiceField) -> None:  # type: ignore[type-arg]
    """Make a choice of record refuse an identifier no database integer can hold, as any unknown one.

    Django passes ``99999999999999999999`` on to the database, where SQLite overflows and
    PostgreSQL refuses it: a server error for what is only a choice that does not exist.
    """
    original = field.clean

    def clean(value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else [value]:
            text = str(item if item is not None else "").strip()
            digits = text[1:] if text.startswith("-") else text
            if digits.isdigit() and (len(digits) > 18 or not -(2**63) <= int(text) < 2**63):
                raise forms.ValidationError(
                    field.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
                )
        return original(value)

    field.clean = clean  # type: ignore[method-assign]


class FetchedChoiceIterator(forms.models.ModelChoiceIterator):
    """Choices of records read with one plain query. Django reads them through ``iterator()``, which
    on PostgreSQL opens a server-side cursor (declare, fetch, close) for a list of a few dozen; every
    choice of record on a ``GovukForm`` is read this way instead."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():  # a fresh copy each time: nothing kept on the field
            yield self.choice(obj)


class ColumnsChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a :class:`ColumnsChoiceField`, read as columns, never as model instances."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        columns: tuple[str, ...] = getattr(self.field, "label_columns", ())
        for pk, *parts in self.queryset.values_list("pk", *columns):
            yield (pk, " ".join(str(part) for part in parts if part))


class ColumnsChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice of record whose list is read as columns (``label_columns``, joined by a space) rather
    than as a model instance a row: a list of a council's staff or teams is one plain query, not a
    hundred objects made and a server-side cursor opened. What is chosen is checked against the
    queryset and cleaned to the record, as any choice of record."""

    iterator = ColumnsChoiceIterator

    def __init__(self, *args: Any, label_columns: tuple[str, ...], **kwargs: Any) -> None:
        self.label_columns = label_columns
        super().__init__(*args, **kwargs)


class GovukForm(forms.Form):
    """A form whose required-field messages default to GOV.UK style ("Enter your email address").

    Set ``error_messages={"required": ...}`` on a field to give its own wording; fields without
    one get "Enter <label in lower case>" (or "Select ..." for choices). A choice of record
    refuses an identifier too large for the database as it would any unknown one, and its list is read
    with one plain query (:class:`FetchedChoiceIterator`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            default_required = forms.Field.default_error_messages["required"]
            if field.error_messages.get("required") == default_required:
                label = str(field.label or "").lower()
                verb = "Select" if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)) else "Enter"
                field.error_messages["required"] = f"{verb} {label}"
            if isinstance(field, forms.ModelChoiceField):
                _refuse_impossible_ids(field)
                if field.iterator is forms.models.ModelChoiceIterator:
                    field.iterator = FetchedChoiceIterator
                    field.widget.choices = field.choices
            if isinstance(field, forms.IntegerField) and field.max_value is None:
                # A database integer column holds no more; past it the database, not the form, would refuse.
                name = str(field.label or "The number")
                field.validators.append(MaxValueValidator(MAX_INTEGER, message=f"{name} must be {MAX_INTEGER} or less"))
            if isinstance(field, forms.IntegerField) and field.min_value is None:
                name = str(field.label or "The number")
                field.validators.append(
                    MinValueValidator(-MAX_INTEGER, message=f"{name} must be {-MAX_INTEGER} or more")
                )


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (rendered by components/field.html)."""

    template_name = "components/date_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if value:
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date entered as day, month and year, with the GOV.UK error messages.

    ``name`` is how the date is named in messages, for example "start date" gives
    "Enter the start date" and "Start date must be a real date".

    A date must fall between ``earliest`` (1 January 1900 unless given) and ``latest``
    (``latest_date()``, some years ahead, unless given). Either may be a date or a function
    called when the form is checked: ``latest=today`` for a date of birth or an event that has
    happened, ``latest=soon`` for the start of an activity.
    """

    widget = GovukDateWidget

    def __init__(
        self,
        *,
        name: str,
        required: bool = True,
        earliest: DateBound = EARLIEST_DATE,
        latest: DateBound = latest_date,
        **kwargs: Any,
    ) -> None:
        self.date_name = name
        self.earliest, self.latest = earliest, latest
        fields = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(fields, require_all_fields=False, required=required, **kwargs)
        self.error_messages["required"] = f"Enter the {name}"

    def compress(self, data_list: list[Any]) -> Any:
        if not data_list or not any(str(part or "").strip() for part in data_list):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [label for label, part in (("day", day), ("month", month), ("year", year)) if not part]
        capital = self.date_name[0].upper() + self.date_name[1:]
        if missing:
            raise forms.ValidationError(f"{capital} must include a {' and a '.join(missing)}", code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise forms.ValidationError(f"{capital} must be a real date", code="invalid")
        try:
            value = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{capital} must be a real date", code="invalid") from None
        earliest = self.earliest() if callable(self.earliest) else self.earliest
        latest = self.latest() if callable(self.latest) else self.latest
        if value < earliest:
            raise forms.ValidationError(
                f"{capital} must be the same as or after {long_date(earliest)}", code="min_value"
            )
        if value > latest:
            if latest == today():
                raise forms.ValidationError(f"{capital} must be today or in the past", code="max_value")
            raise forms.ValidationError(f"{capital} must be on or before {long_date(latest)}", code="max_value")
        return value

    def clean(self, value: Any) -> Any:
        # MultiValueField's own required check speaks Django, not GOV.UK: compress decides.
        if not value or not isinstance(value, list | tuple):
            value = [None, None, None]
        return self.compress([str(v).strip() if v is not None else "" for v in value])
