"""The network app's access policy: which settings, agreements, lists, setting histories, benefit
records and work coaches a user may see and change. Built on ``onward.accounts.access`` (the council
boundary, ``people_visible_to``); nothing here widens it.

| record | who sees it | who changes it |
|---|---|---|
| setting, work coach | any staff of the council that keeps it (reference data, no personal data) | ``MANAGE_SETTINGS`` |
| sharing agreement | the council's staff with ``MANAGE_AGREEMENTS`` or ``EXCHANGE_LISTS`` | ``MANAGE_AGREEMENTS`` |
| on-roll list (matched) | the council's staff with ``EXCHANGE_LISTS`` | ``EXCHANGE_LISTS`` |
| setting history, benefit status | whoever sees the young person (``people_visible_to``) | ``CHANGE_PEOPLE`` or ``CHANGE_EDUCATION`` (settings); ``CHANGE_PEOPLE`` (benefits) |

Partners' users and another council's staff see none of it; "missing" and "not yours" are both 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from onward.accounts import access
from onward.accounts.models import Organisation, User
from onward.accounts.permissions import Perm
from onward.network.models import Agreement, BenefitSpell, RollList, Setting, SettingSpell, WorkCoach
from onward.people import access as people_access
from onward.people.models import YoungPerson


def _council(user: User) -> Organisation | None:
    return access.council_of(user)


# Settings and work coaches: the council's reference data --------------------------------------------


def settings_visible_to(user: User) -> QuerySet[Setting]:
    council = _council(user)
    if council is None:
        return Setting.objects.none()
    return Setting.objects.filter(council=council).select_related("organisation")


def access_setting(user: User, pk: object, *, for_change: bool = False) -> Setting:
    if for_change and not user.can(Perm.MANAGE_SETTINGS):
        raise Http404
    result: Setting = access.get_or_404(settings_visible_to(user), pk)
    return result


def setting_organisations_for(user: User) -> QuerySet[Organisation]:
    """The partner organisations a setting may be linked to: the council's live partners."""
    council = _council(user)
    if council is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=access.partner_ids(council)).order_by("name")


def work_coaches_visible_to(user: User) -> QuerySet[WorkCoach]:
    council = _council(user)
    if council is None:
        return WorkCoach.objects.none()
    return WorkCoach.objects.filter(council=council)


def access_work_coach(user: User, pk: object, *, for_change: bool = False) -> WorkCoach:
    if for_change and not user.can(Perm.MANAGE_SETTINGS):
        raise Http404
    result: WorkCoach = access.get_or_404(work_coaches_visible_to(user), pk)
    return result


# Agreements and lists ---------------------------------------------------------------------------------

AGREEMENT_PERMS = (Perm.MANAGE_AGREEMENTS, Perm.EXCHANGE_LISTS)


def agreements_visible_to(user: User) -> QuerySet[Agreement]:
    council = _council(user)
    if council is None or not user.can_any(AGREEMENT_PERMS):
        return Agreement.objects.none()
    return Agreement.objects.filter(council=council).select_related("partner", "setting")


def access_agreement(user: User, pk: object, *, for_change: bool = False) -> Agreement:
    if for_change and not user.can(Perm.MANAGE_AGREEMENTS):
        raise Http404
    result: Agreement = access.get_or_404(agreements_visible_to(user), pk)
    return result


def roll_lists_visible_to(user: User) -> QuerySet[RollList]:
    council = _council(user)
    if council is None or not user.can(Perm.EXCHANGE_LISTS):
        return RollList.objects.none()
    return RollList.objects.filter(council=council).select_related("setting", "created_by")


def access_roll_list(user: User, pk: object) -> RollList:
    result: RollList = access.get_or_404(roll_lists_visible_to(user), pk)
    return result


def list_people(user: User) -> QuerySet[YoungPerson]:
    """The young people a list exchange may name: every one the user sees (council-wide roles: the whole
    council), and only for those who exchange lists."""
    if not user.can(Perm.EXCHANGE_LISTS):
        return YoungPerson.objects.none()
    return people_access.people_visible_to(user)


# Young people's setting and benefit histories ----------------------------------------------------------


def setting_spells_visible_to(user: User) -> QuerySet[SettingSpell]:
    return SettingSpell.objects.filter(person__in=people_access.people_visible_to(user)).select_related(
        "setting", "person"
    )


def setting_spells_at(user: User, setting: Setting) -> QuerySet[SettingSpell]:
    """The current records of the young people the user sees at ``setting`` (already authorised)."""
    return setting_spells_visible_to(user).filter(setting=setting, superseded_at__isnull=True)


def access_setting_spell(user: User, pk: object) -> SettingSpell:
    result: SettingSpell = access.get_or_404(setting_spells_visible_to(user), pk)
    return result


def can_change_setting_history(user: User) -> bool:
    return people_access.can_change_education(user)


def benefit_spells_visible_to(user: User) -> QuerySet[BenefitSpell]:
    return BenefitSpell.objects.filter(person__in=people_access.people_visible_to(user)).select_related(
        "work_coach", "person"
    )


def access_benefit_spell(user: User, pk: object) -> BenefitSpell:
    result: BenefitSpell = access.get_or_404(benefit_spells_visible_to(user), pk)
    return result


def can_change_benefits(user: User) -> bool:
    return people_access.can_change_person(user)
