"""The case closure letter: what support remains after a case closes, until when, and how to ask again.

``closure_letter(person, closure, ...)`` gathers the letter as a plain dataclass from records the caller has
already authorised; ``build_pdf`` lays it out with WeasyPrint from ``templates/supporters/closure_letter.html``
(as ``onward/plans/documents.py`` does for committee documents). Nothing is stored: the letter is made on request.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from onward.people import categories
from onward.people.categories import Category, birthday
from onward.people.models import CaseClosure, YoungPerson
from onward.people.selectors import category_of
from onward.supporters.models import Carer, EHCPlan, MentorMatch, MoveOnPlan

NO_LETTER = {CaseClosure.Reason.DIED}
"""Closures after which no letter is written to the young person."""

CAN_ASK_AGAIN = {
    Category.FORMER_RELEVANT,
    Category.FORMER_RELEVANT_21_25,
    Category.RELEVANT,
    Category.QUALIFYING,
    Category.ELIGIBLE,
}


@dataclass(frozen=True)
class Remaining:
    what: str
    until: datetime.date | None


@dataclass(frozen=True)
class ClosureLetter:
    council: str
    name: str
    written_on: datetime.date
    closed_on: datetime.date
    reason: str
    entitlement: str
    ask_again_until: datetime.date | None
    adviser: str
    adviser_email: str
    remaining: list[Remaining] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return f"closure-letter-{self.closed_on:%Y-%m-%d}.pdf"


def closure_letter(
    *,
    person: YoungPerson,
    closure: CaseClosure,
    category: Category,
    matches: list[MentorMatch],
    carers: list[Carer],
    ehc_plans: list[EHCPlan],
    move_on: list[MoveOnPlan],
    day: datetime.date,
) -> ClosureLetter:
    """The letter for ``closure`` written on ``day``: the support that goes on after the closure date (mentoring,
    staying put, an EHC plan, a planned move) and, for a care leaver, the right to ask again until 25."""
    after = closure.date
    remaining = [Remaining(f"Mentoring with {m.mentor.name}", m.end) for m in matches if m.end is None or m.end > after]
    remaining += [
        Remaining(f"Living with {c.name} ({c.get_kind_display().lower()})", c.end)
        for c in carers
        if c.kind in (Carer.Kind.STAYING_PUT, Carer.Kind.SUPPORTED_LODGINGS) and (c.end is None or c.end > after)
    ]
    remaining += [
        Remaining("Your education, health and care plan", p.ceases_on)
        for p in ehc_plans
        if p.ceases_on is None or p.ceases_on > after
    ]
    remaining += [
        Remaining(f"Your planned move to {p.get_planned_type_display().lower()}", p.planned_on)
        for p in move_on
        if p.status == MoveOnPlan.Status.PLANNED
    ]
    ask_until = birthday(person.date_of_birth, 25) if category in CAN_ASK_AGAIN else None
    if ask_until is not None and ask_until <= day:
        ask_until = None
    adviser = person.personal_adviser
    return ClosureLetter(
        council=person.council.name,
        name=person.display_name,
        written_on=day,
        closed_on=closure.date,
        reason=closure.get_reason_display(),
        entitlement=categories.entitlement(category),
        ask_again_until=ask_until,
        adviser=adviser.full_name if adviser else "",
        adviser_email=adviser.email if adviser else "",
        remaining=remaining,
    )


def render_html(letter: ClosureLetter) -> str:
    return render_to_string("supporters/closure_letter.html", {"letter": letter})


def build_pdf(letter: ClosureLetter) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(letter)).write_pdf()
    return pdf


def latest_closure_for_letter(person: YoungPerson) -> CaseClosure | None:
    """The young person's latest current case closure, if a letter is written after it (not after a death)."""
    closure = CaseClosure.objects.filter(person=person, superseded_at__isnull=True).order_by("-date", "-id").first()
    if closure is None or closure.reason in NO_LETTER:
        return None
    return closure


def own_closure_letter(*, person: YoungPerson, day: datetime.date) -> tuple[CaseClosure, ClosureLetter] | None:
    """The letter for the young person themself (the portal's copy): the same letter staff make, from the
    young person's own records only. The caller has authorised ``person`` (the portal's own account)."""
    closure = latest_closure_for_letter(person)
    if closure is None:
        return None
    letter = closure_letter(
        person=person,
        closure=closure,
        category=category_of(person, closure.date),
        matches=list(MentorMatch.objects.filter(person=person).select_related("mentor")),
        carers=list(Carer.objects.filter(person=person)),
        ehc_plans=list(EHCPlan.objects.filter(person=person)),
        move_on=list(MoveOnPlan.objects.filter(person=person)),
        day=day,
    )
    return closure, letter
