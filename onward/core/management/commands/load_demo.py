"""Load a synthetic demo council: organisations, teams and one user for each role.

Idempotent: running it again changes nothing but the demo users' passwords, which are reset to
the demo password. Every name is made up (Faker ``en_GB`` with a fixed seed); no real person.

The demo administrator's password is published, so the command refuses, before writing anything,
to run with production settings (``ONWARD_ENVIRONMENT``) or on a database that holds any council
but the demo's own two.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from faker import Faker

from onward.accounts import services
from onward.accounts.demo import DEMO_PASSWORD, demo_domain, demo_partner
from onward.accounts.models import Organisation, Team, User

COUNCIL = "Wexbridge City Council"
OTHER_COUNCIL = "Harrowfield County Council"
PARTNERS = [
    ("Wexbridge College", Organisation.Kind.COLLEGE),
    ("Wexbridge Careers Service", Organisation.Kind.CAREERS_SERVICE),
    ("Jobcentre Plus Wexbridge", Organisation.Kind.DWP),
    ("Step Forward Trust", Organisation.Kind.CHARITY),
    ("Northgate Training", Organisation.Kind.TRAINING_PROVIDER),
    ("Brightwell Logistics", Organisation.Kind.EMPLOYER),
]
TEAMS = [
    ("Leaving Care North", "Personal advisers for care leavers in the north of the city"),
    ("Leaving Care South", "Personal advisers for care leavers in the south of the city"),
    ("13+ Team", "Social workers for young people in care aged 13 and over"),
    ("Virtual School", "Education of children in care and care leavers to Year 13"),
    ("EET Triage", "Central triage of the common referral"),
]
# (email local part, role keys, organisation, teams, job title)
USERS: list[tuple[str, list[str], str, list[str], str]] = [
    ("adviser", ["personal_adviser"], COUNCIL, ["Leaving Care North"], "Personal adviser"),
    ("manager", ["team_manager"], COUNCIL, ["Leaving Care North"], "Team manager"),
    ("virtualschool", ["virtual_school_officer"], COUNCIL, ["Virtual School"], "Virtual School officer"),
    ("triage", ["triage_coordinator"], COUNCIL, ["EET Triage"], "EET triage coordinator"),
    ("override", ["consent_override_lead"], COUNCIL, ["EET Triage"], "Senior triage officer"),
    ("partner", ["partner_provider"], "Wexbridge College", [], "Care leavers' support officer"),
    ("employers", ["employer_engagement_worker"], COUNCIL, [], "Employer engagement worker"),
    ("planlead", ["plan_lead"], COUNCIL, [], "Head of service, leaving care"),
    ("performance", ["performance_officer"], COUNCIL, [], "Performance officer"),
    ("councillor", ["councillor"], COUNCIL, [], "Lead member for children's services"),
    ("admin", ["administrator"], COUNCIL, [], "Systems administrator"),
    ("dpo", ["data_protection_officer"], COUNCIL, [], "Data protection officer"),  # issue 22
]


EXTRA_ADVISERS = 9  # so the demo adviser's caseload is about 35, like a real one


def demo_email(local: str, organisation: str) -> str:
    domain = "wexbridge.example" if organisation == COUNCIL else "college.wexbridge.example"
    return f"{local}@{domain}"


def demo_refusal() -> str:
    """Why the demo must not be loaded here (blank if it may): production settings, or other councils' data."""
    if settings.ONWARD_ENVIRONMENT == "production":
        return (
            "The demo was not loaded: these are production settings (ONWARD_ENVIRONMENT is production). "
            "The demo creates an administrator with a published password; load it only on a development database."
        )
    others = list(
        Organisation.objects.filter(kind=Organisation.Kind.COUNCIL)
        .exclude(name__in=[COUNCIL, OTHER_COUNCIL])
        .order_by("name")
        .values_list("name", flat=True)[:3]
    )
    if others:
        return (
            f"The demo was not loaded: this database holds councils that are not the demo's ({', '.join(others)}). "
            "The demo creates an administrator with a published password; load it only on an empty database "
            "or one holding the demo alone."
        )
    return ""


class Command(BaseCommand):
    help = "Load the synthetic demo council and print a sign-in for each role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the sign-ins.")

    def handle(self, *args: Any, **options: Any) -> None:
        refusal = demo_refusal()
        if refusal:
            raise CommandError(refusal)
        # The demo's own referrals would otherwise email the console as the transaction commits.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
            self._load(options)

    def _load(self, options: dict[str, Any]) -> None:
        fake = Faker("en_GB")
        fake.seed_instance(20261122)
        services.roles_sync()
        council = Organisation.objects.filter(name=COUNCIL).first() or services.council_create(name=COUNCIL)
        other = Organisation.objects.filter(name=OTHER_COUNCIL).first() or services.council_create(name=OTHER_COUNCIL)
        organisations = {COUNCIL: council, OTHER_COUNCIL: other}
        demo_domain(council, "wexbridge.example")  # what the service team records for a new council
        demo_domain(other, "harrowfield.example")
        # Each partner has its own administrator, who accepted the council's invitation (ADR 14).
        for name, kind in PARTNERS:
            organisations[name] = demo_partner(council=council, name=name, kind=kind, fake=fake)
        # The college also works with the neighbouring council: one organisation, two tenants.
        college = organisations["Wexbridge College"]
        demo_partner(council=other, name=college.name, kind=college.kind, fake=fake)
        demo_domain(college, "college.wexbridge.example")
        teams: dict[str, Team] = {}
        for name, description in TEAMS:
            team = Team.objects.filter(council=council, name=name).first()
            if team is None:
                team = services.team_create(acting_user=None, council=council, name=name, description=description)
            teams[name] = team
        sign_ins = []
        for local, role_keys, organisation_name, team_names, job_title in USERS:
            given, family = fake.first_name(), fake.last_name()
            email = demo_email(local, organisation_name)
            user = User.objects.filter(email=email).first()
            if user is None:
                user = services.user_create(
                    acting_user=None,
                    organisation=organisations[organisation_name],
                    email=email,
                    given_name=given,
                    family_name=family,
                    job_title=job_title,
                    role_keys=set(role_keys),
                    teams=[teams[t] for t in team_names],
                )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            sign_ins.append((", ".join(r.name for r in user.roles), email))
        other_admin = "admin@harrowfield.example"
        if not User.objects.filter(email=other_admin).exists():
            created = services.user_create(
                acting_user=None,
                organisation=other,
                email=other_admin,
                given_name=fake.first_name(),
                family_name=fake.last_name(),
                role_keys={"administrator"},
            )
            created.set_password(DEMO_PASSWORD)
            created.save(update_fields=["password"])
        sign_ins.append(("Administrator of a second council (tenant isolation)", other_admin))
        app_sign_ins = self._young_people(council, teams, fake)
        for partner_admin in (
            User.objects.filter(
                groups__name="partner_administrator", organisation__partner_of__council__in=[council, other]
            )
            .distinct()
            .select_related("organisation")
            .order_by("organisation__name")
        ):
            sign_ins.append((f"Partner administrator, {partner_admin.organisation.name}", partner_admin.email))
        for triager in (  # a partner given the triage power by the council (issue 27, referrals' demo)
            User.objects.filter(groups__name="partner_triage_coordinator", organisation__partner_of__council=council)
            .distinct()
            .select_related("organisation")
            .order_by("email")
        ):
            sign_ins.append((f"Partner triage coordinator, {triager.organisation.name}", triager.email))
        sign_ins += app_sign_ins
        if options["quiet"]:
            return
        self.stdout.write(self.style.SUCCESS(f"Demo council loaded: {COUNCIL}"))
        self.stdout.write(f"Every demo user's password is: {DEMO_PASSWORD}")
        if settings.ONWARD_REQUIRE_2FA:
            self.stdout.write("Two-factor sign-in is on: each user sets up an authenticator app at first sign-in.")
        width = max(len(role) for role, _ in sign_ins)
        for role, email in sign_ins:
            self.stdout.write(f"  {role.ljust(width)}  {email}")

    def _young_people(self, council: Organisation, teams: dict[str, Team], fake: Faker) -> list[tuple[str, str]]:
        """Extra advisers, then each app's demo data (``core.contributions``: the cohort, referrals,
        opportunities, participation, plans, performance...), once; returns the sign-ins they add."""
        from onward.core import contributions

        for i in range(EXTRA_ADVISERS):
            email = f"adviser{i + 2}@wexbridge.example"
            if not User.objects.filter(email=email).exists():
                services.user_create(
                    acting_user=None,
                    organisation=council,
                    email=email,
                    given_name=fake.first_name(),
                    family_name=fake.last_name(),
                    job_title="Personal adviser",
                    role_keys={"personal_adviser"},
                    teams=[teams["Leaving Care North" if i % 2 else "Leaving Care South"]],
                )
        sign_ins: list[tuple[str, str]] = []
        for _, loader in contributions.demo_loaders():
            sign_ins += loader(council) or []
        return sign_ins
