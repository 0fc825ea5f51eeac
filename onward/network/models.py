"""The network around each young person: education settings, data sharing agreements, the lists
exchanged with settings, benefits and Jobcentre Plus work coaches.

Settings, agreements and work coaches are a council's own registers (several people edit them, so
each carries a ``version``). A young person's setting and benefit status are effective-dated spells
(``people.models.Spell``): never overwritten, corrected by a new record (ADR 7), written only through
``onward.people.services``' spell rules.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from onward.core.models import ImportRunBase, ImportStatus, TimeStampedModel
from onward.people.models import Spell, YoungPerson


class Setting(TimeStampedModel):
    """A school, college, university or training provider, with its public identifiers."""

    class Kind(models.TextChoices):
        SCHOOL = "school", "School"
        COLLEGE = "college", "College"
        UNIVERSITY = "university", "University"
        TRAINING_PROVIDER = "training_provider", "Training provider"
        ALTERNATIVE_PROVISION = "alternative_provision", "Alternative provision"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    urn = models.CharField("unique reference number (URN)", max_length=7, blank=True)
    ukprn = models.CharField("UK provider reference number (UKPRN)", max_length=8, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The partner organisation the setting is, when it works with the council in Onward",
    )
    contact_email = models.EmailField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "urn"], condition=~models.Q(urn=""), name="setting_urn_unique_in_council"
            ),
            models.UniqueConstraint(
                fields=["council", "ukprn"], condition=~models.Q(ukprn=""), name="setting_ukprn_unique_in_council"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def identifiers(self) -> str:
        found = [f"URN {self.urn}" if self.urn else "", f"UKPRN {self.ukprn}" if self.ukprn else ""]
        return ", ".join(f for f in found if f)


class SettingSpell(Spell):
    """Where a young person is on roll, from ``start`` to ``end`` (empty: still on roll)."""

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="setting_spells")
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="spells")

    class Meta:
        ordering = ["person_id", "start", "id"]
        indexes = [
            models.Index(fields=["person", "start"], name="setting_spell_person_start"),
            models.Index(fields=["setting", "start"], name="setting_spell_setting_start"),
        ]

    def __str__(self) -> str:
        return f"On roll at {self.setting} from {self.start:%d/%m/%Y}"


SHAREABLE_FIELDS: dict[str, str] = {
    "child_id": "Child identifier",
    "upn": "Unique pupil number",
    "name": "Name",
    "date_of_birth": "Date of birth",
    "school_year": "School year",
    "status": "Looked after or care leaver",
    "on_roll_from": "On roll from",
    "eet_activity": "Education, employment or training activity",
    "benefit": "Benefit and status",
    "work_coach": "Work coach",
    "personal_adviser": "Personal adviser or social worker",
}
"""Every field a list may carry; an agreement names the ones it allows, and a list carries no other."""


class Agreement(TimeStampedModel):
    """A data sharing agreement between the council and a partner organisation and/or a setting.

    No list leaves Onward for a party without an agreement in force (``in_force_on``) naming it,
    and a list carries only the fields the agreement names.
    """

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    partner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, null=True, blank=True, related_name="agreements")
    purpose = models.TextField()
    fields = models.JSONField(default=list, help_text="Keys of SHAREABLE_FIELDS the agreement allows")
    start = models.DateField("in force from")
    end = models.DateField("in force until")
    ended_on = models.DateField("ended early on", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start", "title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def last_day(self) -> datetime.date:
        return min(self.end, self.ended_on) if self.ended_on else self.end

    def in_force_on(self, day: datetime.date) -> bool:
        return self.start <= day <= self.last_day

    @property
    def parties(self) -> str:
        return " and ".join(str(p) for p in (self.partner, self.setting) if p is not None)

    @property
    def field_labels(self) -> list[str]:
        return [SHAREABLE_FIELDS[f] for f in self.fields if f in SHAREABLE_FIELDS]


class RollList(ImportRunBase):
    """A setting's on-roll list, checked, previewed and (once committed) applied: the young people it
    matched among every child in care and care leaver the council holds, and the differences.

    An import in the core flow (``core.imports``, ``network.services.RollListKind``): checked at once or,
    above the threshold, in the background, and saved the same way. Rows that match nobody are
    counted, never kept: a setting's list of other pupils is not Onward's (``content``, the file as
    uploaded, is kept only until the list is saved or discarded).
    """

    Status = ImportStatus

    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="roll_lists")
    on_date = models.DateField("date the list is for")
    file_name = models.CharField(max_length=200)
    content = models.TextField(blank=True, help_text="The list as uploaded, until it is saved or discarded")
    rows = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0, help_text="Rows matching no young person the council holds")
    matched = models.JSONField(
        default=list, blank=True, help_text="Row, young person id and what Onward records of them"
    )
    not_on_roll = models.JSONField(
        default=list, blank=True, help_text="Young people recorded at the setting the list leaves out"
    )
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"On-roll list from {self.setting} for {self.on_date:%d/%m/%Y}"

    @property
    def elsewhere(self) -> list[dict[str, object]]:
        """Matched young people Onward records at another setting, or at none, on the list's date."""
        return [row for row in self.matched if row.get("recorded") != "here"]


class WorkCoach(TimeStampedModel):
    """A Jobcentre Plus work coach: a contact, not a user of Onward."""

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    jobcentre = models.CharField("Jobcentre Plus office", max_length=200)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.jobcentre})"


class BenefitSpell(Spell):
    """A young person's benefit status from ``start`` to ``end``, with their work coach."""

    class Benefit(models.TextChoices):
        NONE = "none", "Not claiming"
        UNIVERSAL_CREDIT = "universal_credit", "Universal Credit"
        UC_HOUSING = "uc_housing", "Universal Credit with housing costs"
        ESA = "esa", "Employment and Support Allowance"
        PIP = "pip", "Personal Independence Payment"
        INCOME_SUPPORT = "income_support", "Income Support"
        JSA = "jsa", "Jobseeker's Allowance"
        OTHER = "other", "Other benefit"

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied, awaiting a decision"
        RECEIVING = "receiving", "Receiving"
        SANCTIONED = "sanctioned", "Sanctioned"
        REFUSED = "refused", "Refused or stopped"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="benefit_spells")
    benefit = models.CharField(max_length=30, choices=Benefit.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    work_coach = models.ForeignKey(WorkCoach, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["person_id", "start", "id"]
        indexes = [models.Index(fields=["person", "start"], name="benefit_person_start")]

    def __str__(self) -> str:
        return f"{self.get_benefit_display()} ({self.get_status_display().lower()}) from {self.start:%d/%m/%Y}"
