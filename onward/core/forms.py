"""GOV.UK form rendering: every field renders through ``components/field.html``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "components/form_fields.html"
    field_template_name = "components/field.html"


class GovukForm(forms.Form):
    """A form whose required-field messages default to GOV.UK style ("Enter your email address").

    Set ``error_messages={"required": ...}`` on a field to give its own wording; fields without
    one get "Enter <label in lower case>" (or "Select ..." for choices).
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
