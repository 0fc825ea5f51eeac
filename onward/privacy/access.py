"""Who may see and act on data protection records (issue 22).

The data protection officer works outside the caseload: they reach a young person only by
looking them up for a request, a restriction or a hold, inside their own council, and see the
young person's data only in a subject access bundle. Restricted records are included here (the
officer must be able to answer a request about a restricted record, and lift a restriction),
which is why this scope is its own and is never used to show caseload pages.

As in ``onward.accounts.access``: ``<things>_visible_to(user)`` querysets, and
``access_<thing>(user, pk)`` raising ``Http404`` for "missing" and "not yours" alike.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from onward.accounts.access import council_of, get_or_404
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.people import access as people_access
from onward.people.models import AccommodationSpell, Contact, EETSpell, YoungPerson
from onward.privacy.models import LegalHold, RectificationRequest, Restriction, SubjectAccessRequest, Tombstone

PRIVACY_PERMS = (
    Perm.HANDLE_SUBJECT_ACCESS,
    Perm.APPROVE_SUBJECT_ACCESS,
    Perm.RESTRICT_RECORDS,
    Perm.MANAGE_RETENTION,
)


def people_for_privacy_office(user: User) -> QuerySet[YoungPerson]:
    """Young people of the user's council a data protection officer may name in a request, restriction or hold
    (restricted ones included); nobody for anyone else."""
    council = council_of(user)
    if council is None or not user.can_any(PRIVACY_PERMS):
        return YoungPerson.objects.none()
    return YoungPerson.objects.filter(council=council)


def find_person_for_privacy_office(user: User, child_id: str) -> YoungPerson | None:
    """The young person with this child identifier in the officer's council, if any."""
    return people_for_privacy_office(user).filter(child_id__iexact=child_id.strip()).first()


def access_privacy_person(user: User, pk: object) -> YoungPerson:
    result: YoungPerson = get_or_404(people_for_privacy_office(user), pk)
    return result


def requests_visible_to(user: User) -> QuerySet[SubjectAccessRequest]:
    council = council_of(user)
    if council is None or not user.can_any((Perm.HANDLE_SUBJECT_ACCESS, Perm.APPROVE_SUBJECT_ACCESS)):
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.filter(council=council).select_related("person")


def access_request(user: User, pk: object) -> SubjectAccessRequest:
    result: SubjectAccessRequest = get_or_404(requests_visible_to(user), pk)
    return result


CORRECTION_PERMS = (Perm.HANDLE_SUBJECT_ACCESS, Perm.CHANGE_PEOPLE)


def rectification_requests_visible_to(user: User) -> QuerySet[RectificationRequest]:
    """Requests to correct a record: the council's, to the data protection officer (who answers for the time
    limit); to staff who change young people's records, those about the young people they see (so a
    restricted record's requests only to the roles its restriction names); nobody else's."""
    council = council_of(user)
    if council is None:
        return RectificationRequest.objects.none()
    found = RectificationRequest.objects.filter(council=council).select_related("person")
    if user.can(Perm.HANDLE_SUBJECT_ACCESS):
        return found
    if user.can(Perm.CHANGE_PEOPLE):
        return found.filter(person__in=people_access.people_visible_to(user))
    return RectificationRequest.objects.none()


def access_rectification_request(user: User, pk: object) -> RectificationRequest:
    result: RectificationRequest = get_or_404(rectification_requests_visible_to(user), pk)
    return result


def access_person_to_correct(user: User, pk: object) -> YoungPerson:
    """A young person whose record the user may correct: one they see (restrictions apply) and may change."""
    if not user.can(Perm.CHANGE_PEOPLE):
        raise Http404
    return people_access.access_person(user, pk)


def person_named_for_correction(user: User, child_id: str) -> YoungPerson | None:
    """The young person a correction request is logged for: by the officer, anyone in the council; by other
    staff, only young people whose records they see."""
    if user.can_any(PRIVACY_PERMS):
        return find_person_for_privacy_office(user, child_id)
    if user.can(Perm.CHANGE_PEOPLE):
        return people_access.people_visible_to(user).filter(child_id__iexact=child_id.strip()).first()
    return None


def can_correct(user: User, person: YoungPerson) -> bool:
    return user.can(Perm.CHANGE_PEOPLE) and people_access.people_visible_to(user).filter(pk=person.pk).exists()


HISTORY_MODELS: dict[str, type[Model]] = {"eet": EETSpell, "accommodation": AccommodationSpell, "contact": Contact}
HISTORY_ORDER = {"eet": "-start", "accommodation": "-start", "contact": "-date"}


def history_to_correct(person: YoungPerson, limit: int = 20) -> dict[str, list[Any]]:
    """The young person's current history records a correction may change (``person`` already authorised)."""
    return {
        kind: list(
            model._default_manager.filter(person=person, superseded_at__isnull=True).order_by(
                HISTORY_ORDER[kind], "-pk"
            )[:limit]
        )
        for kind, model in HISTORY_MODELS.items()
    }


def history_record(person: YoungPerson, kind: str, pk: object) -> Any:
    """One current history record of ``person`` (already authorised), or 404."""
    return get_or_404(HISTORY_MODELS[kind]._default_manager.filter(person=person, superseded_at__isnull=True), pk)


def settings_for(user: User) -> QuerySet[Any]:
    """The council's schools, colleges and providers an EET record may name (through the spell's foreign key,
    as the people pages do)."""
    model = EETSpell._meta.get_field("setting").related_model
    return model._default_manager.filter(council=council_of(user)).order_by("name")  # type: ignore[union-attr]


def restrictions_visible_to(user: User) -> QuerySet[Restriction]:
    council = council_of(user)
    if council is None or not user.can(Perm.RESTRICT_RECORDS):
        return Restriction.objects.none()
    return Restriction.objects.filter(council=council).select_related("person", "restricted_by")


def access_restriction(user: User, pk: object) -> Restriction:
    result: Restriction = get_or_404(restrictions_visible_to(user), pk)
    return result


def holds_visible_to(user: User) -> QuerySet[LegalHold]:
    council = council_of(user)
    if council is None or not user.can(Perm.MANAGE_RETENTION):
        return LegalHold.objects.none()
    return LegalHold.objects.filter(council=council).select_related("person", "placed_by")


def access_hold(user: User, pk: object) -> LegalHold:
    result: LegalHold = get_or_404(holds_visible_to(user), pk)
    return result


def tombstones_visible_to(user: User) -> QuerySet[Tombstone]:
    council = council_of(user)
    if council is None or not user.can(Perm.MANAGE_RETENTION):
        return Tombstone.objects.none()
    return Tombstone.objects.filter(council=council)


def restricted_hidden_from(user: User, person_field: str = "pk") -> Q:
    """True for a young person (``OuterRef(person_field)``) under a live restriction naming none of
    ``user``'s roles: registered with ``people.restriction``, which every policy reaching a young
    person's records applies."""
    live = Restriction.objects.filter(person=OuterRef(person_field), lifted_at__isnull=True)
    for key in user.role_keys:
        live = live.exclude(allowed_roles__contains=f",{key},")
    return Q(Exists(live))
