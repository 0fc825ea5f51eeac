"""Forms for plans, their structure, items, updates, measures, review rounds and rating schemes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from onward.accounts.models import User
from onward.core import indicators
from onward.core.concurrency import NextStatusField, VersionField
from onward.core.forms import GovukDateField, GovukForm
from onward.plans import schemes
from onward.plans.models import Decision, Item, Measure, MeasureTarget, Plan, RatingScheme, Section
from onward.plans.services import TRANSITIONS

TARGET_DATE_ROWS = 3
RATING_ROWS = 6


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class OfficerChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.job_title})" if getattr(obj, "job_title", "") else obj.full_name


class OfficersField(forms.ModelMultipleChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.job_title})" if getattr(obj, "job_title", "") else obj.full_name


class PlanForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the plan's title"})
    kind = forms.ChoiceField(
        label="Shape of plan",
        choices=Plan.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the shape of plan"},
    )
    owning_body = forms.CharField(
        label="Owning body",
        max_length=200,
        help_text="The committee, board or scrutiny panel the plan answers to",
        error_messages={"required": "Enter the body that owns the plan"},
    )
    owner = OfficerChoiceField(
        label="Plan owner (optional)",
        queryset=User.objects.none(),
        required=False,
        help_text="Sees who has not updated in a review round",
    )
    link_officers = forms.CharField(label="Link officers (optional)", max_length=300, required=False)
    aim = forms.CharField(
        label="Overarching aim or introduction (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    period_start = GovukDateField(name="start of the period", label="Period starts (optional)", required=False)
    period_end = GovukDateField(name="end of the period", label="Period ends (optional)", required=False)
    agreed_on = GovukDateField(name="date agreed", label="Date agreed (optional)", required=False)
    review_cycle = forms.ChoiceField(
        label="Review cycle", choices=Plan.ReviewCycle.choices, error_messages={"required": "Select the review cycle"}
    )
    rating_scheme = forms.ChoiceField(
        label="Rating scheme",
        choices=schemes.SCHEME_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the rating scheme"},
    )
    custom_scheme = forms.ModelChoiceField(
        label="The council's own scheme (if you chose one defined here)",
        queryset=RatingScheme.objects.none(),
        required=False,
    )
    parent = forms.ModelChoiceField(
        label="Sits inside the plan (optional)",
        queryset=Plan.objects.none(),
        required=False,
        help_text="Another of the council's plans this one is part of",
    )
    parent_strategy = forms.CharField(
        label="Sits inside a plan or strategy kept elsewhere (optional)",
        max_length=300,
        required=False,
        help_text="For example the council's NEET strategy",
    )
    version = VersionField()

    def __init__(
        self,
        *args: Any,
        officers: QuerySet[User],
        custom_schemes: QuerySet[RatingScheme],
        plans: QuerySet[Plan] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = officers  # type: ignore[attr-defined]
        self.fields["custom_scheme"].queryset = custom_schemes  # type: ignore[attr-defined]
        self.fields["parent"].queryset = plans if plans is not None else Plan.objects.none()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rating_scheme") == schemes.CUSTOM and not data.get("custom_scheme"):
            self.add_error("custom_scheme", "Select the council's rating scheme to use")
        return data


class SectionForm(GovukForm):
    kind = forms.ChoiceField(
        label="What is it?", choices=Section.Kind.choices, widget=forms.RadioSelect, initial=Section.Kind.AREA
    )
    parent = forms.ModelChoiceField(
        label="Inside the theme (optional)",
        queryset=Section.objects.none(),
        required=False,
        help_text="An objective may sit inside a theme",
    )
    reference = forms.CharField(label="Reference (optional)", max_length=20, required=False)
    title = forms.CharField(label="Title", max_length=300, error_messages={"required": "Enter the title"})
    aim = forms.CharField(label="Aim (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    criteria = forms.CharField(
        label="What must be in place (optional)",
        required=False,
        help_text="One criterion per line",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    lead = OfficerChoiceField(
        label="Lead officer (optional)", queryset=User.objects.none(), required=False, help_text="Who leads it"
    )
    lead_name = forms.CharField(
        label="Lead from a partner (optional)",
        max_length=200,
        required=False,
        help_text="A lead who is not a user of Onward, with their organisation",
    )
    version = VersionField()

    def __init__(
        self, *args: Any, themes: QuerySet[Section], officers: QuerySet[User] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = themes  # type: ignore[attr-defined]
        self.fields["lead"].queryset = officers if officers is not None else User.objects.none()  # type: ignore[attr-defined]


class ItemForm(GovukForm):
    section = forms.ModelChoiceField(label="Section (optional)", queryset=Section.objects.none(), required=False)
    kind = forms.ChoiceField(label="What is it?", choices=Item.Kind.choices, widget=forms.RadioSelect)
    reference = forms.CharField(
        label="Reference",
        max_length=20,
        help_text="For example 1a or 2.3",
        error_messages={"required": "Enter a reference"},
    )
    text = forms.CharField(
        label="Recommendation or action",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the text"},
    )
    agreed_action = forms.CharField(
        label="Agreed action (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    success_measure = forms.CharField(
        label="Success measure (optional)",
        help_text="How do we know if it is successful?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    leads = OfficersField(
        label="Lead officers in Onward (optional)",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    named_leads = forms.CharField(
        label="Other leads, by name (optional)",
        max_length=300,
        required=False,
        help_text="Separate names with commas",
    )
    version = VersionField()

    def __init__(self, *args: Any, sections: QuerySet[Section], officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections  # type: ignore[attr-defined]
        self.fields["leads"].queryset = officers  # type: ignore[attr-defined]
        for n in range(1, TARGET_DATE_ROWS + 1):
            self.fields[f"target_{n}"] = GovukDateField(
                name=f"target date {n}", label=f"Target date {n} (optional)", required=False
            )
            self.fields[f"target_{n}_description"] = forms.CharField(
                label=f"What is due by target date {n} (optional)", max_length=300, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, TARGET_DATE_ROWS + 1):
            if data.get(f"target_{n}_description") and not data.get(f"target_{n}") and f"target_{n}" not in self.errors:
                self.add_error(f"target_{n}", f"Enter target date {n}, or remove what is due by it")
        return data

    def target_dates(self) -> list[tuple[Any, str]]:
        data = self.cleaned_data
        return [
            (data[f"target_{n}"], data.get(f"target_{n}_description") or "")
            for n in range(1, TARGET_DATE_ROWS + 1)
            if data.get(f"target_{n}")
        ]


class StatusForm(GovukForm):
    status = NextStatusField(
        statuses=Item.Status.values,
        label="New status",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the new status"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the change"},
    )
    superseded_by = forms.ModelChoiceField(
        label="Superseded by (if superseded)", queryset=Item.objects.none(), required=False
    )
    version = VersionField()

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(item.status, set())
        labels = {S.value: ("Reopen" if S == Item.Status.OPEN else S.label) for S in Item.Status}
        self.fields["status"].choices = [(value, labels[value]) for value in Item.Status.values if value in allowed]  # type: ignore[attr-defined]
        self.fields["superseded_by"].queryset = item.plan.items.exclude(pk=item.pk)  # type: ignore[attr-defined]


class UpdateForm(GovukForm):
    dated = GovukDateField(name="date of the update", label="Date of the update")
    achievements = forms.CharField(
        label="Achieved so far (✓)",
        required=False,
        help_text="One achievement per line",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_steps = forms.CharField(
        label="Next steps (⇒)", required=False, help_text="One step per line", widget=forms.Textarea(attrs={"rows": 4})
    )
    rating = forms.ChoiceField(label="Rating", widget=forms.RadioSelect, required=False)
    rating_explanation = forms.CharField(
        label="Explanation of the rating (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence_of_progress = forms.CharField(
        label="Evidence of progress (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence_of_impact = forms.CharField(
        label="Evidence of impact (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    initial_response = forms.CharField(
        label="The council's initial response (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    second_response = forms.CharField(
        label="Second response (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    outstanding_actions = forms.CharField(
        label="Outstanding actions (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    SCRUTINY_FIELDS = ("initial_response", "second_response", "outstanding_actions")

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"dated": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = plan.scheme().choices  # type: ignore[attr-defined]
        if plan.kind != Plan.Kind.SCRUTINY_RESPONSE:
            for name in self.SCRUTINY_FIELDS:
                del self.fields[name]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["achievements"] = _lines(data.get("achievements", ""))
        data["next_steps"] = _lines(data.get("next_steps", ""))
        data["rating"] = data.get("rating") or ""
        return data


class MeasureForm(GovukForm):
    name = forms.CharField(
        label="What is measured", max_length=200, error_messages={"required": "Enter what is measured"}
    )
    unit = forms.ChoiceField(label="Unit", choices=Measure.Unit.choices, widget=forms.RadioSelect)
    baseline = forms.DecimalField(label="Baseline (optional)", required=False, max_digits=10, decimal_places=2)
    baseline_on = GovukDateField(name="baseline date", label="Baseline date (optional)", required=False)
    higher_is_better = forms.BooleanField(label="Higher is better", required=False, initial=True)
    indicator_code = forms.ChoiceField(
        label="Live indicator (optional)",
        required=False,
        help_text="When bound, the evidence of progress is read from the data rather than typed",
    )
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator_code"].choices = [("", "Recorded by hand")] + [  # type: ignore[attr-defined]
            (source.code, source.name) for source in indicators.registered_indicators()
        ]


class TargetForm(GovukForm):
    due_on = GovukDateField(name="date the target is due", label="Due by")
    kind = forms.ChoiceField(label="Kind of target", choices=MeasureTarget.Kind.choices, widget=forms.RadioSelect)
    value = forms.DecimalField(
        label="Value",
        max_digits=10,
        decimal_places=2,
        help_text="The value, or the points above the national figure (negative for below)",
        error_messages={"required": "Enter the value", "invalid": "The value must be a number"},
    )
    version = VersionField()


class ActualForm(GovukForm):
    on = GovukDateField(name="date of the figure", label="Date of the figure")
    value = forms.DecimalField(
        label="Value",
        max_digits=10,
        decimal_places=2,
        error_messages={"required": "Enter the value", "invalid": "The value must be a number"},
    )
    national = forms.DecimalField(
        label="National figure on that date (optional)",
        max_digits=10,
        decimal_places=2,
        required=False,
        error_messages={"invalid": "The national figure must be a number"},
    )
    source = forms.CharField(
        label="Source (optional)",
        max_length=200,
        required=False,
        help_text="For example, the monthly performance report",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class RoundForm(GovukForm):
    name = forms.CharField(
        label="Name of the round",
        max_length=100,
        help_text="For example, September 2026 review",
        error_messages={"required": "Enter a name for the round"},
    )
    due_on = GovukDateField(name="date updates are due", label="Updates are due by")


class RatingSchemeForm(GovukForm):
    name = forms.CharField(label="Name", max_length=100, error_messages={"required": "Enter a name for the scheme"})
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        colours = [("", "Select a colour")] + [(c, c.capitalize()) for c in schemes.TAG_COLOURS]
        for n in range(1, RATING_ROWS + 1):
            optional = "" if n == 1 else " (optional)"
            self.fields[f"rating_{n}_key"] = forms.CharField(
                label=f"Rating {n}: key{optional}", max_length=10, required=False
            )
            self.fields[f"rating_{n}_label"] = forms.CharField(
                label=f"Rating {n}: label{optional}", max_length=60, required=False
            )
            self.fields[f"rating_{n}_description"] = forms.CharField(
                label=f"Rating {n}: what it means{optional}", max_length=300, required=False
            )
            self.fields[f"rating_{n}_colour"] = forms.ChoiceField(
                label=f"Rating {n}: colour{optional}", choices=colours, required=False
            )

    def ratings(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {
                "key": data.get(f"rating_{n}_key", ""),
                "label": data.get(f"rating_{n}_label", ""),
                "description": data.get(f"rating_{n}_description", ""),
                "colour": data.get(f"rating_{n}_colour", ""),
            }
            for n in range(1, RATING_ROWS + 1)
        ]


class ItemsField(forms.ModelMultipleChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} {obj.text[:90]}".strip()


class ItemChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} {obj.text[:90]}".strip()


class MeetingForm(GovukForm):
    held_on = GovukDateField(name="date of the meeting", label="Date of the meeting")
    theme = forms.CharField(
        label="Theme",
        max_length=200,
        help_text="For example Education and training",
        error_messages={"required": "Enter the meeting's theme"},
    )
    attendance = forms.CharField(
        label="Who attended",
        help_text="One per line: name and role, or organisation",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter who attended"},
    )
    apologies = forms.CharField(
        label="Apologies (optional)", help_text="One per line", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    agenda = forms.CharField(
        label="Agenda (optional)",
        help_text="One item per line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    discussion = forms.CharField(
        label="What was discussed (optional)", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    items_discussed = ItemsField(
        label="Items of the plan discussed (optional)",
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = VersionField()

    def __init__(self, *args: Any, items: QuerySet[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items_discussed"].queryset = items  # type: ignore[attr-defined]


class DecisionForm(GovukForm):
    text = forms.CharField(
        label="The decision",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the decision"},
    )
    kind = forms.ChoiceField(
        label="What does it do to the plan?",
        choices=Decision.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the decision does to the plan"},
    )
    item = ItemChoiceField(
        label="The item it updates",
        help_text="Only if it updates an item: it is recorded as a progress update dated the day of the meeting",
        queryset=Item.objects.none(),
        required=False,
    )
    reference = forms.CharField(
        label="Reference of the new action", max_length=20, required=False, help_text="Only if it adds an action"
    )
    section = forms.ModelChoiceField(
        label="Section of the new action (optional)", queryset=Section.objects.none(), required=False
    )
    item_text = forms.CharField(
        label="The new action",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only if it adds an action",
    )

    def __init__(self, *args: Any, items: QuerySet[Item], sections: QuerySet[Section], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["section"].queryset = sections  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == Decision.Kind.UPDATE_ITEM and not data.get("item"):
            self.add_error("item", "Select the item the decision updates")
        if kind == Decision.Kind.NEW_ITEM:
            if not (data.get("reference") or "").strip():
                self.add_error("reference", "Enter a reference for the new action")
            if not (data.get("item_text") or "").strip():
                self.add_error("item_text", "Enter the new action")
        return data
