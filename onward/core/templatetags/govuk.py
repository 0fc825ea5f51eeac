"""Template helpers for GOV.UK markup. Markup itself lives in templates/components/."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from onward.core.markup import record_address

register = template.Library()


@register.simple_tag
def address(url_name: str, *args: int | str) -> str:
    """``{% url %}`` for a record's page (its ids and fixed words, such as a kind of record), with the
    address pattern worked out once (``core.markup.record_address``) rather than reversed each time:
    a young person's page has dozens."""
    return record_address(url_name, *args)


_INPUT_CLASS = {
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "textarea": "govuk-textarea",
    "file": "govuk-file-upload",
    "clearablefile": "govuk-file-upload",
    "multiplefile": "govuk-file-upload",
}


@register.filter
def govuk_widget(field: BoundField) -> SafeString:
    """Render a text-like widget with the GOV.UK class, error state and described-by ids."""
    base = _INPUT_CLASS.get(field.widget_type, "govuk-input")
    classes = [base]
    if field.errors:
        classes.append(f"{base}--error")
    extra = field.field.widget.attrs.get("class")
    if extra:
        classes.append(extra)
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {"class": " ".join(classes)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def is_multiple_choice(field: BoundField) -> bool:
    return field.widget_type in ("checkboxselectmultiple", "radioselect", "govukdate")


@register.filter
def date_parts(field: BoundField) -> list[dict[str, str]]:
    """The day, month and year boxes of a GOV.UK date field, with their names and values."""
    if field.form.is_bound:
        values = [field.form.data.get(f"{field.html_name}_{i}", "") for i in range(3)]
    else:
        initial = field.value()
        values = [str(v or "") for v in field.field.widget.decompress(initial)] if initial else ["", "", ""]
    names = [("day", "Day", "2"), ("month", "Month", "2"), ("year", "Year", "4")]
    return [
        {
            "name": f"{field.html_name}_{i}",
            "id": f"{field.auto_id}_{i}",
            "label": label,
            "width": width,
            "value": values[i],
            "part": part,
        }
        for i, (part, label, width) in enumerate(names)
    ]
