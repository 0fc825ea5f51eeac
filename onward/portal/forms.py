"""Forms of the young people's own service, in GOV.UK style and plain English."""

from __future__ import annotations

from typing import Any

from django import forms

from onward.core.concurrency import VersionField
from onward.core.forms import GovukDateField, GovukForm, today
from onward.portal.models import Goal, LifeArea, OfferHeading, PortalAccount, Statement, SurveyQuestion


def radios(label: str, choices: Any, *, message: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class EmailForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The email address your personal adviser set up for you",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class CodeForm(GovukForm):
    code = forms.RegexField(
        label="Code",
        regex=r"^\s*\d{6}\s*$",
        max_length=20,
        help_text="The 6 numbers in the email we sent you",
        error_messages={"required": "Enter the code from the email", "invalid": "Enter the 6 numbers from the email"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-5"}
        ),
    )


class InviteForm(GovukForm):
    email = forms.EmailField(
        label="The young person's email address",
        max_length=254,
        error_messages={
            "required": "Enter the young person's email address",
            "invalid": "Enter an email address like name@example.com",
        },
    )
    consent_given_on = GovukDateField(
        label="Date they agreed to have their own page", name="date they agreed", latest=today
    )
    consent_method = radios(
        "How they agreed", PortalAccount.ConsentMethod.choices, message="Select how the young person agreed"
    )
    consent_confirmed = forms.BooleanField(
        label="The young person has agreed to have their own page and to us emailing them sign-in codes",
        error_messages={"required": "Confirm that the young person has agreed"},
    )


class EndForm(GovukForm):
    reason = forms.CharField(
        label="Why is access ending?", max_length=300, error_messages={"required": "Enter why access is ending"}
    )


class EetWrongForm(GovukForm):
    text = forms.CharField(
        label="What is wrong?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Tell us what you are doing now. Your adviser will check and correct your record.",
        error_messages={"required": "Enter what is wrong"},
    )


class GoalForm(GovukForm):
    text = forms.CharField(
        label="What do you want to do?", max_length=300, error_messages={"required": "Enter what you want to do"}
    )
    area = radios(
        "Which part of your life is it about?", LifeArea.choices, message="Select which part of your life it is about"
    )
    owner = radios("Who will do it?", Goal.Owner.choices, message="Select who will do it")
    owner_name = forms.CharField(label="Who is it? (if someone else)", max_length=200, required=False)
    deadline = GovukDateField(label="When by? (optional)", name="date it is due by", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("owner") == Goal.Owner.SOMEONE_ELSE and not data.get("owner_name", "").strip():
            self.add_error("owner_name", "Enter who will do it")
        return data


class ActionForm(GoalForm):
    """An action towards a goal: the goal gives its area."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["area"]
        self.fields["text"].label = "What is the next step?"
        self.fields["text"].error_messages["required"] = "Enter the next step"


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why are you withdrawing your consent? (you do not have to give a reason)",
        max_length=300,
        required=False,
    )


class CheckInForm(GovukForm):
    mood = radios("How are things going this month?", Statement.Mood.choices, message="Select how things are going")
    wants_help = forms.BooleanField(label="I'd like help from my personal adviser", required=False)
    text = forms.CharField(
        label="Anything you want to tell us? (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InterestedForm(GovukForm):
    text = forms.CharField(
        label="Anything your adviser should know? (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


RATINGS = [("5", "Very good"), ("4", "Good"), ("3", "OK"), ("2", "Poor"), ("1", "Very poor")]


class FeedbackForm(GovukForm):
    rating = radios("How good was it?", RATINGS, message="Select how good it was")
    text = forms.CharField(
        label="Tell us more (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    share = forms.BooleanField(label="Let the service read what I wrote", required=False)

    def __init__(self, *args: Any, provider: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if provider:
            self.fields["share"].label = f"Let {provider} read what I wrote"
        self.fields["share"].help_text = (
            "They see your rating either way, without your name. Leave this unticked and only "
            "your adviser and the leaving care team read your words."
        )


class ResolveForm(GovukForm):
    response = forms.CharField(
        label="What did you do?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what you did"},
    )


class OfferForm(GovukForm):
    """A draft of the local offer: an introduction, and under each statutory heading what is offered,
    the entitlements and who to contact."""

    version = VersionField()
    introduction = forms.CharField(
        label="Introduction", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for heading, label in OfferHeading.choices:
            for name, what in (
                ("text", "what we offer"),
                ("entitlements", "what you are entitled to"),
                ("contacts", "who to contact"),
            ):
                self.fields[f"{heading}__{name}"] = forms.CharField(
                    label=f"{label}: {what}", required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
                )

    def sections(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            heading: {name: data.get(f"{heading}__{name}", "") for name in ("text", "entitlements", "contacts")}
            for heading in OfferHeading.values
        }


class CommentForm(GovukForm):
    text = forms.CharField(
        label="What do you think of the local offer?",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The leaving care team reads every comment. Your name is not shown with it.",
        error_messages={"required": "Enter your comment"},
    )


SCALE = [(str(n), str(n)) for n in range(11)]


class QuestionForm(GovukForm):
    text = forms.CharField(label="Question", max_length=300, error_messages={"required": "Enter the question"})
    kind = radios("How young people answer", SurveyQuestion.Kind.choices, message="Select how young people answer")


class SurveyForm(GovukForm):
    title = forms.CharField(
        label="Name of the survey", max_length=200, error_messages={"required": "Enter the name of the survey"}
    )
    opens_on = GovukDateField(label="Opens on", name="date it opens")
    closes_on = GovukDateField(label="Closes on", name="date it closes")
    questions = forms.ModelMultipleChoiceField(
        label="Your own questions, as well as the four ONS questions",
        queryset=SurveyQuestion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select questions from your question bank"},
    )

    def __init__(self, *args: Any, questions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if questions is not None:
            self.fields["questions"].queryset = questions  # type: ignore[attr-defined]


class AnswerForm(GovukForm):
    """The four ONS questions (0 is not at all, 10 is completely), then the council's own."""

    def __init__(self, *args: Any, survey: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from onward.portal.models import ONS4

        for key, text in ONS4:
            self.fields[key] = forms.ChoiceField(
                label=text,
                choices=SCALE,
                widget=forms.RadioSelect,
                help_text="0 is not at all, 10 is completely",
                error_messages={
                    "required": "Select a number from 0 to 10",
                    "invalid_choice": "Select a number from 0 to 10",
                },
            )
        for question in survey.questions.all():
            key = f"q{question.pk}"
            if question.kind == SurveyQuestion.Kind.SCALE:
                self.fields[key] = forms.ChoiceField(
                    label=question.text,
                    choices=SCALE,
                    widget=forms.RadioSelect,
                    required=False,
                    error_messages={"invalid_choice": "Select a number from 0 to 10"},
                )
            elif question.kind == SurveyQuestion.Kind.YES_NO:
                self.fields[key] = forms.ChoiceField(
                    label=question.text,
                    choices=[("yes", "Yes"), ("no", "No")],
                    widget=forms.RadioSelect,
                    required=False,
                    error_messages={"invalid_choice": "Select yes or no"},
                )
            else:
                self.fields[key] = forms.CharField(
                    label=question.text, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
                )


def _feedback_label(statement: Statement) -> str:
    return f"{statement.created_at:%d/%m/%Y}, {statement.get_kind_display().lower()}: {statement.text[:200]}"


class ThemeForm(GovukForm):
    version = VersionField()
    title = forms.CharField(label="Theme", max_length=200, error_messages={"required": "Enter the theme"})
    you_said = forms.CharField(
        label="You said",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What young people told you, in a sentence or two, without anyone's name",
    )
    we_did = forms.CharField(
        label="We did",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the council has done or will do about it",
    )
    statements = forms.ModelMultipleChoiceField(
        label="What young people said that belongs to this theme",
        queryset=Statement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select what your own young people said"},
    )

    def __init__(self, *args: Any, statements: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if statements is not None:
            field: Any = self.fields["statements"]
            field.queryset = statements
            field.label_from_instance = _feedback_label


class SupportAgainForm(GovukForm):
    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter your first name"}
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter your last name"}
    )
    date_of_birth = GovukDateField(
        label="Date of birth", name="date of birth", latest=today, help_text="For example, 27 3 2003"
    )
    contact = forms.CharField(
        label="How can we contact you?",
        max_length=300,
        help_text="A phone number or email address",
        error_messages={"required": "Enter a phone number or email address"},
    )
    needs = forms.CharField(
        label="What would you like help with?",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what you would like help with"},
    )


class ReturnerCloseForm(GovukForm):
    note = forms.CharField(
        label="What was done?",
        help_text="For example: not a care leaver of this council, told who to contact instead",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what was done"},
    )
