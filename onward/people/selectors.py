"""Reads of the cohort register: the state of a young person, or of a list, as at any date.

Every list starts from ``onward.accounts.access.people_visible_to(user)``; every function
that takes one person expects it to have come from ``access_person``.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.core.codelists import (
    ADOPTED,
    EET_ACTIVITIES,
    NEET_ACTIVITIES,
    SHORT_BREAK_STATUSES,
    AccommodationType,
    EETActivity,
    InTouch,
    ReasonEpisodeCeased,
)
from onward.core.compiled import PERSON_PROBES, Compiled, compile_query, condition_of
from onward.people import access as people_access
from onward.people import categories, open_work
from onward.people.categories import Category
from onward.people.models import (
    PEP,
    AccommodationSpell,
    Allocation,
    Aspiration,
    CareEpisode,
    CaseClosure,
    Contact,
    EETSpell,
    GuidanceAppointment,
    HEApplication,
    IntendedDestination,
    PathwayPlanAudit,
    PathwayPlanReview,
    RiskScore,
    SupportRequest,
    YoungPerson,
)

PLAN_REVIEW_MONTHS = 6


def today() -> datetime.date:
    return timezone.localdate()


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The latest date of birth of someone who is at least ``years`` old on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return datetime.date(day.year - years, 2, 28)


# One young person ------------------------------------------------------------------------------


def summary_for(person: YoungPerson, episodes: list[categories.Episode]) -> categories.CareSummary:
    """The care summary from the episodes held, with the evidence of an imported return if they fall short."""
    return summary_from(person.date_of_birth, person.recorded_care_leaver_from, episodes)


def summary_from(
    date_of_birth: datetime.date, recorded_care_leaver_from: datetime.date | None, episodes: list[categories.Episode]
) -> categories.CareSummary:
    """``summary_for`` from the young person's values alone (an import writing plain values, no model object)."""
    summary = categories.summarise(date_of_birth, episodes)
    if summary.eligible_from is None and recorded_care_leaver_from is not None:
        summary = dataclasses.replace(summary, eligible_from=recorded_care_leaver_from)
    return summary


def care_summary(person: YoungPerson) -> categories.CareSummary:
    episodes = [
        categories.Episode(e.start, e.end, e.legal_status, e.reason_ceased)
        for e in CareEpisode.objects.filter(person=person).order_by("start", "id")
    ]
    return summary_for(person, episodes)


def category_of(person: YoungPerson, day: datetime.date) -> Category:
    """The leaving-care category on ``day``, from the care history and any record of death."""
    died_on = person.died_on
    return categories.category_on(person.date_of_birth, care_summary(person), day, died_on=died_on)


def eet_spell_on(person: YoungPerson, day: datetime.date) -> EETSpell | None:
    return EETSpell.objects.filter(EETSpell.covering(day), person=person).order_by("-start", "-id").first()


def accommodation_on(person: YoungPerson, day: datetime.date) -> AccommodationSpell | None:
    return (
        AccommodationSpell.objects.filter(AccommodationSpell.covering(day), person=person)
        .order_by("-start", "-id")
        .first()
    )


def contact_on(person: YoungPerson, day: datetime.date) -> Contact | None:
    """The latest contact (or attempt) on or before ``day``: whether the council was in touch."""
    return (
        Contact.objects.filter(person=person, date__lte=day, superseded_at__isnull=True)
        .order_by("-date", "-id")
        .first()
    )


def pathway_review_on(person: YoungPerson, day: datetime.date) -> PathwayPlanReview | None:
    return (
        PathwayPlanReview.objects.filter(person=person, date__lte=day, superseded_at__isnull=True)
        .order_by("-date", "-id")
        .first()
    )


@dataclass
class StatusOn:
    day: datetime.date
    category: Category
    eet: EETSpell | None
    accommodation: AccommodationSpell | None
    contact: Contact | None
    pathway_review: PathwayPlanReview | None
    pathway_overdue: bool
    risks: list[str] = field(default_factory=list)

    @property
    def category_label(self) -> str:
        return categories.CATEGORY_LABELS[self.category]


def status_on(
    person: YoungPerson, day: datetime.date | None = None, *, timeline: list[TimelineEntry] | None = None
) -> StatusOn:
    """Everything about the young person's situation on ``day`` (today if not given). Given their
    ``timeline`` (every record, read already), the records in force are picked from it, not read again."""
    day = day or today()
    if timeline is None:
        review = pathway_review_on(person, day)
        category = category_of(person, day)
        eet, accommodation, contact = eet_spell_on(person, day), accommodation_on(person, day), contact_on(person, day)
    else:
        records = [entry.record for entry in timeline]
        review = _latest([r for r in records if isinstance(r, PathwayPlanReview) and _dated_by(r, day)], "date")
        episodes = sorted((r for r in records if isinstance(r, CareEpisode)), key=lambda e: (e.start, e.pk))
        summary = summary_for(
            person, [categories.Episode(e.start, e.end, e.legal_status, e.reason_ceased) for e in episodes]
        )
        category = categories.category_on(person.date_of_birth, summary, day, died_on=person.died_on)
        eet = _latest([r for r in records if isinstance(r, EETSpell) and r.covers(day)], "start")
        accommodation = _latest([r for r in records if isinstance(r, AccommodationSpell) and r.covers(day)], "start")
        contact = _latest([r for r in records if isinstance(r, Contact) and _dated_by(r, day)], "date")
    status = StatusOn(
        day=day,
        category=category,
        eet=eet,
        accommodation=accommodation,
        contact=contact,
        pathway_review=review,
        pathway_overdue=pathway_plan_overdue(category, review, day),
    )
    if timeline is None:
        row: Any = annotate_risk(YoungPerson.objects.filter(pk=person.pk), day).get()
        # The signs follow the category the page shows: from the care history as it was on the day
        # (the SQL's is right from the last change to the care history on).
        row.category = status.category
    else:
        row = _risk_facts(person, status, [entry.record for entry in timeline])
    status.risks = risk_reasons(row, day)
    return status


def _risk_facts(person: YoungPerson, status: StatusOn, records: list[Any]) -> RiskFacts:
    """What ``risk_signs`` reads of a row from ``annotate_risk``, from the situation and the records
    already read; only whether work is in progress for them is asked of the database."""
    day, eet, accommodation = status.day, status.eet, status.accommodation
    eet_end = eet.end if eet else None
    compiled = _open_work_sql(connection.vendor, open_work.registered())
    if compiled is None:
        open_referral = _open_work_of(person.pk).get()
    else:
        (open_referral,) = compiled.fetch({"person": person.pk})[0]
    return RiskFacts(
        date_of_birth=person.date_of_birth,
        category=status.category,
        eet_activity=eet.activity if eet else EETActivity.NOT_KNOWN.value,
        eet_since=eet.start if eet else None,
        eet_end=eet_end,
        has_next_step=eet_end is not None
        and any(isinstance(r, EETSpell) and r.superseded_at is None and r.start > eet_end for r in records),
        open_referral=open_referral,
        recent_pep=any(
            isinstance(r, PEP)
            and r.superseded_at is None
            and day - datetime.timedelta(days=PEP_TERM_DAYS) < r.date <= day
            for r in records
        ),
        accommodation_type=accommodation.accommodation_type if accommodation else None,
        accommodation_since=accommodation.start if accommodation else None,
        last_contact_on=status.contact.date if status.contact else None,
        last_in_touch=status.contact.in_touch if status.contact else None,
        plan_next_due=status.pathway_review.next_due if status.pathway_review else None,
    )


def _open_work_of(person: int) -> QuerySet[Any]:
    found: Any = YoungPerson.objects.filter(pk=person).annotate(open_referral=open_work.has_open_work())
    return found.values_list("open_referral", flat=True)  # type: ignore[no-any-return]


@functools.cache
def _open_work_sql(vendor: str, sources: tuple[Any, ...]) -> Compiled | None:
    """Whether a young person has work in progress (``open_work``), compiled once for a kind of
    database and the sources registered."""
    return compile_query(_open_work_of, PERSON_PROBES)


@dataclass(frozen=True)
class RiskFacts:
    """The facts the at-risk rules read about one young person on a day (as ``annotate_risk`` adds them)."""

    date_of_birth: datetime.date
    category: str
    eet_activity: str
    eet_since: datetime.date | None
    eet_end: datetime.date | None
    has_next_step: bool
    open_referral: bool
    recent_pep: bool
    accommodation_type: str | None
    accommodation_since: datetime.date | None
    last_contact_on: datetime.date | None
    last_in_touch: str | None
    plan_next_due: datetime.date | None


def _dated_by(record: Contact | PathwayPlanReview, day: datetime.date) -> bool:
    """As ``contact_on`` and ``pathway_review_on`` choose, for a record already read."""
    return record.date <= day and record.superseded_at is None


def _latest(records: list[Any], by: str) -> Any:
    """The one the ``*_on`` selectors pick: the latest ``by`` (start or date), then the latest id."""
    return max(records, key=lambda r: (getattr(r, by), r.pk), default=None)


PLAN_CATEGORIES = frozenset(
    {Category.ELIGIBLE, Category.RELEVANT, Category.FORMER_RELEVANT, Category.FORMER_RELEVANT_21_25}
)


def pathway_plan_overdue_on(category: Category, next_due: datetime.date | None, day: datetime.date) -> bool:
    """A pathway plan is needed from eligibility on; reviews are due at least every 6 months."""
    return category in PLAN_CATEGORIES and (next_due is None or next_due < day)


def pathway_plan_overdue(category: Category, review: PathwayPlanReview | None, day: datetime.date) -> bool:
    return pathway_plan_overdue_on(category, review.next_due if review else None, day)


# At risk of NEET ------------------------------------------------------------------------------

RISK_ENDING_WEEKS = 6
RISK_NEET_MONTHS = 3
RISK_NO_CONTACT_MONTHS = 2
PEP_TERM_DAYS = 122  # a PEP is reviewed each school term: about 4 months
# No fixed abode or homeless (S), or emergency accommodation such as a night shelter (V).
HOMELESS_TYPES = frozenset({AccommodationType.S.value, AccommodationType.V.value})


@dataclass(frozen=True)
class RiskSign:
    """One warning sign; the list ranks young people by the sum of their signs' weights."""

    key: str
    weight: int
    label: str


# Heaviest first. The weights rank the list: losing a home or a long time NEET with nobody
# working on it outweighs a late plan review.
RISK_SIGNS: dict[str, RiskSign] = {
    sign.key: sign
    for sign in (
        RiskSign("homeless", 5, "Homeless or in emergency accommodation"),
        RiskSign("long_neet", 4, "Not in education, employment or training for 3 months or more, no referral"),
        RiskSign("no_contact", 3, "No contact for 2 months or more"),
        RiskSign("not_in_touch", 3, "Not in touch"),
        RiskSign("ending", 3, "Course or job ending with no next step"),
        RiskSign("plan_overdue", 2, "Pathway plan review overdue"),
        RiskSign("no_pep", 1, "No PEP this term in Year 12 or 13"),
    )
}
RISK_HIGH = 6  # a score of 6 or more: high priority
RISK_MEDIUM = 3  # 3 to 5: medium; 1 or 2: low


def risk_priority(score: int) -> str:
    if score >= RISK_HIGH:
        return "High"
    if score >= RISK_MEDIUM:
        return "Medium"
    return "Low" if score > 0 else ""


def annotate_risk(people: QuerySet[YoungPerson], day: datetime.date) -> QuerySet[YoungPerson]:
    """Add what the at-risk rules need (on top of ``annotate_status``) in the same query."""
    eet = _current_eet(day)
    accommodation = AccommodationSpell.objects.filter(AccommodationSpell.covering(day), person=OuterRef("pk")).order_by(
        "-start", "-id"
    )
    return annotate_status(people, day).annotate(
        eet_end=Subquery(eet.values("end")[:1], output_field=DateField()),
        has_next_step=Exists(
            EETSpell.objects.filter(person=OuterRef("pk"), superseded_at__isnull=True, start__gt=OuterRef("eet_end"))
        ),
        open_referral=open_work.has_open_work(),
        recent_pep=Exists(
            PEP.objects.filter(
                person=OuterRef("pk"),
                superseded_at__isnull=True,
                date__lte=day,
                date__gt=day - datetime.timedelta(days=PEP_TERM_DAYS),
            )
        ),
        accommodation_type=Subquery(accommodation.values("accommodation_type")[:1], output_field=CharField()),
        accommodation_since=Subquery(accommodation.values("start")[:1], output_field=DateField()),
    )


def risk_signs(row: Any, day: datetime.date) -> list[tuple[RiskSign, str]]:
    """The warning signs that a young person is at risk of being (or staying) NEET on ``day``, each
    with the reason as the page gives it, heaviest first; empty if none.

    ``row`` is a young person from ``annotate_risk``. The rules: homeless or in emergency
    accommodation; a course or job ends within 6 weeks with no next step recorded; NEET for 3
    months or more with no referral in progress; no contact for 2 months, or not in touch; pathway
    plan overdue; looked after in Year 12 or 13 with no PEP this term. Only care leavers and
    young people looked after from 16 count. ``ranked_at_risk`` applies the same rules in SQL.
    """
    category = Category(row.category)
    if category not in categories.IN_SCOPE_CATEGORIES or (
        category == Category.LOOKED_AFTER and categories.age_on(row.date_of_birth, day) < 16
    ):
        return []
    signs: list[tuple[RiskSign, str]] = []
    if row.accommodation_type in HOMELESS_TYPES:
        label = AccommodationType(row.accommodation_type).label
        signs.append((RISK_SIGNS["homeless"], f"{label} since {row.accommodation_since:%-d %B %Y}"))
    activity = row.eet_activity
    if (
        activity in EET_ACTIVITIES
        and row.eet_end is not None
        and row.eet_end <= day + datetime.timedelta(weeks=RISK_ENDING_WEEKS)
        and not row.has_next_step
    ):
        label = EETActivity(activity).label
        signs.append((RISK_SIGNS["ending"], f"{label} ends on {row.eet_end:%-d %B %Y} with no next step recorded"))
    if activity in NEET_ACTIVITIES and row.eet_since is not None and not row.open_referral:
        months = _months_between(row.eet_since, day)
        if months >= RISK_NEET_MONTHS:
            signs.append(
                (
                    RISK_SIGNS["long_neet"],
                    f"Not in education, employment or training for {months} months, with no referral in progress",
                )
            )
    if row.last_contact_on is None or row.last_contact_on < _months_before(day, RISK_NO_CONTACT_MONTHS):
        signs.append((RISK_SIGNS["no_contact"], "No contact for 2 months or more"))
    elif row.last_in_touch != "YES":
        signs.append((RISK_SIGNS["not_in_touch"], f"Not in touch: {InTouch(row.last_in_touch).label.lower()}"))
    if pathway_plan_overdue_on(category, row.plan_next_due, day):
        signs.append((RISK_SIGNS["plan_overdue"], "Pathway plan review overdue"))
    if (
        category in (Category.LOOKED_AFTER, Category.ELIGIBLE)
        and school_year_on(row.date_of_birth, day) in (12, 13)
        and not row.recent_pep
    ):
        signs.append((RISK_SIGNS["no_pep"], "No PEP this term for a young person in Year 12 or 13"))
    signs.sort(key=lambda item: -item[0].weight)  # stable: equal weights keep the rules' order
    return signs


def risk_reasons(row: Any, day: datetime.date) -> list[str]:
    """Why a young person is at risk of being (or staying) NEET on ``day``, heaviest first; empty if not."""
    return [reason for _sign, reason in risk_signs(row, day)]


@dataclass
class AtRisk:
    """A young person on the at-risk list: their score (the sum of their signs' weights) and reasons."""

    person: Any
    score: int
    reasons: list[str]

    @property
    def priority(self) -> str:
        return risk_priority(self.score)


def _sql(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    """A queryset's SQL and parameters, without the model's default ordering (a CTE needs none)."""
    statement, params = queryset.order_by().query.sql_with_params()
    return statement, list(params)


def _union(querysets: list[QuerySet[Any]]) -> tuple[str, list[Any]]:
    """The SQL of the union of ``querysets`` of ``person_id`` (no rows if there are none)."""
    if not querysets:
        return "SELECT CAST(NULL AS integer) AS person_id WHERE 1 = 0", []
    statements, params = [], []
    for queryset in querysets:
        statement, part = _sql(queryset)
        statements.append(f"SELECT person_id FROM ({statement}) part")  # noqa: S608 - Django-made SQL
        params += part
    return " UNION ".join(statements), params


def risk_sql(people: QuerySet[YoungPerson], day: datetime.date) -> tuple[str, list[Any]]:
    """SQL giving ``id``, ``score`` and the name of each of ``people`` with a score above 0 on ``day``.

    Set-based, so the cost grows with the rows read rather than with a lookup per young person
    per fact: each history is read once for the young people in scope (a window picks the spell
    in force, ``DatedRecord.next_date`` the contact and review in force), the facts are joined on,
    and the signs and their weights are the rules of ``risk_signs`` as CASE expressions.
    """
    scoped: Any = annotate_category(people, day)  # annotated: typed loosely
    scope_sql, scope_params = _sql(
        scoped.values("pk", "council_id", "legal_family_name", "legal_given_name", "date_of_birth", "category")
    )
    ids = people.order_by().values("pk")

    def in_force_spell(model: type[EETSpell] | type[AccommodationSpell], **columns: Any) -> tuple[str, list[Any]]:
        """Each young person's spell in force on ``day``: the latest to start of those covering it."""
        later = model.objects.filter(model.covering(day), person_id=OuterRef("person_id")).filter(
            Q(start__gt=OuterRef("start")) | Q(start=OuterRef("start"), id__gt=OuterRef("id"))
        )
        return _sql(
            model.objects.filter(model.covering(day), person__in=ids)
            .exclude(Exists(later))
            .annotate(**columns)
            .values("person_id", *columns)
        )

    def in_force(model: type[Contact] | type[PathwayPlanReview], **columns: Any) -> tuple[str, list[Any]]:
        return _sql(
            model.objects.filter(
                Q(next_date__isnull=True) | Q(next_date__gt=day),
                person_id__in=ids,
                date__lte=day,
                superseded_at__isnull=True,
            )
            .annotate(**columns)
            .values("person_id", *columns)
        )

    parts = {
        "eet": in_force_spell(EETSpell, e_activity=F("activity"), e_since=F("start"), e_end=F("end")),
        "latest": _sql(
            EETSpell.objects.filter(person_id__in=ids, superseded_at__isnull=True)
            .values("person_id")
            .annotate(latest_start=Max("start"))
            .values("person_id", "latest_start")
        ),
        "accommodation": in_force_spell(AccommodationSpell, a_type=F("accommodation_type")),
        "contact": in_force(Contact, c_date=F("date"), c_in_touch=F("in_touch")),
        "review": in_force(PathwayPlanReview, r_next_due=F("next_due")),
        "pep": _sql(
            PEP.objects.filter(
                person_id__in=ids,
                superseded_at__isnull=True,
                date__lte=day,
                date__gt=day - datetime.timedelta(days=PEP_TERM_DAYS),
            )
            .values("person_id")
            .order_by()
            .distinct()
        ),
        "referral": _union(open_work.people_with_open_work(ids)),
    }
    year_start = day.year if day.month >= 9 else day.year - 1
    august = datetime.date(year_start, 8, 31)
    in_scope = sorted(c.value for c in categories.IN_SCOPE_CATEGORIES)
    plan = sorted(c.value for c in PLAN_CATEGORIES)
    pep = [Category.LOOKED_AFTER.value, Category.ELIGIBLE.value]
    eet, neet, homeless = sorted(EET_ACTIVITIES), sorted(NEET_ACTIVITIES), sorted(HOMELESS_TYPES)

    def marks(values: list[str]) -> str:
        return ", ".join(["%s"] * len(values))

    w = {key: sign.weight for key, sign in RISK_SIGNS.items()}
    ctes = ",\n".join(f"{name} AS ({statement})" for name, (statement, _params) in parts.items())
    sql = f"""
        WITH scope AS MATERIALIZED ({scope_sql}),
        {ctes}
        SELECT id, council_id, score, legal_family_name, legal_given_name FROM (
            SELECT s.pk AS id, s.council_id, s.legal_family_name, s.legal_given_name,
                CASE WHEN s.category NOT IN ({marks(in_scope)}) OR (s.category = %s AND s.date_of_birth > %s)
                THEN 0 ELSE
                CASE WHEN a.a_type IN ({marks(homeless)}) THEN {w["homeless"]} ELSE 0 END
                + CASE WHEN e.e_activity IN ({marks(eet)}) AND e.e_end IS NOT NULL AND e.e_end <= %s
                    AND NOT (l.latest_start > e.e_end) THEN {w["ending"]} ELSE 0 END
                + CASE WHEN e.e_activity IN ({marks(neet)}) AND e.e_since <= %s
                    AND rf.person_id IS NULL THEN {w["long_neet"]} ELSE 0 END
                + CASE WHEN c.c_date IS NULL OR c.c_date < %s THEN {w["no_contact"]}
                    WHEN c.c_in_touch <> 'YES' THEN {w["not_in_touch"]} ELSE 0 END
                + CASE WHEN s.category IN ({marks(plan)})
                    AND (r.r_next_due IS NULL OR r.r_next_due < %s) THEN {w["plan_overdue"]} ELSE 0 END
                + CASE WHEN s.category IN ({marks(pep)}) AND s.date_of_birth > %s
                    AND s.date_of_birth <= %s AND p.person_id IS NULL THEN {w["no_pep"]} ELSE 0 END
                END AS score
            FROM scope s
            LEFT JOIN eet e ON e.person_id = s.pk
            LEFT JOIN latest l ON l.person_id = s.pk
            LEFT JOIN accommodation a ON a.person_id = s.pk
            LEFT JOIN contact c ON c.person_id = s.pk
            LEFT JOIN review r ON r.person_id = s.pk
            LEFT JOIN pep p ON p.person_id = s.pk
            LEFT JOIN referral rf ON rf.person_id = s.pk
        ) ranked WHERE score > 0
    """  # noqa: S608 - the parts are Django's queries; the rest constants and placeholders
    params = [
        *scope_params,
        *(param for _statement, part_params in parts.values() for param in part_params),
        *in_scope,
        Category.LOOKED_AFTER.value,
        years_before(day, 16),
        *homeless,
        *eet,
        day + datetime.timedelta(weeks=RISK_ENDING_WEEKS),
        *neet,
        _months_before(day, RISK_NEET_MONTHS),
        _months_before(day, RISK_NO_CONTACT_MONTHS),
        *plan,
        day,
        *pep,
        years_before(august, 18),  # academic age 16 or 17 on 31 August: Year 12 or 13
        years_before(august, 16),
    ]
    return sql, params


def risk_scores(people: QuerySet[YoungPerson], day: datetime.date) -> list[tuple[int, int, int, str, str]]:
    """``(id, council id, score, family name, given name)`` of each of ``people`` at risk on ``day``,
    worked out from their records (what ``stored.keep_risk_current`` keeps)."""
    sql, params = risk_sql(people, day)
    with connection.cursor() as cursor:
        columns = "id, council_id, score, legal_family_name, legal_given_name"
        cursor.execute(f"SELECT {columns} FROM ({sql}) scored", params)  # noqa: S608 - constants
        return [(row[0], row[1], row[2], row[3], row[4]) for row in cursor.fetchall()]


def councils_of(people: QuerySet[YoungPerson]) -> list[int]:
    """The ids of the councils ``people`` belong to (each checked for one young person, not counted)."""
    return list(
        Organisation.objects.filter(Exists(people.filter(council_id=OuterRef("pk")).order_by())).values_list(
            "pk", flat=True
        )
    )


def ranked_at_risk(
    people: QuerySet[YoungPerson], day: datetime.date, *, offset: int = 0, limit: int | None = None
) -> tuple[list[tuple[int, int]], int]:
    """``(id, score)`` of each of ``people`` at risk on ``day``, highest score first (then by name),
    from ``offset`` for ``limit`` rows, and how many are at risk in all: worked out from the records, in
    one query (``ranked_at_risk_stored`` reads the scores kept for today)."""
    sql, params = risk_sql(people, day)
    window = f"""
        SELECT id, score, COUNT(*) OVER () AS total FROM ({sql}) scored
        ORDER BY score DESC, legal_family_name, legal_given_name, id
    """  # noqa: S608 - built from constants
    if limit is not None:
        window += " LIMIT %s OFFSET %s"
        params = [*params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(window, params)
        rows = cursor.fetchall()
    if not rows and offset:
        return [], ranked_count(people, day)
    return [(row[0], row[1]) for row in rows], (rows[0][2] if rows else 0)


def ranked_at_risk_stored(
    people: QuerySet[YoungPerson],
    day: datetime.date,
    *,
    councils: list[int] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[tuple[int, int]], int]:
    """As ``ranked_at_risk``, from the scores stored for ``day`` (ADR 36): a page read in the order of
    the council's index, and a count. ``stored.keep_risk_current`` must first have brought the councils
    of ``people`` (``councils_of``, if not given) up to date."""
    councils = councils_of(people) if councils is None else councils
    scores = RiskScore.objects.filter(council_id__in=councils, day=day, person__in=people.order_by().values("pk"))
    total = scores.count()
    ranked = scores.order_by("-score", "legal_family_name", "legal_given_name", "person_id")
    if limit is not None:
        ranked = ranked[offset : offset + limit]
    return [(pk, score) for pk, score in ranked.values_list("person_id", "score")], total


def ranked_count(people: QuerySet[YoungPerson], day: datetime.date) -> int:
    sql, params = risk_sql(people, day)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) scored", params)  # noqa: S608
        return int(cursor.fetchone()[0])


def at_risk_rows(people: QuerySet[YoungPerson], ranked: list[tuple[int, int]], day: datetime.date) -> list[AtRisk]:
    """The young people of one page of ``ranked_at_risk``, in its order, with their reasons."""
    rows = {
        row.pk: row
        for row in annotate_risk(people.filter(pk__in=[pk for pk, _score in ranked]), day).select_related(
            "personal_adviser", "team"
        )
    }
    return [AtRisk(rows[pk], score, risk_reasons(rows[pk], day)) for pk, score in ranked if pk in rows]


def _months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def _months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def school_year_on(dob: datetime.date, day: datetime.date) -> int:
    """The English school year (Year 12 = academic age 16) on ``day``; academic age is age on 31 August."""
    year_start = day.year if day.month >= 9 else day.year - 1
    academic_age = categories.age_on(dob, datetime.date(year_start, 8, 31))
    return academic_age - 4


# Timeline ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    day: datetime.date
    kind: str
    title: str
    detail: str
    record: Any
    superseded: bool
    correction_reason: str = ""


# What a timeline reads: each kind of record, with the records read beside it.
_TIMELINE_KINDS: tuple[tuple[type[Any], tuple[str, ...]], ...] = (
    (CareEpisode, ()),
    (EETSpell, ()),
    (AccommodationSpell, ()),
    (Contact, ()),
    (PathwayPlanReview, ()),
    (PEP, ()),
    (Aspiration, ()),
    (IntendedDestination, ()),
    (Allocation, ("worker", "team")),
    (GuidanceAppointment, ()),
    (HEApplication, ()),
    (PathwayPlanAudit, ("review",)),
    (CaseClosure, ()),
    (SupportRequest, ()),
)


@functools.cache
def _kinds_held_sql(vendor: str) -> str:
    """One row saying, for each of ``_TIMELINE_KINDS``, whether a young person has any (``vendor``:
    the SQL is written once for each kind of database, as its quoting differs)."""
    quote = connection.ops.quote_name
    tables = [quote(model._meta.db_table) for model, _ in _TIMELINE_KINDS]
    held = [f"EXISTS (SELECT 1 FROM {table} WHERE {quote('person_id')} = %s)" for table in tables]  # noqa: S608
    return "SELECT " + ", ".join(held)


@functools.cache
def _records_sql(kind: int, vendor: str) -> Compiled | None:
    """The young person's records of the ``kind``-th of ``_TIMELINE_KINDS`` (with the records read
    with them), compiled once for a kind of database (``core.compiled``): building and compiling the
    query was half its cost on a young person's page."""
    model, related = _TIMELINE_KINDS[kind]

    def build(person: int) -> QuerySet[Any]:
        records: QuerySet[Any] = model.objects.filter(person_id=person)
        return records.select_related(*related) if related else records

    return compile_query(build, PERSON_PROBES)


def _records_by_kind(person: YoungPerson) -> dict[type[Any], list[Any]]:
    """The young person's records of each of ``_TIMELINE_KINDS``, corrections included: one query for
    which kinds they have any of, then one for each of those kinds."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute(_kinds_held_sql(vendor), [person.pk] * len(_TIMELINE_KINDS))
        held = cursor.fetchone()
    found: dict[type[Any], list[Any]] = {}
    for kind, ((model, related), has_any) in enumerate(zip(_TIMELINE_KINDS, held, strict=True)):
        compiled = _records_sql(kind, vendor) if has_any else None
        if not has_any:
            found[model] = []
        elif compiled is None:
            found[model] = list(model.objects.filter(person=person).select_related(*related))
        else:
            found[model] = compiled.instances({"person": person.pk})
    return found


def timeline(person: YoungPerson) -> list[TimelineEntry]:
    """Every dated record about the young person, newest first, corrections included."""
    entries: list[TimelineEntry] = []
    records = _records_by_kind(person)

    def add(day: datetime.date, kind: str, title: str, detail: str, record: Any) -> None:
        entries.append(
            TimelineEntry(
                day,
                kind,
                title,
                detail,
                record,
                superseded=getattr(record, "superseded_at", None) is not None,
                correction_reason=getattr(record, "correction_reason", ""),
            )
        )

    for e in records[CareEpisode]:
        detail = f"{e.get_placement_type_display()}" + (
            f"; ended {e.end:%-d %B %Y}: {e.get_reason_ceased_display()}" if e.end else ""
        )
        add(e.start, "Care", f"Care episode: {e.get_legal_status_display()}", detail, e)
    for s in records[EETSpell]:
        until = f" to {s.end:%-d %B %Y}" if s.end else ""
        ended = f" ({s.outcome_summary})" if s.outcome_summary else ""
        add(s.start, "EET", s.get_activity_display(), f"{s.provider}{until}{ended}".strip(), s)
    for a in records[AccommodationSpell]:
        add(a.start, "Accommodation", a.get_accommodation_type_display(), a.get_suitability_display(), a)
    for c in records[Contact]:
        add(c.date, "Contact", c.get_in_touch_display(), c.get_method_display(), c)
    for r in records[PathwayPlanReview]:
        add(r.date, "Pathway plan", "Pathway plan reviewed", f"Next review due {r.next_due:%-d %B %Y}", r)
    for p in records[PEP]:
        attended = "social worker attended" if p.social_worker_attended else "social worker did not attend"
        add(p.date, "PEP", f"PEP, Year {p.school_year}", f"{p.get_quality_display()}; {attended}", p)
    for asp in records[Aspiration]:
        add(asp.date, "Aspiration", f"Aspiration, Year {asp.school_year}", asp.aspiration, asp)
    for d in records[IntendedDestination]:
        add(
            d.date,
            "Destination",
            f"Intended destination, Year {d.school_year}",
            f"{d.get_destination_display()}; September Guarantee: {d.get_september_guarantee_display()}",
            d,
        )
    for al in records[Allocation]:
        add(al.start, "Allocation", f"{al.get_role_display()} allocated", al.name, al)
    for g in records[GuidanceAppointment]:
        add(g.date, "Careers guidance", "Careers guidance appointment", g.get_attendance_display(), g)
    for h in records[HEApplication]:
        add(h.date, "Higher education", f"Applied to {h.institution}", f"{h.course}: {h.get_status_display()}", h)
    for au in records[PathwayPlanAudit]:
        met = "meets EET needs" if au.eet_needs_met else "EET needs not met"
        add(au.date, "Pathway plan", "Pathway plan audited", f"{au.get_grade_display()}; {met}", au)
    for cl in records[CaseClosure]:
        add(cl.date, "Closure", "Case closed", cl.get_reason_display(), cl)
    for sr in records[SupportRequest]:
        add(sr.date, "Support request", "Asked for support again", sr.get_outcome_display(), sr)
    entries.sort(key=lambda entry: (entry.day, entry.record.created_at), reverse=True)
    return entries


# Lists ------------------------------------------------------------------------------------------

SCOPES = {"mine": "My caseload", "team": "My teams", "all": "Everyone I can see"}


def people_in_scope(user: User, scope: str) -> QuerySet[YoungPerson]:
    """The young people the user may see, narrowed to their own caseload or their teams' if asked."""
    people = people_access.people_visible_to(user)
    if scope == "mine":
        mine = Allocation.objects.filter(
            person=OuterRef("pk"), worker=user, end__isnull=True, superseded_at__isnull=True
        )
        return people.filter(Q(personal_adviser=user) | Q(Exists(mine)))
    if scope == "team":
        return people.filter(team__in=user.teams.all())
    return people


def default_scope(user: User) -> str:
    """Advisers start from their own caseload, managers from their teams, council-wide roles from everyone."""
    if user.can(Perm.VIEW_COUNCIL_PEOPLE):
        return "all"
    if user.can(Perm.VIEW_TEAM_PEOPLE):
        return "team"
    return "mine"


def caseload_summary(people: QuerySet[YoungPerson], day: datetime.date) -> dict[str, int]:
    """How many young people the caseload lists (not those who are not care leavers), and how many with a
    pathway plan review overdue, in one query. The NEET figure is ``people.cohort.neet_cohort``'s."""
    annotated: Any = annotate_category(people, day).annotate(
        plan_next_due=Subquery(
            PathwayPlanReview.objects.filter(person=OuterRef("pk"), date__lte=day, superseded_at__isnull=True)
            .order_by("-date", "-id")
            .values("next_due")[:1],
            output_field=DateField(),
        )
    )
    overdue = Q(category__in=[c.value for c in PLAN_CATEGORIES]) & (
        Q(plan_next_due__isnull=True) | Q(plan_next_due__lt=day)
    )
    return annotated.aggregate(  # type: ignore[no-any-return]
        total=Count("pk", filter=~Q(category=Category.NONE.value)),
        plans_overdue=Count("pk", filter=overdue),
    )


def not_care_leavers(people: QuerySet[YoungPerson], day: datetime.date) -> int:
    """How many of ``people`` are not care leavers on ``day`` (set apart from the caseload)."""
    annotated: Any = annotate_category(people, day)  # annotated: typed loosely
    return int(annotated.filter(category=Category.NONE.value).count())


def listed_and_set_apart(people: QuerySet[YoungPerson], day: datetime.date) -> tuple[int, int]:
    """How many of ``people`` an unfiltered caseload lists on ``day`` (care leavers, and those in care)
    and how many it sets apart (:func:`not_care_leavers`), in one query."""
    annotated: Any = annotate_category(people, day)  # annotated: typed loosely
    counts = dict(annotated.order_by().values_list("category").annotate(people=Count("pk")))
    apart = int(counts.pop(Category.NONE.value, 0))
    return sum(counts.values()), apart


def annotate_category(people: QuerySet[YoungPerson], day: datetime.date) -> QuerySet[YoungPerson]:
    """Add ``category`` (a ``Category`` value) computed in the database for ``day``.

    Uses the care summary kept on each young person; it agrees with
    ``categories.category_on`` for any day on or after the last change to the care history
    (a test checks this on a generated cohort). For earlier days use ``category_of``.
    """
    age16, age18, age21, age25 = (years_before(day, n) for n in (16, 18, 21, 25))
    qualified = Q(eligible_from__isnull=False, eligible_from__lte=day)
    left_after_16 = Q(left_care_after_16=True, care_ended_on__lte=day)
    ended = Q(looked_after_now=False, care_ended_on__lte=day)
    return people.annotate(
        category=Case(
            When(died_on__lte=day, then=Value(Category.DIED.value)),
            When(ended & Q(final_reason=ReasonEpisodeCeased.E2), then=Value(Category.DIED.value)),
            When(ended & Q(final_reason=ReasonEpisodeCeased.E3), then=Value(Category.TRANSFERRED.value)),
            When(ended & Q(final_reason__in=list(ADOPTED)), then=Value(Category.ADOPTED.value)),
            When(date_of_birth__gt=day, then=Value(Category.NONE.value)),
            When(date_of_birth__gt=age16, looked_after_now=True, then=Value(Category.LOOKED_AFTER.value)),
            When(date_of_birth__gt=age16, then=Value(Category.NONE.value)),
            When(Q(date_of_birth__gt=age18, looked_after_now=True) & qualified, then=Value(Category.ELIGIBLE.value)),
            When(date_of_birth__gt=age18, looked_after_now=True, then=Value(Category.LOOKED_AFTER.value)),
            When(Q(date_of_birth__gt=age18) & qualified, then=Value(Category.RELEVANT.value)),
            When(Q(date_of_birth__gt=age18) & left_after_16, then=Value(Category.QUALIFYING.value)),
            When(date_of_birth__gt=age18, then=Value(Category.NONE.value)),
            When(Q(date_of_birth__gt=age21) & qualified, then=Value(Category.FORMER_RELEVANT.value)),
            When(Q(date_of_birth__gt=age21) & left_after_16, then=Value(Category.QUALIFYING.value)),
            When(
                Q(date_of_birth__gt=age25) & qualified & Q(date_of_birth__lte=age21),
                then=Value(Category.FORMER_RELEVANT_21_25.value),
            ),
            default=Value(Category.NONE.value),
            output_field=CharField(),
        )
    )


def in_care_or_care_leavers(people: QuerySet[YoungPerson], day: datetime.date) -> QuerySet[YoungPerson]:
    """Every child in care and care leaver among ``people`` on ``day``, with ``category`` (``annotate_category``)."""
    annotated: Any = annotate_category(people, day)
    found: QuerySet[YoungPerson] = annotated.filter(category__in=categories.IN_CARE_OR_LEFT_CARE)
    return found


def _current_eet(day: datetime.date) -> QuerySet[EETSpell]:
    return EETSpell.objects.filter(EETSpell.covering(day), person=OuterRef("pk")).order_by("-start", "-id")


def annotate_status(people: QuerySet[YoungPerson], day: datetime.date) -> QuerySet[YoungPerson]:
    """Add the EET activity, its start, the latest contact and the next pathway review due on ``day``."""
    eet = _current_eet(day)
    contacts = Contact.objects.filter(person=OuterRef("pk"), date__lte=day, superseded_at__isnull=True).order_by(
        "-date", "-id"
    )
    reviews = PathwayPlanReview.objects.filter(
        person=OuterRef("pk"), date__lte=day, superseded_at__isnull=True
    ).order_by("-date", "-id")
    return annotate_category(people, day).annotate(
        eet_activity=Coalesce(
            Subquery(eet.values("activity")[:1]), Value(EETActivity.NOT_KNOWN.value), output_field=CharField()
        ),
        eet_since=Subquery(eet.values("start")[:1], output_field=DateField()),
        last_contact_on=Subquery(contacts.values("date")[:1], output_field=DateField()),
        last_in_touch=Subquery(contacts.values("in_touch")[:1], output_field=CharField()),
        plan_next_due=Subquery(reviews.values("next_due")[:1], output_field=DateField()),
    )


def neet_on(people: QuerySet[YoungPerson], day: datetime.date) -> QuerySet[YoungPerson]:
    """Those of ``people`` whose EET activity on ``day`` is a NEET one."""
    return people.filter(
        Exists(
            EETSpell.objects.filter(EETSpell.covering(day), person=OuterRef("pk"), activity__in=list(NEET_ACTIVITIES))
        )
    )


AGE_BANDS: dict[str, tuple[int, int]] = {
    "under_16": (0, 15),
    "16_17": (16, 17),
    "17_18": (17, 18),
    "19_21": (19, 21),
    "22_25": (22, 25),
}
AGE_BAND_LABELS = {
    "under_16": "Under 16",
    "16_17": "16 to 17",
    "17_18": "17 to 18",
    "19_21": "19 to 21",
    "22_25": "22 to 25",
}


def filter_age_band(people: QuerySet[YoungPerson], band: str, day: datetime.date) -> QuerySet[YoungPerson]:
    low, high = AGE_BANDS[band]
    return filter_age_band_range(people, low, high, day)


def filter_age_band_range(
    people: QuerySet[YoungPerson], low: int, high: int, day: datetime.date
) -> QuerySet[YoungPerson]:
    """Those aged at least ``low`` and at most ``high`` on ``day``."""
    return people.filter(date_of_birth__lte=years_before(day, low), date_of_birth__gt=years_before(day, high + 1))


SORTS: dict[str, list[Any]] = {
    "name": ["legal_family_name", "legal_given_name", "pk"],
    "-name": ["-legal_family_name", "-legal_given_name", "-pk"],
    "age": ["-date_of_birth", "pk"],
    "-age": ["date_of_birth", "pk"],
    "plan_due": [F("plan_next_due").asc(nulls_first=True), "pk"],
    "last_contact": [F("last_contact_on").asc(nulls_first=True), "pk"],
}


def caseload(
    *,
    people: QuerySet[YoungPerson],
    day: datetime.date,
    filters: dict[str, Any],
    sort: str = "name",
) -> QuerySet[YoungPerson]:
    """A filtered, sorted list of ``people`` (already scoped by the access module), annotated for ``day``."""
    qs: Any = annotate_status(people, day).select_related("personal_adviser", "team")  # annotated: typed loosely
    if filters.get("q"):
        for word in str(filters["q"]).split():
            qs = qs.filter(
                Q(legal_given_name__icontains=word)
                | Q(legal_family_name__icontains=word)
                | Q(preferred_name__icontains=word)
                | Q(child_id__iexact=word)
            )
    if filters.get("age_band") in AGE_BANDS:
        qs = filter_age_band(qs, filters["age_band"], day)
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    else:
        qs = qs.exclude(category=Category.NONE.value)  # set apart: see ``not_care_leavers``
    status = filters.get("status")
    if status == "eet":
        qs = qs.filter(eet_activity__in=list(EET_ACTIVITIES))
    elif status == "neet":
        qs = qs.filter(eet_activity__in=list(NEET_ACTIVITIES))
    elif status == "not_known":
        qs = qs.filter(eet_activity=EETActivity.NOT_KNOWN.value)
    if filters.get("plan_overdue"):
        qs = qs.filter(
            category__in=[
                Category.ELIGIBLE,
                Category.RELEVANT,
                Category.FORMER_RELEVANT,
                Category.FORMER_RELEVANT_21_25,
            ]
        ).filter(Q(plan_next_due__isnull=True) | Q(plan_next_due__lt=day))
    if filters.get("not_in_touch"):
        qs = qs.filter(~Q(last_in_touch="YES") | Q(last_in_touch__isnull=True))
    for flag in ("send", "uasc", "ehcp"):
        if filters.get(flag):
            qs = qs.filter(**{flag: True})
    if filters.get("out_of_area"):
        qs = qs.filter(lives_out_of_area=True)
    if filters.get("team"):
        qs = qs.filter(team=filters["team"])
    if filters.get("worker"):
        qs = qs.filter(personal_adviser=filters["worker"])
    return qs.order_by(*SORTS.get(sort, SORTS["name"]))  # type: ignore[no-any-return]


def caseload_page(
    people: QuerySet[YoungPerson], day: datetime.date, *, sort: str, offset: int, limit: int
) -> tuple[list[YoungPerson], int, int]:
    """One page of the unfiltered caseload of ``people`` on ``day`` (``sort`` as :data:`SORTS`), with
    how many it lists in all and how many it sets apart (:func:`listed_and_set_apart`).

    The same young people, in the same order and with the same values, as :func:`caseload` with no
    filter and :func:`page_and_total`; but both queries are compiled once a process for each sort
    (``core.compiled``), with ``people`` (the access policy's, built for each call) put in: building
    and compiling them took more time than running them."""
    sort = sort if sort in SORTS else "name"
    listing, counting = _caseload_sql(connection.vendor, sort), _category_counts_sql(connection.vendor)
    if listing is None or counting is None or people.query.is_empty():
        listed, set_apart = listed_and_set_apart(people, day)
        rows, total = page_and_total(
            caseload(people=people, day=day, filters={}, sort=sort), offset=offset, limit=limit, total=listed
        )
        return rows, total, set_apart
    condition = condition_of(people)
    counts = dict(counting.fetch({"day": day}, people, condition=condition))
    set_apart = int(counts.pop(Category.NONE.value, 0))
    total = sum(counts.values())
    if offset >= total:
        return [], total, set_apart
    page = listing.instances(
        {"day": day}, people, suffix=" LIMIT %s OFFSET %s", extra=(limit, offset), condition=condition
    )
    return page, total, set_apart


def _as_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """Every value a caseload's SQL holds for ``values["day"]``: the day, and the latest dates of
    birth of those 16, 18, 21 and 25 on it (:func:`annotate_category`)."""
    day = values["day"]
    return {"day": day, **{f"born_{years}": years_before(day, years) for years in (16, 18, 21, 25)}}


# Three made-up days, each of them and each date worked out from them different from the others'.
_PROBE_DAYS = tuple({"day": datetime.date(1901 + n, n, n + 10)} for n in (1, 2, 3))


@functools.cache
def _caseload_sql(vendor: str, sort: str) -> Compiled | None:
    """:func:`caseload` unfiltered, sorted by ``sort``, compiled once for a kind of database
    (``core.compiled``)."""

    def build(day: datetime.date, scope: QuerySet[YoungPerson]) -> QuerySet[Any]:
        return caseload(people=scope, day=day, filters={}, sort=sort)

    return compile_query(build, _PROBE_DAYS, derive=_as_of, model=YoungPerson)


@functools.cache
def _category_counts_sql(vendor: str) -> Compiled | None:
    """How many young people of a scope are in each category on a day (:func:`listed_and_set_apart`),
    compiled once for a kind of database."""

    def build(day: datetime.date, scope: QuerySet[YoungPerson]) -> QuerySet[Any]:
        annotated: Any = annotate_category(scope, day)
        return annotated.order_by().values_list("category").annotate(people=Count("pk"))  # type: ignore[no-any-return]

    return compile_query(build, _PROBE_DAYS, derive=_as_of, model=YoungPerson)


def page_and_total(qs: QuerySet[Any], *, offset: int, limit: int, total: int | None = None) -> tuple[list[Any], int]:
    """One page of ``qs`` and how many rows it holds in all: a count (unless ``total`` was counted
    already), then the page (none past the end).

    Not one query with a window count: PostgreSQL then carries every row of the list, joined and
    annotated, through the window before the page is cut (7.5 ms against 2.5 ms for a count and a
    page of a council of 2,000, where the count leaves the unused annotations out and the page
    stops at its fiftieth row)."""
    total = qs.count() if total is None else total
    return (list(qs[offset : offset + limit]) if offset < total else []), total


def plan_review_due(review_date: datetime.date) -> datetime.date:
    """Six months after ``review_date`` (the statutory maximum interval)."""
    month = review_date.month + PLAN_REVIEW_MONTHS
    year = review_date.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = review_date.day
    while True:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            day -= 1


# Requests for support from returners --------------------------------------------------------------

SUPPORT_REQUEST_DAYS = 28
"""Onward's time limit for assessing a returner's request for support (s23CZB gives none): four weeks."""


@dataclass(frozen=True)
class OpenRequest:
    """A request for support not yet assessed, with its time limit on ``day``."""

    request: SupportRequest
    respond_by: datetime.date
    waiting_days: int
    late_days: int

    @property
    def overdue(self) -> bool:
        return self.late_days > 0


def open_support_requests(people: QuerySet[YoungPerson], day: datetime.date) -> list[OpenRequest]:
    """The current requests for support of ``people`` still waiting for assessment, oldest first."""
    limit = datetime.timedelta(days=SUPPORT_REQUEST_DAYS)
    found = SupportRequest.objects.filter(
        person__in=people, superseded_at__isnull=True, outcome=SupportRequest.Outcome.PENDING
    ).select_related("person__personal_adviser", "person__team")
    return [
        OpenRequest(
            request=request,
            respond_by=request.date + limit,
            waiting_days=(day - request.date).days,
            late_days=max(0, (day - (request.date + limit)).days),
        )
        for request in found.order_by("date", "pk")
    ]


def open_support_request_counts(people: QuerySet[YoungPerson], day: datetime.date) -> tuple[int, int]:
    """How many requests of ``people`` wait for assessment, and how many of those are past the time limit."""
    waiting = SupportRequest.objects.filter(
        person__in=people, superseded_at__isnull=True, outcome=SupportRequest.Outcome.PENDING
    )
    late = waiting.filter(date__lt=day - datetime.timedelta(days=SUPPORT_REQUEST_DAYS))
    return waiting.count(), late.count()


# EET outcomes and sustainment ---------------------------------------------------------------------

SUSTAIN_MONTHS = (3, 6, 12)
COURSE_ACTIVITIES = frozenset(
    {
        EETActivity.FURTHER_EDUCATION,
        EETActivity.HIGHER_EDUCATION,
        EETActivity.TRAINEESHIP,
        EETActivity.SUPPORTED_INTERNSHIP,
    }
)
COMPLETED_OUTCOMES = frozenset({EETSpell.Outcome.COMPLETED, EETSpell.Outcome.QUALIFICATION})


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    return _months_before(day, -months)


@dataclass(frozen=True)
class EETStart:
    """One EET activity's start and whether the young person was still in EET (without a day's break,
    through whatever activities followed) 3, 6 and 12 months on; ``None`` while that date is after the
    date asked about."""

    person_id: int
    spell_id: int
    activity: str
    start: datetime.date
    sustained: dict[int, bool | None]


def eet_starts(people: QuerySet[YoungPerson], *, as_at: datetime.date) -> list[EETStart]:
    """Every EET start of ``people`` on or before ``as_at``, with its sustainment (``SUSTAIN_MONTHS``),
    derived from the EET history alone: every start, not only those through an opportunity.

    Each EET spell is a start. An activity followed the next day by another EET activity (college,
    then an apprenticeship) is one unbroken run; a start is sustained at N months when its run lasts
    to the day N months on. Only days up to ``as_at`` are looked at, so a past date gives the figure
    it gave then (as the history now stands). One query.
    """
    rows = (
        EETSpell.objects.filter(
            person__in=people, superseded_at__isnull=True, activity__in=EET_ACTIVITIES, start__lte=as_at
        )
        .order_by("person_id", "start", "id")
        .values_list("person_id", "id", "activity", "start", "end")
    )
    by_person: dict[int, list[tuple[int, str, datetime.date, datetime.date | None]]] = {}
    for person_id, pk, activity, start, end in rows:
        by_person.setdefault(person_id, []).append((pk, activity, start, end))
    found: list[EETStart] = []
    for person_id, spells in by_person.items():
        # The end of the unbroken EET run each spell belongs to, walking back from the last.
        run_end: list[datetime.date | None] = [None] * len(spells)
        following: datetime.date | None = None
        following_start: datetime.date | None = None
        for index in range(len(spells) - 1, -1, -1):
            _pk, _activity, start, end = spells[index]
            joins = (
                end is not None and following_start is not None and following_start <= end + datetime.timedelta(days=1)
            )
            if end is None:
                run_end[index] = None
            elif joins:
                run_end[index] = following if following is None else max(following, end)
            else:
                run_end[index] = end
            following, following_start = run_end[index], start
        for index, (pk, activity, start, _end) in enumerate(spells):
            sustained: dict[int, bool | None] = {}
            for months in SUSTAIN_MONTHS:
                due = months_after(start, months)
                ends = run_end[index]
                sustained[months] = None if due > as_at else (ends is None or ends >= due)
            found.append(EETStart(person_id, pk, activity, start, sustained))
    return found


def current_eet_spell(person: YoungPerson, pk: int) -> EETSpell | None:
    """One of the young person's current (not corrected) EET records, or ``None``."""
    return EETSpell.objects.filter(person=person, pk=pk, superseded_at__isnull=True).first()


def qualifications_gained(
    people: QuerySet[YoungPerson], *, start: datetime.date, end: datetime.date
) -> QuerySet[EETSpell]:
    """Qualifications recorded on the EET history of ``people`` gained from ``start`` to ``end`` inclusive."""
    return EETSpell.objects.filter(
        person__in=people,
        superseded_at__isnull=True,
        qualification_date__gte=start,
        qualification_date__lte=end,
    ).exclude(qualification_level="")


def activities_ended(
    people: QuerySet[YoungPerson], *, activities: frozenset[str], start: datetime.date, end: datetime.date
) -> QuerySet[EETSpell]:
    """Activities of those kinds that ended from ``start`` to ``end`` with a known outcome: not those
    whose outcome is blank or "still going when the record closed", which neither completed nor failed."""
    return (
        EETSpell.objects.filter(
            person__in=people,
            superseded_at__isnull=True,
            activity__in=activities,
            end__gte=start,
            end__lte=end,
        )
        .exclude(outcome="")
        .exclude(outcome=EETSpell.Outcome.STILL_GOING)
    )


# Careers guidance, pathway plans, higher education, placements and workers ---------------------------
#
# The records shown on the young person's page, and the counts the people app registers as indicators
# (``people.registry``). Each count is a pure function of the young people and a date: only current
# (not corrected) records, dated on or before it.

PLACEMENT_MOVES = frozenset({"P", "T", "B", "U"})  # SSDA903 RNE codes for a new placement


def current_of(timeline: list[TimelineEntry], model: type[Any]) -> list[Any]:
    """The current (not corrected) records of ``model`` in a young person's ``timeline``, newest first: the
    sections of their page read them from the timeline already fetched rather than query again."""
    found = [entry.record for entry in timeline if isinstance(entry.record, model) and not entry.superseded]
    return sorted(found, key=lambda record: (record.date, record.pk), reverse=True)


def he_application_of(person: YoungPerson, pk: int) -> HEApplication | None:
    """One of the young person's higher education applications, or ``None``; a superseded one too, so that a
    page opened before someone else moved it on is refused with a message rather than not found."""
    return HEApplication.objects.filter(person=person, pk=pk).first()


def academic_year_first(day: datetime.date) -> datetime.date:
    """1 September of the academic year ``day`` falls in."""
    return datetime.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def looked_after_on(people: QuerySet[YoungPerson], day: datetime.date) -> QuerySet[YoungPerson]:
    """Those of ``people`` looked after on ``day``: an episode (not a short break) covering it, as the
    indicators read it (an episode ending on the day no longer counts)."""
    covering = CareEpisode.objects.filter(person=OuterRef("pk"), start__lte=day).filter(
        Q(end__isnull=True) | Q(end__gt=day)
    )
    return people.filter(Exists(covering.exclude(legal_status__in=sorted(SHORT_BREAK_STATUSES))))


def in_school_year(people: QuerySet[YoungPerson], day: datetime.date, year: int) -> QuerySet[YoungPerson]:
    """Those of ``people`` in school Year ``year`` on ``day`` (academic age ``year + 4`` on the 31 August
    before: ``school_year_on``)."""
    august = academic_year_first(day) - datetime.timedelta(days=1)
    return people.filter(
        date_of_birth__lte=years_before(august, year + 4), date_of_birth__gt=years_before(august, year + 5)
    )


def year_11_guidance(people: QuerySet[YoungPerson], day: datetime.date) -> tuple[int, int]:
    """(those with an appointment attended, the cohort): the cohort is ``people`` in Year 11 and looked after
    on ``day``; an appointment counts when it was attended from 1 September of the academic year to ``day``."""
    cohort = looked_after_on(in_school_year(people, day, 11), day)
    attended = GuidanceAppointment.objects.filter(
        person=OuterRef("pk"),
        superseded_at__isnull=True,
        attendance=GuidanceAppointment.Attendance.ATTENDED,
        date__gte=academic_year_first(day),
        date__lte=day,
    )
    return cohort.filter(Exists(attended)).count(), cohort.count()


def aged_15_and_a_half_by(dob: datetime.date, day: datetime.date) -> bool:
    return months_after(categories.birthday(dob, 15), 6) <= day


def children_in_care_with_pathway_plans(people: QuerySet[YoungPerson], day: datetime.date) -> tuple[int, int]:
    """(those with a pathway plan, the cohort): the cohort is ``people`` looked after on ``day`` aged 15 years
    6 months or more; a plan is in place when a pathway plan review is recorded on or before ``day``."""
    planned = PathwayPlanReview.objects.filter(person=OuterRef("pk"), superseded_at__isnull=True, date__lte=day)
    rows = (
        looked_after_on(people.filter(date_of_birth__lte=years_before(day, 15)), day)
        .annotate(planned=Exists(planned))
        .values_list("date_of_birth", "planned")
    )
    cohort = [planned for dob, planned in rows if aged_15_and_a_half_by(dob, day)]
    return sum(cohort), len(cohort)


def pathway_audits_between(
    people: QuerySet[YoungPerson], *, start: datetime.date, end: datetime.date
) -> QuerySet[PathwayPlanAudit]:
    return PathwayPlanAudit.objects.filter(
        person__in=people, superseded_at__isnull=True, date__gte=start, date__lte=end
    )


def he_applications_between(
    people: QuerySet[YoungPerson], *, start: datetime.date, end: datetime.date
) -> QuerySet[HEApplication]:
    """Applications to higher education made from ``start`` to ``end``."""
    return HEApplication.objects.filter(person__in=people, superseded_at__isnull=True, date__gte=start, date__lte=end)


def he_starts_between(
    people: QuerySet[YoungPerson], *, start: datetime.date, end: datetime.date
) -> QuerySet[HEApplication]:
    """Starts of higher education from ``start`` to ``end`` (applications whose status is "started", on the
    date of the start)."""
    return HEApplication.objects.filter(
        person__in=people,
        superseded_at__isnull=True,
        status=HEApplication.Status.STARTED,
        status_date__gte=start,
        status_date__lte=end,
    )


def placement_moves_between(
    people: QuerySet[YoungPerson], *, start: datetime.date, end: datetime.date
) -> QuerySet[CareEpisode]:
    """Care episodes that began with a new placement (``PLACEMENT_MOVES``) from ``start`` to ``end``."""
    return CareEpisode.objects.filter(
        person__in=people, reason_new_episode__in=sorted(PLACEMENT_MOVES), start__gte=start, start__lte=end
    )


def workers_per_person(people: QuerySet[YoungPerson], *, start: datetime.date, end: datetime.date) -> dict[int, int]:
    """For each of ``people`` with a worker allocated at any time from ``start`` to ``end``, how many different
    workers (in any role; one who does not use Onward counted by name)."""
    rows = (
        Allocation.objects.filter(person__in=people, superseded_at__isnull=True, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .values_list("person_id", "worker_id", "worker_name")
    )
    found: dict[int, set[object]] = {}
    for person_id, worker_id, name in rows:
        found.setdefault(person_id, set()).add(worker_id if worker_id is not None else name.strip().lower())
    return {person_id: len(workers) for person_id, workers in found.items()}
