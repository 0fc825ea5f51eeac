from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm

from onward.accounts.models import Organisation, Team
from onward.accounts.permissions import ROLES
from onward.core.concurrency import VersionField
from onward.core.forms import GovukForm


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "The email address or password is not correct",
        "inactive": "The email address or password is not correct",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ChoosePasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.error_messages["password_mismatch"] = "The passwords do not match"  # noqa: S105


class TokenForm(GovukForm):
    token = forms.RegexField(
        label="Code from your authenticator app",
        help_text="The 6-digit code, for example 123456",
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "required": "Enter the code from your authenticator app",
            "invalid": "Enter the 6-digit code from your authenticator app",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-5"}
        ),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()


class _RolesAndTeams(GovukForm):
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=[(role.key, role.name) for role in ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text="Partner provider and partner administrator are for users of partner organisations; "
        "every other role is for council staff",
        error_messages={"required": "Select at least one role"},
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Council staff only",
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams  # type: ignore[attr-defined]


class UserCreateForm(_RolesAndTeams):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    given_name = forms.CharField(label="Given name", max_length=100, error_messages={"required": "Enter a given name"})
    family_name = forms.CharField(
        label="Family name", max_length=100, error_messages={"required": "Enter a family name"}
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=120, required=False)
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": "Select an organisation", "invalid_choice": "Select an organisation"},
    )

    field_order = ["email", "given_name", "family_name", "job_title", "organisation", "roles", "teams"]

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class UserUpdateForm(_RolesAndTeams):
    given_name = forms.CharField(label="Given name", max_length=100, error_messages={"required": "Enter a given name"})
    family_name = forms.CharField(
        label="Family name", max_length=100, error_messages={"required": "Enter a family name"}
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=120, required=False)
    is_active = forms.TypedChoiceField(
        label="Can this user sign in?",
        choices=[("yes", "Yes, the account is active"), ("no", "No, deactivate the account")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this user can sign in"},
    )
    version = VersionField()

    field_order = ["given_name", "family_name", "job_title", "roles", "teams", "is_active"]


class TeamForm(GovukForm):
    name = forms.CharField(label="Team name", max_length=120, error_messages={"required": "Enter a team name"})
    description = forms.CharField(
        label="Description (optional)", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()


class PartnerForm(GovukForm):
    """Invite a partner organisation; a council is never offered (ADR 14)."""

    name = forms.CharField(
        label="Organisation name", max_length=200, error_messages={"required": "Enter the organisation's name"}
    )
    kind = forms.ChoiceField(
        label="Type of organisation",
        choices=[c for c in Organisation.Kind.choices if c[0] != Organisation.Kind.COUNCIL],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the type of organisation",
            "invalid_choice": "Select the type of organisation",
        },
    )
    admin_email = forms.EmailField(
        label="First administrator's email address (only for an organisation new to Onward)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    admin_given_name = forms.CharField(
        label="First administrator's given name (only for an organisation new to Onward)",
        max_length=100,
        required=False,
    )
    admin_family_name = forms.CharField(
        label="First administrator's family name (only for an organisation new to Onward)",
        max_length=100,
        required=False,
    )


class PartnershipChangeForm(GovukForm):
    action = forms.ChoiceField(
        choices=[
            ("accept", "Accept"),
            ("decline", "Decline"),
            ("end", "End"),
            ("allow_triage", "Let the partner triage the council's referrals"),
            ("stop_triage", "Stop the partner triaging the council's referrals"),
        ],
        error_messages={"required": "Select what to do", "invalid_choice": "Select what to do"},
    )
    version = VersionField()


def _yes_no(label: str, yes: str, no: str, required_message: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", yes), ("no", no)],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


class IdentityProviderForm(GovukForm):
    """An organisation's OpenID Connect provider (ADR 24). The secret itself is never entered here."""

    issuer = forms.CharField(
        label="Issuer",
        max_length=300,
        help_text="For Microsoft Entra ID: https://login.microsoftonline.com/your-tenant-id/v2.0",
        error_messages={"required": "Enter the issuer's address"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    client_id = forms.CharField(
        label="Client ID",
        max_length=300,
        help_text="Entra ID calls this the application (client) ID",
        error_messages={"required": "Enter the client ID"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    client_secret_env = forms.CharField(
        label="Environment variable holding the client secret",
        max_length=100,
        help_text="Onward's operator sets the secret in this variable; it is never stored in Onward. "
        "The name starts ONWARD_OIDC_SECRET_, for example ONWARD_OIDC_SECRET_ALDERLEY",
        error_messages={"required": "Enter the name of the environment variable"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    allowed_domains = forms.CharField(
        label="Allowed email domains",
        max_length=500,
        help_text="Separate them with spaces, for example alderley.gov.uk",
        error_messages={"required": "Enter at least one email domain, like example.gov.uk"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    mfa_replaces_code = _yes_no(
        "Does your provider's multi-factor sign-in replace Onward's authenticator code?",
        "Yes, our provider requires multi-factor sign-in",
        "No, users also enter an Onward authenticator code",
        "Select whether your provider's multi-factor sign-in replaces Onward's code",
    )
    enabled = _yes_no(
        "Do your users sign in through this provider?",
        "Yes, sign in through our provider",
        "No, sign in with Onward passwords",
        "Select whether your users sign in through this provider",
    )
    version = VersionField()


MAX_METADATA_BYTES = 512 * 1024


class SamlProviderForm(GovukForm):
    """An organisation's SAML 2.0 identity provider (ADR 32): its metadata, pasted or uploaded."""

    saml_metadata = forms.CharField(
        label="Your identity provider's metadata (XML)",
        required=False,
        help_text="Paste the federation metadata XML, or upload its file below",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
    )
    metadata_file = forms.FileField(
        label="Or upload the metadata file",
        required=False,
        help_text="An .xml file, smaller than 512KB",
    )
    allowed_domains = forms.CharField(
        label="Email domains that sign in through SAML",
        max_length=500,
        help_text="Separate them with spaces, for example alderley.gov.uk",
        error_messages={"required": "Enter at least one email domain, like example.gov.uk"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    mfa_replaces_code = _yes_no(
        "Does your identity provider's multi-factor sign-in replace Onward's authenticator code?",
        "Yes, our identity provider requires multi-factor sign-in",
        "No, users also enter an Onward authenticator code",
        "Select whether your identity provider's multi-factor sign-in replaces Onward's code",
    )
    enabled = _yes_no(
        "Do your users sign in through this identity provider?",
        "Yes, sign in through our SAML identity provider",
        "No, sign in with Onward passwords",
        "Select whether your users sign in through this identity provider",
    )
    version = VersionField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("metadata_file")
        if upload:
            if upload.size > MAX_METADATA_BYTES:
                self.add_error("metadata_file", "The metadata file must be smaller than 512KB")
                return data
            try:
                data["saml_metadata"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("metadata_file", "The metadata file must be XML text")
                return data
        if not (data.get("saml_metadata") or "").strip() and "metadata_file" not in self.errors:
            self.add_error("saml_metadata", "Enter your identity provider's metadata, or upload its file")
        return data


class ScimTokenForm(GovukForm):
    name = forms.CharField(
        label="Name of the token",
        max_length=100,
        help_text="For example Entra ID provisioning",
        error_messages={"required": "Enter a name for the token, like Entra ID provisioning"},
    )
