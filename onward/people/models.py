"""The cohort register: young people, their care history and effective-dated EET journey.

Nothing here is overwritten. Statuses are dated records (spells with start and end, or events
with a date); a change is a new record. A correction keeps the record it corrects, marked
superseded, with the reason and who made it (``HistoryRecord``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from onward.core import codelists
from onward.core.models import TimeStampedModel


class YoungPerson(TimeStampedModel):
    class CommunicationPreference(models.TextChoices):
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        IN_PERSON = "in_person", "In person"

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="young_people")
    child_id = models.CharField("child identifier", max_length=20, help_text="The council's SSDA903 CHILD identifier")
    legal_given_name = models.CharField(max_length=100)
    legal_family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=codelists.Sex.choices)
    ethnicity = models.CharField(max_length=4, choices=codelists.Ethnicity.choices, default=codelists.Ethnicity.NOBT)
    upn = models.CharField("unique pupil number", max_length=13, blank=True)
    uasc = models.BooleanField("unaccompanied asylum-seeking child", default=False)
    send = models.BooleanField("special educational needs or disability", default=False)
    # Derived, never typed: yes while a dated EHC plan (``supporters.EHCPlan``) is in force, kept in step by
    # ``supporters.services`` (issue 27); read by the indicators, filters and the NCCIS feed.
    ehcp = models.BooleanField("education, health and care plan", default=False)
    is_parent = models.BooleanField(default=False)
    is_pregnant = models.BooleanField(default=False)
    child_born_on = models.DateField("date of birth of their first child", null=True, blank=True)
    lives_out_of_area = models.BooleanField(default=False)
    out_of_area_location = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    communication_preferences = models.JSONField(default=list, blank=True)
    # Current allocation, kept in step with Allocation by the services (for fast caseload lists).
    personal_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # A summary of the care history, kept in step with CareEpisode by the services, so lists can
    # derive the leaving-care category in the database. ``people.categories`` is the rule.
    eligible_from = models.DateField(null=True, blank=True, editable=False)
    looked_after_now = models.BooleanField(default=False, editable=False)
    left_care_after_16 = models.BooleanField(default=False, editable=False)
    care_ended_on = models.DateField(null=True, blank=True, editable=False)
    final_reason = models.CharField(max_length=3, blank=True, editable=False)
    died_on = models.DateField(null=True, blank=True, editable=False)
    recorded_care_leaver_from = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The earliest date an imported SSDA903 return counted them as a care leaver: evidence of "
        "eligibility when the care history held here starts too late to show it",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["legal_family_name", "legal_given_name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "child_id"], name="person_child_id_unique_in_council"),
        ]
        indexes = [
            models.Index(fields=["council", "date_of_birth"], name="person_council_dob"),
            models.Index(fields=["council", "personal_adviser"], name="person_council_pa"),
            models.Index(fields=["council", "team"], name="person_council_team"),
            models.Index(fields=["council", "legal_family_name", "legal_given_name"], name="person_council_name"),
            models.Index(fields=["updated_at"], name="person_updated"),  # what changed (people.services.keep_current)
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        given = self.preferred_name or self.legal_given_name
        return f"{given} {self.legal_family_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.legal_given_name} {self.legal_family_name}"


class CareEpisode(TimeStampedModel):
    """A stretch of care with one legal status, placement and carer, as in the SSDA903 episodes table."""

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="episodes")
    start = models.DateField("date episode started")
    end = models.DateField("date episode ceased", null=True, blank=True)
    reason_new_episode = models.CharField(max_length=1, choices=codelists.ReasonNewEpisode.choices)
    legal_status = models.CharField(max_length=2, choices=codelists.LegalStatus.choices)
    category_of_need = models.CharField(max_length=2, choices=codelists.CategoryOfNeed.choices, blank=True)
    placement_type = models.CharField(max_length=3, choices=codelists.PlacementType.choices)
    placement_provider = models.CharField(max_length=3, choices=codelists.PlacementProvider.choices, blank=True)
    reason_ceased = models.CharField(max_length=3, choices=codelists.ReasonEpisodeCeased.choices, blank=True)
    reason_place_change = models.CharField(max_length=6, choices=codelists.ReasonPlaceChange.choices, blank=True)
    home_postcode = models.CharField(max_length=8, blank=True)
    placement_postcode = models.CharField(max_length=8, blank=True)
    urn = models.CharField("Ofsted URN", max_length=8, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["person_id", "start", "id"]
        indexes = [
            models.Index(fields=["person", "start"], name="episode_person_start"),
            models.Index(fields=["updated_at"], name="episode_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.get_legal_status_display()} from {self.start:%d/%m/%Y}"


class HistoryRecord(TimeStampedModel):
    """Base for dated records that are corrected, never overwritten.

    A correction is a new record with ``corrects`` pointing at the old one; the old one is then
    marked ``superseded_at``. Current views read only records with ``superseded_at`` empty;
    the young person's timeline shows both.
    """

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    correction_reason = models.CharField(max_length=500, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class DatedRecord(HistoryRecord):
    """A record dated on a day, where the latest one on or before a date is the one in force then.

    ``next_date`` is the date of the young person's next current record of the same kind, in
    order of date and then id (empty for the latest). So the record in force on a day ``d`` is
    the one with ``date <= d < next_date``: a plain filter, which lets the indicators read a
    whole nation's status on a date in one pass over the table rather than a lookup a young
    person (ADR 13). ``people.services.history_chain`` keeps it, after every write.
    """

    next_date = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class Spell(HistoryRecord):
    """A status that holds from ``start`` to ``end`` inclusive (``end`` empty: still holds)."""

    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def covering(cls, day: object) -> Q:
        return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day)) & Q(superseded_at__isnull=True)

    def covers(self, day: datetime.date) -> bool:
        """``covering`` for a record already read (a test holds the two to the same answers)."""
        return self.start <= day and (self.end is None or self.end >= day) and self.superseded_at is None


class EETSpell(Spell):
    """An activity from ``start`` to ``end``; once it has ended, how it ended (``outcome``) and any
    qualification gained, set by ``people.services.eet_end``."""

    class Outcome(models.TextChoices):
        COMPLETED = "completed", "Completed"
        QUALIFICATION = "qualification", "Completed with a qualification"
        LEFT_EARLY = "left_early", "Left early"
        ENDED_BY_PROVIDER = "ended_by_provider", "Ended by the employer or provider"
        MOVED_ON = "moved_on", "Moved on to something else"
        STILL_GOING = "still_going", "Still going when the record closed"

    class QualificationLevel(models.TextChoices):
        """The Regulated Qualifications Framework's levels."""

        ENTRY = "entry", "Entry level"
        LEVEL_1 = "1", "Level 1"
        LEVEL_2 = "2", "Level 2"
        LEVEL_3 = "3", "Level 3"
        LEVEL_4 = "4", "Level 4"
        LEVEL_5 = "5", "Level 5"
        LEVEL_6 = "6", "Level 6"
        LEVEL_7 = "7", "Level 7"
        LEVEL_8 = "8", "Level 8"

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="eet_spells")
    activity = models.CharField(max_length=30, choices=codelists.EETActivity.choices)
    part_time = models.BooleanField(default=False)
    provider = models.CharField("provider or employer", max_length=200, blank=True)
    setting = models.ForeignKey(
        "network.Setting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The school, college, university or training provider, where there is one",
    )
    hours_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(
        max_length=20, choices=codelists.ActivitySource.choices, default=codelists.ActivitySource.WORKER
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    qualification_level = models.CharField(
        "qualification level", max_length=5, choices=QualificationLevel.choices, blank=True
    )
    qualification_subject = models.CharField("qualification subject", max_length=200, blank=True)
    qualification_date = models.DateField("date the qualification was gained", null=True, blank=True)

    class Meta:
        ordering = ["person_id", "start", "id"]
        indexes = [
            models.Index(fields=["person", "start"], name="eet_person_start"),
            models.Index(fields=["activity", "start", "end"], name="eet_activity_dates"),
            models.Index(fields=["updated_at"], name="eet_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_display()} from {self.start:%d/%m/%Y}"

    @property
    def group(self) -> str:
        """EET, NEET, custody or not known."""
        return codelists.ACTIVITY_INFO[self.activity].group.value

    @property
    def outcome_summary(self) -> str:
        """How it ended and any qualification, in words ("Left early; Level 1 in English, gained 3 March 2026")."""
        parts = [self.get_outcome_display()] if self.outcome else []
        if self.qualification_level:
            gained = f", gained {self.qualification_date:%-d %B %Y}" if self.qualification_date else ""
            parts.append(f"{self.get_qualification_level_display()} in {self.qualification_subject}{gained}")
        return "; ".join(parts)


class AccommodationSpell(Spell):
    class Suitability(models.TextChoices):
        SUITABLE = "suitable", "Suitable"
        UNSUITABLE = "unsuitable", "Not suitable"

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="accommodation_spells")
    accommodation_type = models.CharField(max_length=1, choices=codelists.AccommodationType.choices)
    suitability = models.CharField(max_length=12, choices=Suitability.choices)
    address = models.CharField(max_length=300, blank=True)
    # The provider on the council's register (onward/supporters), where there is one; set by
    # supporters.services.spell_provider_set.
    provider = models.ForeignKey(
        "supporters.AccommodationProvider", on_delete=models.PROTECT, null=True, blank=True, related_name="spells"
    )

    class Meta:
        ordering = ["person_id", "start", "id"]
        indexes = [
            models.Index(fields=["person", "start"], name="accom_person_start"),
            models.Index(fields=["updated_at"], name="accom_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.get_accommodation_type_display()} from {self.start:%d/%m/%Y}"

    @property
    def suitable(self) -> bool:
        return self.suitability == self.Suitability.SUITABLE

    @property
    def accom_code(self) -> str:
        return codelists.accom_code(self.accommodation_type, self.suitable)


class Contact(DatedRecord):
    """A contact (or attempt) with the young person and whether the council is in touch."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone or video call"
        MESSAGE = "message", "Text, email or message"
        ATTEMPT = "attempt", "Attempted, no reply"
        THIRD_PARTY = "third_party", "Through someone else"

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField()
    method = models.CharField(max_length=20, choices=Method.choices)
    in_touch = models.CharField(max_length=4, choices=codelists.InTouch.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["person_id", "date", "id"]
        indexes = [
            models.Index(fields=["person", "date"], name="contact_person_date"),
            models.Index(fields=["updated_at"], name="contact_updated"),
        ]

    def __str__(self) -> str:
        return f"Contact on {self.date:%d/%m/%Y}: {self.get_in_touch_display()}"


PASSPORT_TO_INDEPENDENCE = [
    ("money", "Managing money and budgeting"),
    ("bank_account", "Has a bank account"),
    ("identity", "Has identity documents (birth certificate, passport or ID, National Insurance number)"),
    ("health", "Registered with a GP and a dentist, and manages their health"),
    ("cooking", "Cooking and healthy eating"),
    ("home", "Looking after a home and knowing tenancy rights"),
    ("travel", "Travelling independently"),
    ("eet", "Education, training and employment: CV, applications and interviews"),
    ("entitlements", "Knows their rights and entitlements as a care leaver"),
]


class PathwayPlanReview(DatedRecord):
    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="pathway_reviews")
    date = models.DateField("date of review")
    next_due = models.DateField("next review due")
    passport = models.JSONField(default=list, blank=True, help_text="Keys of the passport items achieved")
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["person_id", "date", "id"]
        indexes = [
            models.Index(fields=["person", "date"], name="pathway_person_date"),
            models.Index(fields=["updated_at"], name="pathway_updated"),
        ]

    def __str__(self) -> str:
        return f"Pathway plan review on {self.date:%d/%m/%Y}"


class PEP(DatedRecord):
    """A personal education plan meeting, for young people looked after, to Year 13."""

    class Quality(models.TextChoices):
        OUTSTANDING = "outstanding", "Outstanding"
        GOOD = "good", "Good"
        REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
        INADEQUATE = "inadequate", "Inadequate"

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="peps")
    date = models.DateField("date of PEP meeting")
    school_year = models.PositiveSmallIntegerField()
    social_worker_attended = models.BooleanField()
    quality = models.CharField(max_length=24, choices=Quality.choices)

    class Meta:
        ordering = ["person_id", "date", "id"]
        indexes = [
            models.Index(fields=["person", "date"], name="pep_person_date"),
            models.Index(fields=["updated_at"], name="pep_updated"),
        ]

    def __str__(self) -> str:
        return f"PEP on {self.date:%d/%m/%Y}"

    @property
    def good_or_better(self) -> bool:
        return self.quality in (self.Quality.OUTSTANDING, self.Quality.GOOD)


class Sector(models.TextChoices):
    """The sector an aspiration or an intended destination leads to: a short fixed list, so aspirations
    can be analysed by sector and compared with the destination (Cambridgeshire 1.1, Leeds 3h). Each
    value is the plain lower-case words an employer's free-text sector is matched against."""

    ANIMAL_CARE = "animal care", "Animal care, land and environment"
    BUSINESS = "business", "Business, finance and law"
    CONSTRUCTION = "construction", "Construction and trades"
    CREATIVE = "creative", "Creative arts, media and design"
    DIGITAL = "digital", "Digital and technology"
    EDUCATION = "education", "Education and childcare"
    ENGINEERING = "engineering", "Engineering and manufacturing"
    HAIR_AND_BEAUTY = "hair and beauty", "Hair and beauty"
    HEALTH_AND_CARE = "health and care", "Health and social care"
    HOSPITALITY = "hospitality", "Hospitality and catering"
    LOGISTICS = "logistics", "Transport and logistics"
    PUBLIC_SERVICES = "public services", "Public and uniformed services"
    RETAIL = "retail", "Retail and customer service"
    SCIENCE = "science", "Science and research"
    SPORT = "sport", "Sport and leisure"
    OTHER = "other", "Another sector"


class Aspiration(HistoryRecord):
    """A Year 9 aspiration (or a later one): what the young person hopes to do."""

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="aspirations")
    date = models.DateField()
    school_year = models.PositiveSmallIntegerField()
    aspiration = models.CharField(max_length=300)
    sector = models.CharField(max_length=100, blank=True, choices=Sector.choices)

    class Meta:
        ordering = ["person_id", "date", "id"]

    def __str__(self) -> str:
        return f"Aspiration on {self.date:%d/%m/%Y}"


class IntendedDestination(HistoryRecord):
    """A Year 11 or 12 intended destination and the September Guarantee offer."""

    class Offer(models.TextChoices):
        OFFERED = "offered", "Offer made"
        NO_OFFER = "no_offer", "No offer yet"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="destinations")
    date = models.DateField()
    school_year = models.PositiveSmallIntegerField()
    destination = models.CharField(max_length=30, choices=codelists.EETActivity.choices)
    provider = models.CharField(max_length=200, blank=True)
    september_guarantee = models.CharField(max_length=20, choices=Offer.choices)
    offer_provider = models.CharField(max_length=200, blank=True)
    sector = models.CharField(
        max_length=100, blank=True, choices=Sector.choices, help_text="The sector of the course, training or job"
    )

    class Meta:
        ordering = ["person_id", "date", "id"]

    def __str__(self) -> str:
        return f"Intended destination on {self.date:%d/%m/%Y}"


class Allocation(HistoryRecord):
    """Who is allocated to the young person, from when to when."""

    class Role(models.TextChoices):
        PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
        SOCIAL_WORKER = "social_worker", "Social worker"
        VIRTUAL_SCHOOL = "virtual_school", "Virtual School contact"
        CAREERS_ADVISER = "careers_adviser", "Careers adviser"

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="allocations")
    role = models.CharField(max_length=20, choices=Role.choices)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    worker_name = models.CharField(max_length=200, blank=True, help_text="For workers who do not use Onward")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person_id", "role", "start", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"

    @property
    def name(self) -> str:
        return self.worker.full_name if self.worker else self.worker_name


class CaseClosure(HistoryRecord):
    class Reason(models.TextChoices):
        AGED_21 = "aged_21", "Reached 21 and no longer needs support"
        AGED_25 = "aged_25", "Reached 25"
        NO_LONGER_WANTED = "declined", "Young person no longer wants support"
        MOVED = "moved", "Moved to another council"
        DIED = "died", "Died"
        OTHER = "other", "Other reason"

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["person_id", "date", "id"]

    def __str__(self) -> str:
        return f"Case closed on {self.date:%d/%m/%Y}"


class SupportRequest(HistoryRecord):
    """A request for support from a former relevant young person aged 21 to 25 who returns."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Assessment not yet done"
        SUPPORT_OFFERED = "offered", "Personal adviser and pathway plan offered"
        ADVICE_ONLY = "advice", "Advice and signposting only"
        NOT_ELIGIBLE = "not_eligible", "Not eligible"

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="support_requests")
    date = models.DateField("date of request")
    needs = models.TextField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    assessed_on = models.DateField(null=True, blank=True)
    assessment = models.TextField(blank=True)

    class Meta:
        ordering = ["person_id", "date", "id"]

    def __str__(self) -> str:
        return f"Request for support on {self.date:%d/%m/%Y}"


GOOD_OR_BETTER = ("outstanding", "good")


class GuidanceAppointment(HistoryRecord):
    """A careers information, advice and guidance (IAG) appointment, with its outcome (Cambridgeshire 1.2:
    "every Year 11 has had a suitable IAG appointment")."""

    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"
        REARRANGED = "rearranged", "Rearranged"

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="guidance_appointments")
    date = models.DateField("date of the appointment")
    adviser = models.CharField("careers adviser", max_length=200, blank=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    guidance_given = models.TextField("guidance given", blank=True)
    next_step = models.CharField("next step", max_length=300, blank=True)

    class Meta:
        ordering = ["person_id", "date", "id"]
        indexes = [models.Index(fields=["person", "date"], name="guidance_person_date")]

    def __str__(self) -> str:
        return f"Careers guidance appointment on {self.date:%d/%m/%Y}"


class PathwayPlanAudit(HistoryRecord):
    """A manager's audit of a pathway plan: a quality grade and whether it addresses the young person's
    EET needs (Cambridgeshire 2.1: "all pathway plans subject to audit are assessed as Good")."""

    class Grade(models.TextChoices):
        OUTSTANDING = "outstanding", "Outstanding"
        GOOD = "good", "Good"
        REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
        INADEQUATE = "inadequate", "Inadequate"

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="pathway_audits")
    review = models.ForeignKey(
        PathwayPlanReview,
        on_delete=models.RESTRICT,
        related_name="audits",
        help_text="The pathway plan (its latest review on the audit date) the audit judged",
    )
    date = models.DateField("date of the audit")
    grade = models.CharField(max_length=24, choices=Grade.choices)
    eet_needs_met = models.BooleanField("the plan addresses the young person's EET needs")
    eet_needs_note = models.TextField("EET needs: note", blank=True)

    class Meta:
        ordering = ["person_id", "date", "id"]
        indexes = [models.Index(fields=["person", "date"], name="plan_audit_person_date")]

    def __str__(self) -> str:
        return f"Pathway plan audit on {self.date:%d/%m/%Y}"

    @property
    def good_or_better(self) -> bool:
        return self.grade in GOOD_OR_BETTER


class HEApplication(HistoryRecord):
    """An application to higher education, and how far it has gone (Cambridgeshire 2.3: HE applicants and new
    starters). A change of status is a correction (the earlier record kept); a start is also written to the EET
    history, by ``people.services``."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        OFFER = "offer", "Offer made"
        ACCEPTED = "accepted", "Offer accepted"
        STARTED = "started", "Started the course"
        WITHDRAWN = "withdrawn", "Withdrawn or unsuccessful"

    person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="he_applications")
    date = models.DateField("date of application")
    institution = models.CharField("university or college", max_length=200)
    course = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    status_date = models.DateField(
        "date of the status", help_text="When the status was reached (for a start, the first day)"
    )

    class Meta:
        ordering = ["person_id", "date", "id"]
        indexes = [models.Index(fields=["person", "date"], name="he_application_person_date")]

    def __str__(self) -> str:
        return f"Higher education application to {self.institution} on {self.date:%d/%m/%Y}"


class RiskScore(models.Model):
    """A young person's at-risk-of-NEET score on ``day``, kept so the list reads one indexed page.

    Only scores above 0 are kept. Written by ``people.services.keep_risk_current`` alone (ADR 36),
    which brings a council's scores up to date before the list is read: all of them on a new day,
    then only those of young people whose records changed since.
    """

    person = models.OneToOneField(YoungPerson, primary_key=True, on_delete=models.CASCADE, related_name="+")
    council = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    score = models.PositiveSmallIntegerField()
    # The list's order after the score, kept here so a page is read in index order.
    legal_family_name = models.CharField(max_length=100)
    legal_given_name = models.CharField(max_length=100)

    class Meta:
        indexes = [
            models.Index(
                fields=["council", "day", "-score", "legal_family_name", "legal_given_name", "person"],
                name="risk_council_day_rank",
            )
        ]

    def __str__(self) -> str:
        return f"Risk score {self.score} on {self.day:%d/%m/%Y}"


class StoredDay(models.Model):
    """How far a council's stored per-person rows of one kind are up to date (ADR 36).

    ``day`` is the date they are for; ``refreshed_at`` when the last refresh began. A refresh
    recomputes the young people whose records changed (``updated_at``) since a margin before it.
    """

    council = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    day = models.DateField()
    rules = models.CharField(max_length=32, blank=True, help_text="A fingerprint of the rules that made the rows")
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "kind"], name="stored_day_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} stored for {self.day:%d/%m/%Y}"
