"""Changes to organisations, teams, users and roles. Each owns its transaction and its audit entry."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from onward.accounts import domains as email_domains
from onward.accounts.models import (
    IdentityProvider,
    Organisation,
    OrganisationDomain,
    Partnership,
    ScimToken,
    Team,
    User,
)
from onward.accounts.permissions import ROLES, ROLES_BY_KEY, Perm
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record, diff, snapshot
from onward.core.concurrency import lock_for_change

Action = AuditEvent.Action
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,99}")


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
    state = snapshot(user, exclude=("last_login", "version", "session_epoch"))
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


def _admin_role(organisation: Organisation) -> str:
    """The role that manages an organisation's users: a council's administrator, or a partner administrator."""
    return "administrator" if organisation.is_council else "partner_administrator"


def _check_own_organisation(acting_user: User | None, organisation: Organisation) -> None:
    """An administrator manages the users of their own organisation only (ADR 14).

    ``acting_user`` is None only for the platform operator's commands and the demo loader.
    """
    if acting_user is not None and acting_user.organisation_id != organisation.pk:
        raise ValidationError({"organisation": "You can add and manage users of your own organisation only"})


def _check_email_domain(*, organisation: Organisation, email: str) -> None:
    """No organisation adds (or renames) a user into another organisation's verified email domain.

    An address at a domain nobody has verified is allowed (partners' staff may use any address);
    the message does not say whose the domain is.
    """
    domain = email_domains.email_domain(email)
    if OrganisationDomain.objects.filter(domain=domain).exclude(organisation=organisation).exists():
        raise ValidationError(
            {"email": f"{domain} is another organisation's email domain: enter an address at your own organisation"}
        )


def _user_add(
    *,
    organisation: Organisation,
    email: str,
    given_name: str,
    family_name: str,
    job_title: str,
    role_keys: set[str],
    teams: list[Team],
    password: str | None,
) -> User:
    _validate_roles(organisation=organisation, role_keys=role_keys)
    _validate_teams(organisation=organisation, teams=teams)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "A user with this email address already exists"})
    _check_email_domain(organisation=organisation, email=email)
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
    return user


@transaction.atomic
def user_create(
    *,
    acting_user: User | None,
    organisation: Organisation,
    email: str,
    given_name: str,
    family_name: str,
    job_title: str = "",
    role_keys: set[str],
    teams: list[Team] | None = None,
    password: str | None = None,
) -> User:
    """Add a user to the acting administrator's own organisation (a council, or a partner organisation).

    Without a password the user cannot sign in until they follow a set-password link
    (:func:`user_set_password_link`). The event is in the organisation's own audit trail.
    """
    _check_own_organisation(acting_user, organisation)
    user = _user_add(
        organisation=organisation,
        email=email,
        given_name=given_name,
        family_name=family_name,
        job_title=job_title,
        role_keys=role_keys,
        teams=teams or [],
        password=password,
    )
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=organisation,
        obj=user,
        changes=diff({}, _user_state(user)),
        summary="Added user",
    )
    return user


@transaction.atomic
def user_update(
    *,
    acting_user: User,
    user: User,
    version: int,
    given_name: str,
    family_name: str,
    job_title: str,
    role_keys: set[str],
    teams: list[Team],
    is_active: bool,
) -> User:
    """Change a user's details, roles, teams or whether they may sign in (own organisation's users only).

    ``version`` is the version the editor saw; if the user was saved since, the change is refused
    (``core.concurrency.lock_for_change``) rather than silently overwriting it.
    """
    locked = lock_for_change(User, user.pk, version, "user")
    _check_own_organisation(acting_user, locked.organisation)
    if locked.pk == acting_user.pk and not is_active:
        raise ValidationError({"is_active": "You cannot deactivate your own account"})
    if locked.pk == acting_user.pk and _admin_role(locked.organisation) not in role_keys:
        raise ValidationError({"roles": "You cannot remove the administrator role from yourself"})
    _validate_roles(organisation=locked.organisation, role_keys=role_keys)
    _validate_teams(organisation=locked.organisation, teams=teams)
    before = _user_state(locked)
    locked.given_name = given_name.strip()
    locked.family_name = family_name.strip()
    locked.job_title = job_title.strip()
    if locked.is_active and not is_active:
        locked.session_epoch += 1  # signed out of every session at their next request
    locked.is_active = is_active
    locked.version = version + 1
    locked.full_clean(exclude=["password"])
    locked.save()
    _set_roles_and_teams(user=locked, role_keys=role_keys, teams=teams)
    changes = diff(before, _user_state(locked))
    audit_record(actor=acting_user, action=Action.CHANGE, council=locked.organisation, obj=locked, changes=changes)
    return locked


def _password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:set-password", kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def user_set_password_link(*, acting_user: User | None, user: User) -> str:
    """A one-use link (valid for PASSWORD_RESET_TIMEOUT) for ``user`` to choose a password.

    Returns the path; the administrator of the user's own organisation gives it to the user.
    Using the link, or a later sign-in, invalidates it.
    """
    _check_own_organisation(acting_user, user.organisation)
    if not user.is_active:
        raise ValidationError("This user is deactivated: reactivate them before issuing a link")
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=user.organisation,
        obj=user,
        summary="Issued a set-password link",
    )
    return _password_link(user)


@transaction.atomic
def user_two_factor_reset(*, acting_user: User, user: User) -> User:
    """Remove ``user``'s authenticator (a lost or replaced phone): they set up a new one at their next
    sign-in, and every session they have now ends at its next request. Done by an administrator of the
    user's own organisation, never on their own account (another administrator confirms who asked),
    and audited in the organisation's trail."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _check_own_organisation(acting_user, user.organisation)
    if acting_user.pk == user.pk:
        raise ValidationError("Ask another administrator to reset your own two-factor sign-in")
    locked = User.objects.select_for_update().get(pk=user.pk)
    removed, _ = TOTPDevice.objects.filter(user=locked).delete()
    if not removed:
        raise ValidationError(f"{locked.full_name} has no two-factor sign-in set up: there is nothing to reset")
    locked.session_epoch += 1  # a session verified with the old authenticator ends too
    locked.save(update_fields=["session_epoch"])
    audit_record(
        actor=acting_user,
        action=Action.CHANGE,
        council=locked.organisation,
        obj=locked,
        summary="Reset two-factor sign-in: the authenticator was removed and every session ended",
    )
    return locked


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
def organisation_domain_add(*, organisation: Organisation, domain: str, note: str = "") -> OrganisationDomain:
    """Record ``domain`` as one of the organisation's verified email domains (the Onward service team only:
    ``manage.py organisation_domains``, never in the app), audited in the organisation's trail.

    Refused: something that is not a domain; a public or shared one (``domains.PUBLIC_DOMAINS``); one
    already another organisation's; one that another organisation's active users have, which the
    service team must look into first (whose staff are they?). ``note`` says how it was verified.
    """
    domain = email_domains.normalise(domain)
    if not email_domains.is_domain(domain):
        raise ValidationError({"domain": "Enter an email domain, like example.gov.uk"})
    if email_domains.is_public(domain):
        raise ValidationError(
            {"domain": f"{domain} is a public or shared email domain: it cannot be one organisation's"}
        )
    existing = OrganisationDomain.objects.select_for_update().filter(domain=domain).first()
    if existing is not None and existing.organisation_id == organisation.pk:
        raise ValidationError({"domain": f"{domain} is already one of {organisation.name}'s email domains"})
    if existing is not None:
        raise ValidationError({"domain": f"{domain} is already {existing.organisation.name}'s email domain"})
    users_elsewhere = sorted(
        set(
            User.objects.exclude(organisation=organisation)
            .filter(email__iendswith=f"@{domain}", is_active=True)
            .values_list("organisation__name", flat=True)
        )
    )
    if users_elsewhere:
        raise ValidationError(
            {"domain": f"{domain} is used by active users of {', '.join(users_elsewhere)}: look into it first"}
        )
    record = OrganisationDomain(organisation=organisation, domain=domain, note=note.strip()[:300])
    record.full_clean()
    record.save()
    audit_record(
        actor=None,
        action=Action.CREATE,
        council=organisation,
        obj=record,
        changes=diff({}, snapshot(record)),
        summary=f"Email domain {domain} verified as {organisation.name}'s by the Onward service team",
    )
    return record


@transaction.atomic
def organisation_domain_remove(*, organisation: Organisation, domain: str) -> None:
    """No longer treat ``domain`` as the organisation's (the Onward service team only), audited.

    Its identity provider stops allowing the domain in the same transaction (switched off if that was
    its only domain), and the organisation's users are signed out, as for any change to who may sign in.
    """
    domain = email_domains.normalise(domain)
    record = OrganisationDomain.objects.select_for_update().filter(organisation=organisation, domain=domain).first()
    if record is None:
        raise ValidationError({"domain": f"{domain} is not one of {organisation.name}'s email domains"})
    provider = IdentityProvider.objects.select_for_update().filter(organisation=organisation).first()
    if provider is not None and domain in provider.domains:
        before = _provider_state(provider)
        remaining = [other for other in provider.domains if other != domain]
        if remaining:
            provider.allowed_domains = " ".join(remaining)
        else:
            provider.enabled = False  # the field keeps the domain; saving the form again asks for a verified one
        provider.version += 1
        provider.save()
        _sign_everyone_out(organisation)
        audit_record(
            actor=None,
            action=Action.CHANGE,
            council=organisation,
            obj=provider,
            changes=diff(before, _provider_state(provider)),
            summary=f"The identity provider no longer allows {domain}: it is no longer the organisation's domain",
        )
    audit_record(
        actor=None,
        action=Action.DELETE,
        council=organisation,
        obj=record,
        changes=diff(snapshot(record), {}),
        summary=f"Email domain {domain} is no longer {organisation.name}'s (removed by the Onward service team)",
    )
    record.delete()


def _audit_link(
    link: Partnership, *, acting_user: User | None, action: str, summary: str, changes: dict[str, Any] | None = None
) -> None:
    """A link touches two organisations: the event goes in the council's trail and in the partner's."""
    for organisation in (link.council, link.partner):
        audit_record(actor=acting_user, action=action, council=organisation, obj=link, summary=summary, changes=changes)


def _open_link_exists(council: Organisation, partner: Organisation) -> bool:
    return Partnership.objects.filter(
        council=council, partner=partner, status__in=[Partnership.Status.INVITED, Partnership.Status.ACCEPTED]
    ).exists()


def _known_to(council: Organisation, partner: Organisation) -> bool:
    """Whether ``council`` may invite an organisation already on Onward by its name: the service team has
    confirmed it (its email domains are recorded, ``OrganisationDomain``), or it has worked with the council
    before. Otherwise a name registered by one council (with a first administrator of its choosing) could
    be invited by another, and receive that council's referrals once "its" administrator accepted."""
    return (
        OrganisationDomain.objects.filter(organisation=partner).exists()
        or Partnership.objects.filter(council=council, partner=partner).exists()
    )


def _invite(*, acting_user: User | None, council: Organisation, partner: Organisation) -> Partnership:
    link = Partnership(council=council, partner=partner, invited_by=acting_user)
    link.full_clean()
    link.save()
    _audit_link(
        link,
        acting_user=acting_user,
        action=Action.CREATE,
        summary=f"Invited: {council.name} invited {partner.name} to work with it",
        changes={"status": [None, link.status]},
    )
    return link


@transaction.atomic
def partner_invite(
    *,
    acting_user: User | None,
    council: Organisation,
    name: str,
    kind: str,
    admin_email: str = "",
    admin_given_name: str = "",
    admin_family_name: str = "",
) -> tuple[Partnership, User | None, str]:
    """Invite an organisation to work with ``council``; the link counts once its administrator accepts.

    An organisation already on Onward is invited as it is: the council gets no hold on its users.
    A new organisation is registered with its first partner administrator (``admin_*``), who has
    no password until they follow the set-password link the council's administrator gives them,
    and who then answers the invitation. A council is never invited (ADR 14). Returns the link,
    the first administrator (if one was made) and their set-password link's path (else "").
    """
    if not council.is_council or (acting_user is not None and acting_user.organisation_id != council.pk):
        raise ValidationError("Only a council's own administrators invite partner organisations for it")
    if kind not in Organisation.Kind.values or kind == Organisation.Kind.COUNCIL:
        raise ValidationError({"kind": "Select the type of organisation"})
    name = name.strip()
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing is not None:
        if existing.pk == council.pk:
            raise ValidationError({"name": "That is your own council"})
        if existing.is_council:
            raise ValidationError(
                {"name": f"{existing.name} is a council: a council cannot be another council's partner"}
            )
        if existing.kind != kind:
            raise ValidationError({"kind": f"{existing.name} is already recorded as: {existing.get_kind_display()}"})
        if _open_link_exists(council, existing):
            raise ValidationError({"name": f"{existing.name} already works with your council or has been invited"})
        if not _known_to(council, existing):
            raise ValidationError(
                {
                    "name": f"{existing.name} is already on Onward, registered by someone else, and the Onward "
                    "service team has not yet confirmed it. Ask the service team to confirm the organisation "
                    "before you invite it"
                }
            )
        return _invite(acting_user=acting_user, council=council, partner=existing), None, ""
    missing = {
        "admin_email": "Enter the email address of the organisation's first administrator",
        "admin_given_name": "Enter the given name of the organisation's first administrator",
        "admin_family_name": "Enter the family name of the organisation's first administrator",
    }
    values = {"admin_email": admin_email, "admin_given_name": admin_given_name, "admin_family_name": admin_family_name}
    errors = {field: message for field, message in missing.items() if not values[field].strip()}
    if errors:
        raise ValidationError(errors)
    partner = Organisation(name=name, kind=kind)
    partner.full_clean()
    partner.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=partner,
        obj=partner,
        summary=f"Organisation registered by {council.name}",
    )
    try:
        first = _user_add(
            organisation=partner,
            email=admin_email,
            given_name=admin_given_name,
            family_name=admin_family_name,
            job_title="",
            role_keys={_admin_role(partner)},
            teams=[],
            password=None,
        )
    except ValidationError as error:
        fields = {"email": "admin_email", "given_name": "admin_given_name", "family_name": "admin_family_name"}
        raise ValidationError(
            {fields.get(field, "admin_email"): messages for field, messages in error.message_dict.items()}
        ) from error
    for organisation in (council, partner):
        audit_record(
            actor=acting_user,
            action=Action.CREATE,
            council=organisation,
            obj=first,
            changes=diff({}, _user_state(first)),
            summary=f"Added {partner.name}'s first administrator",
        )
        audit_record(
            actor=acting_user,
            action=Action.CHANGE,
            council=organisation,
            obj=first,
            summary="Issued a set-password link to the first administrator",
        )
    return _invite(acting_user=acting_user, council=council, partner=partner), first, _password_link(first)


class PartnershipAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    END = "end"
    ALLOW_TRIAGE = "allow_triage"
    STOP_TRIAGE = "stop_triage"


@transaction.atomic
def partnership_change(*, acting_user: User, link: Partnership, action: str, version: int) -> Partnership:
    """Answer or end a link: the partner's administrator accepts or declines an invitation; either
    side ends an invited or accepted link. ``version`` is what the page showed (stale pages refused)."""
    locked = lock_for_change(Partnership, link.pk, version, "partnership")
    on_partner_side = acting_user.organisation_id == locked.partner_id
    on_council_side = acting_user.organisation_id == locked.council_id
    if not (on_partner_side or on_council_side):
        raise ValidationError("Only the council or the partner organisation can change this partnership")
    before = locked.status
    now = timezone.now()
    if action in (PartnershipAction.ACCEPT, PartnershipAction.DECLINE):
        if not on_partner_side:
            raise ValidationError(f"Only {locked.partner.name}'s administrator can answer this invitation")
        if locked.status != Partnership.Status.INVITED:
            raise ValidationError("This invitation has already been answered or ended")
        if action == PartnershipAction.ACCEPT:
            locked.status = Partnership.Status.ACCEPTED
            locked.accepted_at, locked.accepted_by = now, acting_user
            summary = f"Accepted: {locked.partner.name} now works with {locked.council.name}"
        else:
            locked.status = Partnership.Status.DECLINED
            locked.ended_at, locked.ended_by = now, acting_user
            summary = f"Declined: {locked.partner.name} declined {locked.council.name}'s invitation"
    elif action == PartnershipAction.END:
        if locked.status not in (Partnership.Status.INVITED, Partnership.Status.ACCEPTED):
            raise ValidationError("This partnership has already ended")
        locked.status = Partnership.Status.ENDED
        locked.ended_at, locked.ended_by = now, acting_user
        summary = f"Ended by {acting_user.organisation.name}: {locked.partner.name} and {locked.council.name}"
    elif action in (PartnershipAction.ALLOW_TRIAGE, PartnershipAction.STOP_TRIAGE):
        return _triage_power_set(locked, acting_user=acting_user, allow=action == PartnershipAction.ALLOW_TRIAGE)
    else:
        raise ValidationError("Select what to do with the partnership")
    triage_before = locked.can_triage
    locked.can_triage = locked.can_triage and locked.status == Partnership.Status.ACCEPTED
    locked.version = version + 1
    locked.full_clean()
    locked.save()
    changes: dict[str, Any] = {"status": [before, locked.status]}
    if triage_before != locked.can_triage:
        changes["can_triage"] = [triage_before, locked.can_triage]
    _audit_link(locked, acting_user=acting_user, action=Action.CHANGE, summary=summary, changes=changes)
    return locked


def _triage_power_set(locked: Partnership, *, acting_user: User, allow: bool) -> Partnership:
    """Give a partner the power to triage the council's referrals, or take it away (issue 27).

    Only the council's own administrator (``MANAGE_ORGANISATIONS``) decides, and only on an accepted link;
    the event goes in both organisations' trails. The power counts only while the link is live
    (``access.triage_councils_for``), so removing it, or ending the link, stops the partner's triage at once.
    """
    if acting_user.organisation_id != locked.council_id or not acting_user.can(Perm.MANAGE_ORGANISATIONS):
        raise ValidationError(f"Only {locked.council.name}'s administrator can decide who triages its referrals")
    if locked.status != Partnership.Status.ACCEPTED:
        raise ValidationError(f"{locked.partner.name} must accept the partnership before it can triage referrals")
    if locked.can_triage == allow:
        raise ValidationError(
            f"{locked.partner.name} already triages the council's referrals"
            if allow
            else f"{locked.partner.name} does not triage the council's referrals"
        )
    locked.can_triage = allow
    locked.version += 1
    locked.full_clean()
    locked.save()
    _audit_link(
        locked,
        acting_user=acting_user,
        action=Action.CHANGE,
        summary=(
            f"Triage allowed: {locked.partner.name} may triage {locked.council.name}'s referrals"
            if allow
            else f"Triage stopped: {locked.partner.name} no longer triages {locked.council.name}'s referrals"
        ),
        changes={"can_triage": [not allow, allow]},
    )
    return locked


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
def sign_in_record(
    *, user: User, second_factor: bool = False, summary: str = "", organisation: Organisation | None = None
) -> None:
    audit_record(
        actor=user,
        action=Action.SIGN_IN,
        council=organisation or (user.organisation if user.organisation.is_council else None),
        obj=user,
        summary=summary or ("Completed two-factor sign-in" if second_factor else "Signed in with email and password"),
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


# Single sign-on and provisioning (ADR 24) -----------------------------------------------------


def _sign_everyone_out(organisation: Organisation) -> None:
    """Raise every user's sign-in epoch: each session of the organisation ends at its next request."""
    User.objects.filter(organisation=organisation).update(session_epoch=F("session_epoch") + 1)


def _validate_domains(*, organisation: Organisation, domains: list[str]) -> None:
    """An identity provider allows only its own organisation's verified email domains.

    The domains are facts about the organisation, recorded by the Onward service team
    (:func:`organisation_domain_add`), never claimed by an administrator: so no organisation can
    route another's sign-ins to its own provider, or keep the other from connecting its domain.
    """
    if not domains:
        raise ValidationError({"allowed_domains": "Enter at least one email domain, like example.gov.uk"})
    own = set(OrganisationDomain.objects.filter(organisation=organisation).values_list("domain", flat=True))
    for domain in domains:
        if not email_domains.is_domain(domain):
            raise ValidationError({"allowed_domains": f"{domain} is not an email domain, like example.gov.uk"})
        if domain not in own:
            raise ValidationError(
                {
                    "allowed_domains": f"{domain} is not one of your organisation's email domains. "
                    "Ask the Onward service team to add it"
                }
            )


def _changes_who_may_sign_in(before: dict[str, Any], provider: IdentityProvider) -> bool:
    """Whether sessions made under the old settings must end: switched on or off, another issuer, a
    domain removed, or the provider's multi-factor sign-in no longer standing for Onward's code.
    (A new client ID or secret variable changes nothing about who may sign in.)"""
    if not before:
        return provider.enabled
    removed = set(str(before["allowed_domains"]).split()) - set(provider.domains)
    return (
        before["enabled"] != provider.enabled
        or before["issuer"] != provider.issuer
        or before.get("protocol", IdentityProvider.Protocol.OIDC) != provider.protocol
        or bool(removed)
        or (before["mfa_replaces_code"] and not provider.mfa_replaces_code)
    )


def _provider_state(provider: IdentityProvider) -> dict[str, Any]:
    # The SAML metadata is long and public: the trail records that it changed, not the XML itself.
    state = snapshot(provider, exclude=("version", "saml_metadata"))
    state["saml_metadata"] = "set" if provider.saml_metadata else ""
    return state


@transaction.atomic
def identity_provider_save(
    *,
    acting_user: User | None,
    organisation: Organisation,
    version: int | None,
    issuer: str,
    client_id: str,
    client_secret_env: str,
    allowed_domains: str,
    mfa_replaces_code: bool,
    enabled: bool,
) -> IdentityProvider:
    """Connect (or change) the organisation's OpenID Connect provider; only its own administrator may.

    A change to who may sign in, or how, signs all the organisation's users out, so a session
    never outlives the rules it was made under (see :func:`_changes_who_may_sign_in`).
    """
    from onward.accounts.sso import issuer_is_acceptable

    _check_own_organisation(acting_user, organisation)
    domains = sorted({domain.strip().lower() for domain in allowed_domains.replace(",", " ").split()})
    issuer = issuer.strip()
    if not issuer_is_acceptable(issuer):
        raise ValidationError({"issuer": "Enter the issuer's address, starting https://"})
    name = client_secret_env.strip()
    if not name.startswith(IdentityProvider.SECRET_ENV_PREFIX) or not _ENV_NAME.fullmatch(name):
        raise ValidationError(
            {
                "client_secret_env": "Enter the name of the environment variable, starting "
                f"{IdentityProvider.SECRET_ENV_PREFIX}, in capitals, digits and underscores"
            }
        )
    if IdentityProvider.objects.exclude(organisation=organisation).filter(client_secret_env=name).exists():
        # A variable holds one organisation's client secret: naming another's would use its secret.
        raise ValidationError(
            {"client_secret_env": f"{name} is another organisation's variable: ask the Onward service team for yours"}
        )
    _validate_domains(organisation=organisation, domains=domains)
    return _provider_save(
        acting_user=acting_user,
        organisation=organisation,
        version=version,
        fields={
            "protocol": IdentityProvider.Protocol.OIDC,
            "issuer": issuer,
            "client_id": client_id.strip(),
            "client_secret_env": name,
            "saml_metadata": "",
            "saml_sso_url": "",
            "allowed_domains": " ".join(domains),
            "mfa_replaces_code": mfa_replaces_code,
            "enabled": enabled,
        },
    )


def _provider_save(
    *, acting_user: User | None, organisation: Organisation, version: int | None, fields: dict[str, Any]
) -> IdentityProvider:
    existing = IdentityProvider.objects.filter(organisation=organisation).first()
    if existing is None:
        provider = IdentityProvider(organisation=organisation)
        before: dict[str, Any] = {}
    else:
        provider = lock_for_change(IdentityProvider, existing.pk, version, "identity provider")
        before = _provider_state(provider)
        provider.version += 1
    for name, value in fields.items():
        setattr(provider, name, value)
    provider.full_clean(exclude=["organisation"])
    provider.save()
    if before and before.get("protocol") != provider.protocol:
        # Another kind of provider names its users differently: links to the old one are no use.
        provider.identities.all().delete()
    if _changes_who_may_sign_in(before, provider):
        _sign_everyone_out(organisation)
    audit_record(
        actor=acting_user,
        action=Action.CREATE if existing is None else Action.CHANGE,
        council=organisation,
        obj=provider,
        changes=diff(before, _provider_state(provider)),
        summary="Connected the organisation's identity provider"
        if existing is None
        else "Changed the organisation's identity provider",
    )
    return provider


@transaction.atomic
def saml_provider_save(
    *,
    acting_user: User | None,
    organisation: Organisation,
    version: int | None,
    metadata: str,
    allowed_domains: str,
    mfa_replaces_code: bool,
    enabled: bool,
) -> IdentityProvider:
    """Connect (or change) the organisation's SAML 2.0 identity provider from its metadata (ADR 32).

    The metadata must describe one identity provider with a signing certificate and a sign-in
    address; its entity ID becomes the provider's issuer. As for OpenID Connect, a change to who
    may sign in signs the organisation's users out.
    """
    from onward.accounts.saml import read_idp_metadata

    _check_own_organisation(acting_user, organisation)
    domains = sorted({domain.strip().lower() for domain in allowed_domains.replace(",", " ").split()})
    read = read_idp_metadata(metadata)
    _validate_domains(organisation=organisation, domains=domains)
    return _provider_save(
        acting_user=acting_user,
        organisation=organisation,
        version=version,
        fields={
            "protocol": IdentityProvider.Protocol.SAML,
            "issuer": read.entity_id[:300],
            "client_id": "",
            "client_secret_env": "",
            "saml_metadata": metadata.strip(),
            "saml_sso_url": read.sso_url,
            "allowed_domains": " ".join(domains),
            "mfa_replaces_code": mfa_replaces_code,
            "enabled": enabled,
        },
    )


def scim_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def scim_token_create(*, acting_user: User, organisation: Organisation, name: str) -> tuple[ScimToken, str]:
    """A new provisioning token for the organisation's directory; the token itself is shown once."""
    _check_own_organisation(acting_user, organisation)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the token, like Entra ID provisioning"})
    secret = "onw_scim_" + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(
        organisation=organisation,
        name=name,
        token_hash=scim_token_hash(secret),
        prefix=secret[:12],
        created_by=acting_user,
    )
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        council=organisation,
        obj=token,
        summary=f"Created the provisioning (SCIM) token {name!r}",
    )
    return token, secret


@transaction.atomic
def scim_token_revoke(*, acting_user: User, token: ScimToken) -> ScimToken:
    _check_own_organisation(acting_user, token.organisation)
    locked = ScimToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = acting_user
        locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        audit_record(
            actor=acting_user,
            action=Action.CHANGE,
            council=locked.organisation,
            obj=locked,
            summary=f"Revoked the provisioning (SCIM) token {locked.name!r}",
        )
    return locked


@dataclass
class DirectoryUser:
    """What an organisation's directory says about a user (SCIM 2.0); ``team`` None leaves teams alone."""

    email: str
    given_name: str
    family_name: str
    job_title: str = ""
    active: bool = True
    external_id: str = ""
    team: str | None = None


def _directory_team(organisation: Organisation, name: str | None) -> list[Team] | None:
    if name is None:
        return None
    if not name.strip():
        return []
    if not organisation.is_council:
        raise ValidationError({"team": "Teams are for council staff only"})
    team = Team.objects.filter(council=organisation, name__iexact=name.strip()).first()
    if team is None:
        raise ValidationError({"team": f"{organisation.name} has no team called {name.strip()!r}"})
    return [team]


def _directory_summary(token: ScimToken, what: str) -> str:
    return f"{what} by the organisation's directory (provisioning token {token.name!r})"


@transaction.atomic
def directory_user_create(*, token: ScimToken, data: DirectoryUser) -> User:
    """The directory adds a user to the token's organisation, with no roles (roles stay Onward's) and no password."""
    organisation = token.organisation
    teams = _directory_team(organisation, data.team) or []
    user = _user_add(
        organisation=organisation,
        email=data.email,
        given_name=data.given_name,
        family_name=data.family_name,
        job_title=data.job_title,
        role_keys=set(),
        teams=teams,
        password=None,
    )
    user.is_active = data.active
    user.scim_external_id = data.external_id.strip()[:255]
    user.save(update_fields=["is_active", "scim_external_id"])
    audit_record(
        actor=None,
        action=Action.CREATE,
        council=organisation,
        obj=user,
        changes=diff({}, _user_state(user)),
        summary=_directory_summary(token, "Added"),
    )
    return user


@transaction.atomic
def directory_user_update(*, token: ScimToken, user: User, data: DirectoryUser) -> User:
    """The directory changes a user of its own organisation; deactivating signs them out everywhere."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.organisation_id != token.organisation_id:
        raise ValidationError("The user is not in the directory's organisation")
    teams = _directory_team(locked.organisation, data.team)
    email = data.email.strip().lower()
    if email != locked.email and User.objects.filter(email__iexact=email).exclude(pk=locked.pk).exists():
        raise ValidationError({"email": "A user with this email address already exists"})
    if email != locked.email:
        _check_email_domain(organisation=locked.organisation, email=email)
    before = _user_state(locked)
    locked.email = email
    locked.given_name = data.given_name.strip()
    locked.family_name = data.family_name.strip()
    locked.job_title = data.job_title.strip()
    locked.scim_external_id = data.external_id.strip()[:255]
    if locked.is_active and not data.active:
        locked.session_epoch += 1  # a leaver: every session ends at its next request
    locked.is_active = data.active
    locked.full_clean(exclude=["password"])
    locked.version += 1
    locked.save()
    if teams is not None:
        locked.teams.set(teams)
    changes = diff(before, _user_state(locked))
    if changes:
        what = "Deactivated" if changes.get("is_active") == [True, False] else "Changed"
        audit_record(
            actor=None,
            action=Action.CHANGE,
            council=locked.organisation,
            obj=locked,
            changes=changes,
            summary=_directory_summary(token, what),
        )
    return locked
