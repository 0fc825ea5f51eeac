"""Organisations, teams and users.

A council is the tenant: every record of personal data belongs to exactly one council, and a user
of one council never sees another's. Partner organisations (colleges, the careers service, DWP,
charities, training providers, employers) work with one or more councils through a
:class:`Partnership` the partner has accepted. A council is never another council's partner.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from onward.accounts.permissions import ROLES_BY_KEY, Perm, Role, permissions_for_roles
from onward.core.models import TimeStampedModel

if TYPE_CHECKING:
    from collections.abc import Iterable


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        COLLEGE = "college", "College"
        CAREERS_SERVICE = "careers_service", "Careers service"
        DWP = "dwp", "Department for Work and Pensions (DWP)"
        CHARITY = "charity", "Charity or voluntary organisation"
        TRAINING_PROVIDER = "training_provider", "Training provider"
        EMPLOYER = "employer", "Employer"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    partners: models.ManyToManyField[Organisation, Partnership] = models.ManyToManyField(
        "self",
        through="Partnership",
        symmetrical=False,
        related_name="councils_served",
        through_fields=("council", "partner"),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_council(self) -> bool:
        return self.kind == self.Kind.COUNCIL


class OrganisationDomain(TimeStampedModel):
    """An email domain verified as the organisation's own: a fact recorded by the Onward service team.

    Only the platform operator records one (``manage.py organisation_domains``, audited in the
    organisation's trail), never an organisation's administrator: a domain is one organisation's at
    most (the unique constraint), and public or shared domains (``accounts.domains.PUBLIC_DOMAINS``)
    are nobody's. What it governs: an identity provider may allow only its own organisation's
    domains, sign-in is routed by them, and no other organisation adds users with them.
    """

    class Source(models.TextChoices):
        OPERATOR = "operator", "Recorded by the Onward service team"
        MIGRATED = "migrated", "Recorded from existing data when domains were introduced"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="email_domains")
    domain = models.CharField("email domain", max_length=253, unique=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.OPERATOR)
    note = models.CharField("how it was verified", max_length=300, blank=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(condition=models.Q(domain=Lower("domain")), name="organisation_domain_lower_case"),
        ]

    def __str__(self) -> str:
        return self.domain


class Partnership(TimeStampedModel):
    """A link between a council and a partner organisation (never another council), see ADR 14.

    A council invites; the link counts (shares referrals, the directory and the network) only
    while it is accepted by the partner's administrator and not ended. Either side may end it.
    Links are never deleted: a declined or ended one keeps who and when, and a new invitation is
    a new row (at most one invited or accepted link per council and partner).

    ``can_triage``: the council lets the partner triage its referrals (issue 27; Derby 4.11, "triaged
    centrally by one agency"). Only the council's administrator sets or removes it, only on an accepted
    link; it counts only while the link is live, and its removal takes effect at the partner's next request.
    """

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"

    council = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partnerships",
        limit_choices_to={"kind": Organisation.Kind.COUNCIL},
    )
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partner_of")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.INVITED)
    invited_by = models.ForeignKey("User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey("User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey("User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    can_triage = models.BooleanField("may triage the council's referrals", default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "partner"],
                condition=models.Q(status__in=["invited", "accepted"]),
                name="partnership_one_open_link",
            ),
            models.CheckConstraint(condition=~models.Q(council=models.F("partner")), name="partnership_not_self"),
            models.CheckConstraint(
                condition=models.Q(status__in=["invited", "accepted", "declined", "ended"]),
                name="partnership_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} and {self.council}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.council_id is not None and not self.council.is_council:
            errors["council"] = "Only a council invites partner organisations"
        if self.partner_id is not None and self.partner.is_council:
            errors["partner"] = f"{self.partner.name} is a council: a council cannot be another council's partner"
        if errors:
            raise ValidationError(errors)

    @property
    def is_live(self) -> bool:
        """The link counts: accepted by the partner and not ended."""
        return self.status == self.Status.ACCEPTED


class Team(TimeStampedModel):
    """A team inside a council, for example Leaving Care North, the 13+ team or the Virtual School."""

    council = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="teams",
        limit_choices_to={"kind": Organisation.Kind.COUNCIL},
    )
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("council", Lower("name"), name="team_name_unique_in_council"),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in, by email address. Belongs to one organisation; roles are groups."""

    email = models.EmailField("email address", unique=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    job_title = models.CharField(max_length=120, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="users")
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    # Raised to sign the user out of every session at their next request (leavers, ADR 24).
    session_epoch = models.PositiveIntegerField(default=0)
    # A SCIM directory's own id for the user (``externalId``), if provisioned from one.
    scim_external_id = models.CharField(max_length=255, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["given_name", "family_name"]

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.given_name

    @property
    def is_staff(self) -> bool:
        """Onward has no Django admin site; nobody is "staff" in Django's sense."""
        return False

    @cached_property
    def role_keys(self) -> frozenset[str]:
        return frozenset(name for name in self.groups.values_list("name", flat=True) if name in ROLES_BY_KEY)

    @property
    def roles(self) -> list[Role]:
        return [ROLES_BY_KEY[key] for key in ROLES_BY_KEY if key in self.role_keys]

    @cached_property
    def permissions(self) -> frozenset[Perm]:
        if not self.is_active:
            return frozenset()
        return permissions_for_roles(self.role_keys)

    def can(self, *perms: Perm) -> bool:
        """True if the user holds every one of these permissions through their roles."""
        return all(perm in self.permissions for perm in perms)

    def can_any(self, perms: Iterable[Perm]) -> bool:
        return any(perm in self.permissions for perm in perms)

    @property
    def is_council_staff(self) -> bool:
        return self.organisation.is_council


class IdentityProvider(TimeStampedModel):
    """An organisation's own identity provider, connected by its administrator: OpenID Connect
    (ADR 24) or SAML 2.0 (ADR 32).

    While enabled, the organisation's users sign in through it and not with an Onward password.
    For OpenID Connect the client secret is never stored: ``client_secret_env`` names an
    environment variable (which must start with ``ONWARD_OIDC_SECRET_``) that holds it. For SAML,
    ``saml_metadata`` is the identity provider's own (public) metadata, ``issuer`` its entity ID
    and ``saml_sso_url`` where it takes sign-in requests; Onward's signing key is in settings.
    """

    SECRET_ENV_PREFIX = "ONWARD_OIDC_SECRET_"  # noqa: S105 - the prefix of a variable name, not a secret

    class Protocol(models.TextChoices):
        OIDC = "oidc", "OpenID Connect"
        SAML = "saml", "SAML 2.0"

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="identity_provider")
    protocol = models.CharField(max_length=4, choices=Protocol.choices, default=Protocol.OIDC)
    issuer = models.CharField("issuer", max_length=300)
    client_id = models.CharField("client ID", max_length=300, blank=True)
    client_secret_env = models.CharField("environment variable holding the client secret", max_length=100, blank=True)
    saml_metadata = models.TextField("identity provider's SAML metadata", blank=True)
    saml_sso_url = models.URLField("identity provider's sign-in address", max_length=500, blank=True)
    allowed_domains = models.CharField("allowed email domains", max_length=500)
    mfa_replaces_code = models.BooleanField(default=False)
    enabled = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.organisation}'s identity provider"

    @property
    def domains(self) -> list[str]:
        return [domain for domain in self.allowed_domains.split() if domain]


class ExternalIdentity(TimeStampedModel):
    """A user's account at their organisation's provider: the stable pair of issuer and subject."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="external_identities")
    provider = models.ForeignKey(IdentityProvider, on_delete=models.PROTECT, related_name="identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique_subject"),
            models.UniqueConstraint(fields=["provider", "user"], name="external_identity_one_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"


class ScimToken(TimeStampedModel):
    """A bearer token for an organisation's SCIM 2.0 provisioning endpoint (stored as a SHA-256 hash)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="scim_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name
