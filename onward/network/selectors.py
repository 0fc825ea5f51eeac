"""Reads of the network app. Young people's records come in as querysets the caller took from the
access policies (``onward.network.access``); every query here narrows them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from onward.accounts import access
from onward.accounts.models import Organisation
from onward.network import rules
from onward.network.models import SHAREABLE_FIELDS, Agreement, BenefitSpell, Setting, SettingSpell
from onward.people import selectors as people_selectors
from onward.people.models import EETSpell, Spell, YoungPerson


def agreement_in_force(
    council: Organisation,
    day: datetime.date,
    *,
    setting: Setting | None = None,
    partner_kind: str | None = None,
) -> Agreement | None:
    """The agreement in force on ``day`` that lets the council send a list to ``setting`` (naming the
    setting, or the partner organisation the setting is), or to a partner of ``partner_kind``; None if
    there is none. The latest to start wins when several are."""
    agreements = (
        Agreement.objects.filter(council=council, start__lte=day, end__gte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        # An agreement with a partner organisation lapses with the partnership (ADR 14: live links only).
        .filter(Q(partner__isnull=True) | Q(partner_id__in=access.partner_ids(council)))
    )
    if setting is not None:
        names = Q(setting=setting)
        if setting.organisation_id is not None:
            names |= Q(partner_id=setting.organisation_id, setting__isnull=True)
        agreements = agreements.filter(names)
    elif partner_kind is not None:
        agreements = agreements.filter(partner__kind=partner_kind)
    else:
        return None
    return agreements.select_related("partner", "setting").order_by("-start", "-id").first()


def in_care_or_care_leavers(people: QuerySet[YoungPerson], day: datetime.date) -> QuerySet[YoungPerson]:
    """Every child in care and care leaver among ``people`` on ``day``, with ``category``."""
    return people_selectors.in_care_or_care_leavers(people, day)


def _current(
    model: type[Spell], people: QuerySet[YoungPerson], day: datetime.date, related: tuple[str, ...] = ()
) -> dict[int, Any]:
    spells = model._default_manager.filter(person__in=people.values("pk")).filter(model.covering(day))
    spells = spells.select_related(*related)
    return {spell.person_id: spell for spell in spells.order_by("start", "id")}


def settings_on(people: QuerySet[YoungPerson], day: datetime.date) -> dict[int, SettingSpell]:
    return _current(SettingSpell, people, day, ("setting",))


def benefits_on(people: QuerySet[YoungPerson], day: datetime.date) -> dict[int, BenefitSpell]:
    return _current(BenefitSpell, people, day, ("work_coach",))


@dataclass(frozen=True)
class OnRoll:
    person: YoungPerson
    spell: SettingSpell
    school_year: int


def on_roll_at(people: QuerySet[YoungPerson], setting: Setting, day: datetime.date) -> list[OnRoll]:
    """The children in care and care leavers among ``people`` on roll at ``setting`` on ``day``."""
    spells = (
        SettingSpell.objects.filter(person__in=in_care_or_care_leavers(people, day).values("pk"))
        .filter(SettingSpell.covering(day), setting=setting)
        .select_related("person")
        .order_by("person__legal_family_name", "person__legal_given_name", "id")
    )
    categories = dict(in_care_or_care_leavers(people, day).values_list("pk", "category"))  # type: ignore[misc]
    found = []
    for spell in spells:
        spell.person.category = categories.get(spell.person_id, "")  # type: ignore[attr-defined]
        found.append(OnRoll(spell.person, spell, people_selectors.school_year_on(spell.person.date_of_birth, day)))
    return found


def school_years(
    people: QuerySet[YoungPerson], day: datetime.date, years: list[int]
) -> list[tuple[Setting | None, list[OnRoll]]]:
    """Children in care and care leavers in ``years`` (school years) by setting on ``day``; those with no
    setting recorded last, under None."""
    chosen = [
        p
        for p in in_care_or_care_leavers(people, day)
        if people_selectors.school_year_on(p.date_of_birth, day) in years
    ]
    spells = settings_on(people.filter(pk__in=[p.pk for p in chosen]), day)
    groups: dict[int | None, list[OnRoll]] = {}
    named: dict[int | None, Setting | None] = {None: None}
    for person in chosen:
        spell = spells.get(person.pk)
        key = spell.setting_id if spell else None
        if spell:
            named[key] = spell.setting
        groups.setdefault(key, []).append(
            OnRoll(person, spell, people_selectors.school_year_on(person.date_of_birth, day))  # type: ignore[arg-type]
        )
    ordered = sorted((k for k in groups if k is not None), key=lambda k: str(named[k]))
    result = [(named[k], sorted(groups[k], key=lambda r: (r.school_year, r.person.legal_family_name))) for k in ordered]
    if None in groups:
        result.append((None, sorted(groups[None], key=lambda r: (r.school_year, r.person.legal_family_name))))
    return result


def _value(key: str, person: YoungPerson, day: datetime.date, extra: dict[str, Any]) -> object:
    setting_spell = extra.get("setting")
    benefit = extra.get("benefit")
    eet = extra.get("eet")
    values: dict[str, object] = {
        "child_id": person.child_id,
        "upn": person.upn,
        "name": person.legal_name,
        "date_of_birth": person.date_of_birth,
        "school_year": people_selectors.school_year_on(person.date_of_birth, day),
        "status": rules.status_label(getattr(person, "category", "")),
        "on_roll_from": setting_spell.start if setting_spell else None,
        "eet_activity": eet.get_activity_display() if eet else "",
        "benefit": f"{benefit.get_benefit_display()}: {benefit.get_status_display()}" if benefit else "",
        "work_coach": str(benefit.work_coach) if benefit and benefit.work_coach else "",
        "personal_adviser": person.personal_adviser.full_name if person.personal_adviser else "",
    }
    return values[key]


def list_columns(agreement: Agreement) -> list[str]:
    """The columns an agreement allows, in the catalogue's order (never one it does not name)."""
    return [key for key in SHAREABLE_FIELDS if key in agreement.fields]


def setting_list_rows(
    people: QuerySet[YoungPerson], setting: Setting, agreement: Agreement, day: datetime.date
) -> tuple[list[str], list[list[object]]]:
    """The list for a setting under ``agreement``: its young people on ``day``, the allowed columns only."""
    columns = list_columns(agreement)
    found = on_roll_at(people, setting, day)
    eet = _current(EETSpell, people.filter(pk__in=[r.person.pk for r in found]), day)
    rows = [
        [_value(c, r.person, day, {"setting": r.spell, "eet": eet.get(r.person.pk)}) for c in columns] for r in found
    ]
    return [SHAREABLE_FIELDS[c] for c in columns], rows


def jobcentre_list_rows(
    people: QuerySet[YoungPerson], agreement: Agreement, day: datetime.date
) -> tuple[list[str], list[list[object]]]:
    """The list for Jobcentre Plus: care leavers with a benefit claimed or applied for on ``day``."""
    columns = list_columns(agreement)
    leavers = in_care_or_care_leavers(people, day).select_related("personal_adviser")
    benefits = {
        pk: spell
        for pk, spell in benefits_on(leavers, day).items()
        if spell.benefit != BenefitSpell.Benefit.NONE and spell.status != BenefitSpell.Status.NOT_APPLICABLE
    }
    chosen = [p for p in leavers if p.pk in benefits]
    eet = _current(EETSpell, people.filter(pk__in=[p.pk for p in chosen]), day)
    settings = settings_on(people.filter(pk__in=[p.pk for p in chosen]), day)
    rows = [
        [
            _value(c, p, day, {"benefit": benefits[p.pk], "eet": eet.get(p.pk), "setting": settings.get(p.pk)})
            for c in columns
        ]
        for p in chosen
    ]
    return [SHAREABLE_FIELDS[c] for c in columns], rows


def candidates(people: QuerySet[YoungPerson], day: datetime.date) -> list[rules.Candidate]:
    """Every child in care and care leaver among ``people`` on ``day``, ready to match a list against."""
    return [
        rules.Candidate(
            pk=p.pk,
            upn=p.upn.strip().upper(),
            names=frozenset(n for n in (rules.normalise(p.legal_given_name), rules.normalise(p.preferred_name)) if n),
            family=rules.normalise(p.legal_family_name),
            born=p.date_of_birth,
        )
        for p in in_care_or_care_leavers(people, day).only(
            "pk", "upn", "legal_given_name", "preferred_name", "legal_family_name", "date_of_birth"
        )
    ]
