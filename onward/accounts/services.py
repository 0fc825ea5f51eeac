"""Changes to organisations, teams, users and roles. Each owns its transaction and its audit entry."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from onward.accounts.models import Organisation, Partnership, Team, User
from onward.accounts.permissions import ROLES, ROLES_BY_KEY
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record, diff, snapshot
from onward.core.concurrency import lock_for_change

Action = AuditEvent.Action


# Roles ---------------------------------------------------------------------------------------


def roles_sync() -> None:
    """Make sure a group exists for every role in the catalogue (idempotent)."""
    for role in ROLES:
        Group.objects.get_or_create(name=role.key)


def roles_sync_after_migrate(**kwargs: Any) -> None:
    roles_sync()


def _validate_roles(*, organisation: Organisation, role_keys: set[str]) -> None:
    unknown = role_keys - set(ROLES_BY_KEY)
    if unknown:
        raise ValidationError({"roles": "Select roles from the list"})
    for key in role_keys:
        role = ROLES_BY_KEY[key]
        if role.for_partners and organisation.is_council:
            raise ValidationError({"roles": f"{role.name} is a role for partner organisations' users only"})
        if not role.for_partners and not organisation.is_council:
            raise ValidationError({"roles": f"{role.name} is a role for council staff only"})


def _user_state(user: User) -> dict[str, Any]:
    state = snapshot(user, exclude=("last_login", "version"))
    state["roles"] = sorted(user.groups.values_list("name", flat=True))
    state["teams"] = sorted(user.teams.values_list("name", flat=True))
    return state


def _set_roles_and_teams(*, user: User, role_keys: set[str], teams: list[Team]) -> None:
    roles_sync()
    user.groups.set(Group.objects.filter(name__in=role_keys))
    user.teams.set(teams)
    user.__dict__.pop("role_keys", None)
    user.__dict__.pop("permissions", None)


def _validate_teams(*, organisation: Organisation, teams: list[Team]) -> None:
    if any(team.council_id != organisation.pk for team in teams):
        raise ValidationError({"teams": "Select teams of the user's own council"})


@transaction.atomic
def user_create(
    *,
    acting_user: User | None,
    council: Organisation,
    organisation: Organisation,
    email: str,
    given_name: str,
    family_name: str,
    job_title: str = "",
    role_keys: set[str],
    teams: list[Team] | None = None,
    password: str | None = None,
) -> User:
    """Add a user to ``council`` or one of its partner organisations.

    Without a password the user cannot sign in until they follow a set-password link
    (:func:`user_set_password_link`).
    """
    teams = teams or []
    if organisation != council and not Partnership.objects.filter(council=council, partner=organisation).exists():
        raise ValidationError({"organisation": "Select the council or one of its partner organisations"})
    _validate_roles(organisation=organisation, role_keys=role_keys)
    _validate_teams(organisation=organisation, teams=teams)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "A user with this email address already exists"})
    user = User(
        email=email,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        job_title=job_title.strip(),
        organisation=organisation,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _set_roles_and_teams(user=user, role_keys=role_keys, teams=teams)
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=council,
        obj=user,
        changes=diff({}, _user_state(user)),
        summary="Added user",
    )
    return user


@transaction.atomic
def user_update(
    *,
    acting_user: User,
    council: Organisation,
    user: User,
    version: int,
    given_name: str,
    family_name: str,
    job_title: str,
    role_keys: set[str],
    teams: list[Team],
    is_active: bool,
) -> User:
    """Change a user's details, roles, teams or whether they may sign in.

    ``version`` is the version the editor saw; if the user was saved since, the change is refused
    (``core.concurrency.lock_for_change``) rather than silently overwriting it.
    """
    locked = lock_for_change(User, user.pk, version, "user")
    if locked.pk == acting_user.pk and not is_active:
        raise ValidationError({"is_active": "You cannot deactivate your own account"})
    if locked.pk == acting_user.pk and "administrator" not in role_keys:
        raise ValidationError({"roles": "You cannot remove the administrator role from yourself"})
    _validate_roles(organisation=locked.organisation, role_keys=role_keys)
    _validate_teams(organisation=locked.organisation, teams=teams)
    before = _user_state(locked)
    locked.given_name = given_name.strip()
    locked.family_name = family_name.strip()
    locked.job_title = job_title.strip()
    locked.is_active = is_active
    locked.version = version + 1
    locked.full_clean(exclude=["password"])
    locked.save()
    _set_roles_and_teams(user=locked, role_keys=role_keys, teams=teams)
    changes = diff(before, _user_state(locked))
    audit_record(actor=acting_user, action=Action.CHANGE, council=council, obj=locked, changes=changes)
    return locked


@transaction.atomic
def user_set_password_link(*, acting_user: User | None, council: Organisation, user: User) -> str:
    """A one-use link (valid for PASSWORD_RESET_TIMEOUT) for ``user`` to choose a password.

    Returns the path; the administrator gives it to the user. Using the link, or a later
    sign-in, invalidates it.
    """
    if not user.is_active:
        raise ValidationError("This user is deactivated: reactivate them before issuing a link")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=council,
        obj=user,
        summary="Issued a set-password link",
    )
    return reverse("accounts:set-password", kwargs={"uidb64": uid, "token": token})


# Teams ---------------------------------------------------------------------------------------


def _validate_team_name(*, council: Organisation, name: str, exclude_pk: int | None = None) -> str:
    name = name.strip()
    clash = Team.objects.filter(council=council, name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": "A team with this name already exists"})
    return name


@transaction.atomic
def team_create(*, acting_user: User | None, council: Organisation, name: str, description: str = "") -> Team:
    team = Team(council=council, name=_validate_team_name(council=council, name=name), description=description.strip())
    team.full_clean()
    team.save()
    audit_record(actor=acting_user, action=Action.CREATE, council=council, obj=team, changes=diff({}, snapshot(team)))
    return team


@transaction.atomic
def team_update(*, acting_user: User, team: Team, version: int, name: str, description: str) -> Team:
    locked = lock_for_change(Team, team.pk, version, "team")
    before = snapshot(locked, exclude=("version",))
    locked.name = _validate_team_name(council=locked.council, name=name, exclude_pk=locked.pk)
    locked.description = description.strip()
    locked.version = version + 1
    locked.full_clean()
    locked.save()
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.council,
        obj=locked,
        changes=diff(before, snapshot(locked, exclude=("version",))),
    )
    return locked


# Organisations -------------------------------------------------------------------------------


@transaction.atomic
def council_create(*, name: str) -> Organisation:
    """A new tenant. Run by the platform operator (``manage.py create_council``), not in the app."""
    council = Organisation(name=name.strip(), kind=Organisation.Kind.COUNCIL)
    council.full_clean()
    council.save()
    audit_record(actor=None, action=Action.CREATE, council=council, obj=council, summary="Council created")
    return council


@transaction.atomic
def partner_add(*, acting_user: User | None, council: Organisation, name: str, kind: str) -> Organisation:
    """Record that an organisation works with ``council``.

    Organisations are shared between councils: if one of this name already uses Onward (with
    another council), it is linked rather than duplicated; its kind must then match.
    """
    name = name.strip()
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing is not None:
        if existing.pk == council.pk:
            raise ValidationError({"name": "That is your own council"})
        if existing.kind != kind:
            raise ValidationError({"kind": f"{existing.name} is already recorded as: {existing.get_kind_display()}"})
        if Partnership.objects.filter(council=council, partner=existing).exists():
            raise ValidationError({"name": f"{existing.name} already works with your council"})
        partner = existing
    else:
        partner = Organisation(name=name, kind=kind)
        partner.full_clean()
        partner.save()
    partnership = Partnership(council=council, partner=partner)
    partnership.full_clean()
    partnership.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=council,
        obj=partnership,
        summary=f"{partner.name} now works with the council",
    )
    return partner


# Two-factor sign-in --------------------------------------------------------------------------


@transaction.atomic
def two_factor_device_start(*, user: User) -> Any:
    """The authenticator the user is setting up: an unconfirmed TOTP device, made once."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


class CodeCheck(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    THROTTLED = "throttled"


def _check_code(device: Any, token: str) -> CodeCheck:
    """Check a code against a device, honouring django-otp's throttling after wrong codes."""
    if not device.verify_is_allowed()[0]:
        return CodeCheck.THROTTLED
    return CodeCheck.ACCEPTED if device.verify_token(token) else CodeCheck.WRONG


@transaction.atomic
def two_factor_device_confirm(*, user: User, token: str) -> CodeCheck:
    """Confirm the user's pending authenticator with a code from it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        return CodeCheck.WRONG
    result = _check_code(device, token)
    if result != CodeCheck.ACCEPTED:
        return result
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    audit_record(
        actor=user,
        action=Action.CHANGE,
        council=user.organisation if user.organisation.is_council else None,
        obj=user,
        summary="Set up two-factor sign-in",
    )
    return result


@transaction.atomic
def two_factor_check(*, user: User, token: str) -> tuple[CodeCheck, Any]:
    """Check a sign-in code against the user's confirmed authenticator; returns the device too."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.select_for_update().get(user=user, confirmed=True)
    return _check_code(device, token), device


@transaction.atomic
def sign_in_record(*, user: User, second_factor: bool = False) -> None:
    audit_record(
        actor=user,
        action=Action.SIGN_IN,
        council=user.organisation if user.organisation.is_council else None,
        obj=user,
        summary="Completed two-factor sign-in" if second_factor else "Signed in with email and password",
    )


@transaction.atomic
def sign_out_record(*, user: User) -> None:
    audit_record(
        actor=user,
        action=Action.SIGN_OUT,
        council=user.organisation if user.organisation.is_council else None,
        obj=user,
        summary="Signed out",
    )
