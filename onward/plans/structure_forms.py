"""Forms for a plan's structure (ADR 35): quality-mark criteria, budgets and spend, the board and the report schedule."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet

from onward.accounts.models import User
from onward.core.concurrency import VersionField
from onward.core.forms import GovukDateField, GovukForm, today
from onward.plans.forms import OfficerChoiceField
from onward.plans.models import Criterion, Item, Measure, ReportSchedule, Section

MAX_PENCE = 10**13  # £100 billion: far beyond any council budget, well within the column


class PoundsField(forms.CharField):
    """An amount of money typed in pounds ("1250", "£1,250.50"), cleaned to whole pence."""

    def __init__(self, *, name: str, allow_negative: bool = False, **kwargs: Any) -> None:
        self.money_name, self.allow_negative = name, allow_negative
        super().__init__(max_length=20, **kwargs)
        self.error_messages["required"] = f"Enter the {name}"

    def clean(self, value: Any) -> int | None:
        text = str(super().clean(value) or "").strip().replace(",", "").replace("£", "").replace(" ", "")
        if not text:
            return None
        capital = self.money_name[0].upper() + self.money_name[1:]
        if not re.fullmatch(r"-?\d+(\.\d{1,2})?", text):
            raise forms.ValidationError(f"{capital} must be an amount in pounds, like 1250 or 1250.50")
        try:
            pence = int(Decimal(text) * 100)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise forms.ValidationError(f"{capital} must be an amount in pounds") from None
        if pence < 0 and not self.allow_negative:
            raise forms.ValidationError(f"{capital} must be £0 or more")
        if abs(pence) >= MAX_PENCE:
            raise forms.ValidationError(f"{capital} must be less than £100,000,000,000")
        return pence


class ItemsField(forms.ModelMultipleChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} {obj.text[:80]}".strip()


class MeasuresField(forms.ModelMultipleChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.item.reference}: {obj.name}"


class CriterionForm(GovukForm):
    section = forms.ModelChoiceField(
        label="Objective (optional)", queryset=Section.objects.none(), required=False, help_text="Where it sits"
    )
    reference = forms.CharField(label="Reference (optional)", max_length=20, required=False)
    text = forms.CharField(
        label="What must be in place",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what must be in place"},
    )
    evidence = forms.CharField(label="Evidence (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    evidence_items = ItemsField(
        label="Items that show it (optional)",
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence_measures = MeasuresField(
        label="Measures that show it (optional)",
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence_documents = forms.CharField(
        label="Documents that show it (optional)",
        required=False,
        help_text="A title or web address, one per line",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = VersionField()

    def __init__(
        self, *args: Any, sections: QuerySet[Section], items: QuerySet[Item], measures: QuerySet[Measure], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections  # type: ignore[attr-defined]
        self.fields["evidence_items"].queryset = items  # type: ignore[attr-defined]
        self.fields["evidence_measures"].queryset = measures  # type: ignore[attr-defined]


class CriterionStatusForm(GovukForm):
    status = forms.ChoiceField(
        label="New status",
        choices=Criterion.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the criterion's new status"},
    )
    changed_on = GovukDateField(name="date of the change", label="Date of the change", latest=today)
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()


class BudgetForm(GovukForm):
    name = forms.CharField(
        label="Name of the budget", max_length=200, error_messages={"required": "Enter the budget's name"}
    )
    section = forms.ModelChoiceField(
        label="For the objective (optional)",
        queryset=Section.objects.none(),
        required=False,
        help_text="Leave empty for a budget of the whole plan",
    )
    amount_pence = PoundsField(name="budget amount", label="Budget amount in pounds", help_text="For example 250000")
    version = VersionField()

    def __init__(self, *args: Any, sections: QuerySet[Section], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections  # type: ignore[attr-defined]


class SpendForm(GovukForm):
    spent_on = GovukDateField(name="date of the spend", label="Date spent", latest=today)
    amount_pence = PoundsField(
        name="amount spent",
        allow_negative=True,
        label="Amount in pounds",
        help_text="A correction is a negative amount, for example -150",
    )
    description = forms.CharField(
        label="What it was spent on", max_length=300, error_messages={"required": "Enter what the money was spent on"}
    )


class BoardMemberForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the member's name"})
    role = forms.CharField(
        label="Role on the board",
        max_length=200,
        help_text="For example Chair",
        error_messages={"required": "Enter the member's role on the board"},
    )
    organisation = forms.CharField(label="Organisation (optional)", max_length=200, required=False)
    from_on = GovukDateField(name="start of the term", label="Member from")
    to_on = GovukDateField(name="end of the term", label="Member until (optional)", required=False)
    version = VersionField()


class TermsOfReferenceForm(GovukForm):
    agreed_on = GovukDateField(name="date agreed", label="Date agreed")
    text = forms.CharField(
        label="Terms of reference",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Enter the terms of reference"},
    )


class ReportScheduleForm(GovukForm):
    document = forms.ChoiceField(
        label="Document",
        choices=ReportSchedule.Document.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the document"},
    )
    committee = forms.CharField(
        label="Committee",
        max_length=200,
        help_text="Who gets it, for example Corporate parenting board",
        error_messages={"required": "Enter the committee that gets it"},
    )
    frequency = forms.ChoiceField(
        label="How often", choices=ReportSchedule.Frequency.choices, error_messages={"required": "Select how often"}
    )
    next_due_on = GovukDateField(name="date it is next due", label="Next due")
    owner = OfficerChoiceField(
        label="Owner",
        queryset=User.objects.none(),
        help_text="Reminded before it is due",
        error_messages={"required": "Select the officer who sends it"},
    )
    remind_days = forms.IntegerField(
        label="Remind the owner this many days before",
        min_value=0,
        max_value=90,
        initial=14,
        error_messages={
            "required": "Enter how many days before to remind the owner",
            "invalid": "The number of days must be a whole number",
            "min_value": "The number of days must be 0 or more",
            "max_value": "The number of days must be 90 or fewer",
        },
    )
    version = VersionField()

    def __init__(self, *args: Any, officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = officers  # type: ignore[attr-defined]


class ReportSentForm(GovukForm):
    sent_on = GovukDateField(name="date it was sent", label="Date it was sent", latest=today)
    version = VersionField()
