from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from onward.accounts.models import User
from onward.api.models import ApiToken, Webhook
from onward.core.forms import GovukDateField, GovukForm


def _a_year_ahead() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=366)


class _UserChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})"


class TokenForm(GovukForm):
    name = forms.CharField(
        label="Name of the token",
        max_length=100,
        help_text="Say which system uses it, like Case system nightly sync",
        error_messages={"required": "Enter a name for the token, like Case system nightly sync"},
    )
    user = _UserChoice(
        label="Acts as",
        help_text="The token sees and does exactly what this user may. For a system, add a user for it first, with only the roles it needs.",
        queryset=User.objects.none(),
        error_messages={
            "required": "Select the user the token acts as",
            "invalid_choice": "Select the user the token acts as",
        },
    )
    scope = forms.ChoiceField(
        label="What may it do?",
        choices=ApiToken.Scope.choices,
        widget=forms.RadioSelect,
        initial=ApiToken.Scope.READ,
        error_messages={"required": "Select what the token may do"},
    )
    expires_on = GovukDateField(
        name="expiry date", latest=_a_year_ahead, label="Expires on", help_text="At most a year from today"
    )
    rate_per_minute = forms.IntegerField(
        label="Calls a minute",
        min_value=1,
        max_value=6000,
        initial=120,
        error_messages={
            "required": "Enter how many calls a minute the token may make",
            "min_value": "Calls a minute must be 1 or more",
            "max_value": "Calls a minute must be 6,000 or less",
            "invalid": "Calls a minute must be a whole number",
        },
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]


class WebhookForm(GovukForm):
    name = forms.CharField(
        label="Name of the webhook", max_length=100, error_messages={"required": "Enter a name for the webhook"}
    )
    url = forms.URLField(
        label="Address",
        max_length=500,
        help_text="Onward posts each event here, signed; it must start with https://",
        assume_scheme="https",
        error_messages={
            "required": "Enter the address",
            "invalid": "Enter an address like https://example.org/onward-events",
        },
    )
    user = _UserChoice(
        label="Tell it what this user may see",
        queryset=User.objects.none(),
        error_messages={"required": "Select a user", "invalid_choice": "Select a user"},
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=Webhook.Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the events to send"},
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
