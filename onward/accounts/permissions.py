"""The permission catalogue: every permission and every role, in one place.

Roles are granted to users through Django groups named after the role's key; what a role may do
is defined here and nowhere else. ``docs/permissions.md`` is generated from this module
(``python manage.py permissions_doc``) and a test fails if it falls out of step.

Permissions say *what kind of thing* a user may do. *Which records* they may do it to (their
council, their team, their caseload, what was shared with their organisation) is decided by
``onward.accounts.access``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Perm(StrEnum):
    # Administration
    MANAGE_USERS = "users.manage"
    MANAGE_TEAMS = "teams.manage"
    MANAGE_ORGANISATIONS = "organisations.manage"
    ANSWER_PARTNERSHIPS = "partnerships.answer"
    VIEW_AUDIT = "audit.view"
    EXPORT_AUDIT = "audit.export"
    VIEW_BACKGROUND_WORK = "tasks.view"
    # The cohort register
    VIEW_CASELOAD = "people.view_caseload"
    VIEW_TEAM_PEOPLE = "people.view_team"
    VIEW_COUNCIL_PEOPLE = "people.view_council"
    CHANGE_PEOPLE = "people.change"
    CHANGE_EDUCATION = "people.change_education"
    # Referrals, triage and the provision directory
    CREATE_REFERRALS = "referrals.create"
    TRIAGE_REFERRALS = "referrals.triage"
    OVERRIDE_CONSENT = "referrals.override_consent"
    RECEIVE_REFERRALS = "referrals.receive"
    MANAGE_DIRECTORY = "directory.manage"
    # Employers and opportunities
    MANAGE_EMPLOYERS = "employers.manage"
    MANAGE_OPPORTUNITIES = "opportunities.manage"
    PUT_FORWARD = "applications.put_forward"
    # Improvement plans and scrutiny
    VIEW_PLANS = "plans.view"
    MANAGE_PLANS = "plans.manage"
    UPDATE_PROGRESS = "plans.update_progress"
    MANAGE_RATING_SCHEMES = "plans.manage_rating_schemes"
    # Performance and statutory returns
    VIEW_AGGREGATES = "performance.view_aggregate"
    VIEW_DRILLDOWN = "performance.view_drilldown"
    MANAGE_TARGETS = "performance.manage_targets"
    WRITE_REPORT_COMMENTARY = "performance.write_commentary"
    IMPORT_DATA = "returns.import"
    EXPORT_RETURNS = "returns.export"
    # Data protection (issue 22: onward/privacy; the data protection officer holds these)
    HANDLE_SUBJECT_ACCESS = "privacy.subject_access"
    APPROVE_SUBJECT_ACCESS = "privacy.approve_release"
    RESTRICT_RECORDS = "privacy.restrict"
    MANAGE_RETENTION = "privacy.retention"
    VIEW_RECORD_OF_PROCESSING = "privacy.record_of_processing"
    # The people around each young person (onward/supporters)
    MANAGE_SUPPORTERS = "supporters.manage"
    # The network around each young person (settings, sharing agreements, list exchange)
    MANAGE_SETTINGS = "network.manage_settings"
    MANAGE_AGREEMENTS = "network.manage_agreements"
    EXCHANGE_LISTS = "network.exchange_lists"
    # The open API (ADR 27)
    MANAGE_API = "api.manage"
    # The young people's own service (onward/portal)
    MANAGE_PORTAL = "portal.manage"


PERMISSION_DESCRIPTIONS: dict[Perm, str] = {
    Perm.MANAGE_USERS: "Add users to their own organisation (never another), grant roles and teams, "
    "issue set-password links and deactivate users; connect the organisation's own identity provider "
    "for single sign-on and create its directory's provisioning (SCIM) tokens.",
    Perm.MANAGE_TEAMS: "Create and rename the council's teams.",
    Perm.MANAGE_ORGANISATIONS: "Invite partner organisations to work with the council (registering a new one "
    "with its first administrator) and end partnerships.",
    Perm.ANSWER_PARTNERSHIPS: "Accept or decline a council's invitation to work with their organisation, "
    "and end a partnership.",
    Perm.VIEW_AUDIT: "Read the audit trail of their own organisation: who viewed, changed or exported what, and when.",
    Perm.EXPORT_AUDIT: "Download the audit trail as a CSV file.",
    Perm.VIEW_BACKGROUND_WORK: "See the council's imports being checked or saved in the background, and "
    "whether any is stuck or failed (names and states only, never the files).",
    Perm.VIEW_CASELOAD: "See the records of the young people allocated to them.",
    Perm.VIEW_TEAM_PEOPLE: "See the records of every young person allocated to their teams.",
    Perm.VIEW_COUNCIL_PEOPLE: "See the record of every young person in the council.",
    Perm.CHANGE_PEOPLE: "Record EET activity, accommodation, contact, pathway plans and case closure "
    "for the young people they can see.",
    Perm.CHANGE_EDUCATION: "Record PEPs, Year 9 aspirations, intended destinations, September "
    "Guarantee offers, careers guidance appointments and higher education applications for the young people "
    "they can see.",
    Perm.CREATE_REFERRALS: "Complete the common referral with a young person and record their consent.",
    Perm.TRIAGE_REFERRALS: "Work the central triage queue: decide, prioritise and refer to services (a partner "
    "organisation's user: only the referrals waiting for triage of councils that gave their organisation the "
    "triage power).",
    Perm.OVERRIDE_CONSENT: "Share a referral without covering consent, giving a reason (audited).",
    Perm.RECEIVE_REFERRALS: "See referrals sent to their organisation, with the fields consent allows; "
    "accept or decline them and record engagement and outcomes.",
    Perm.MANAGE_DIRECTORY: "Keep entries in the provision directory (the EET matrix) current.",
    Perm.MANAGE_EMPLOYERS: "Keep the employer network and its engagement log.",
    Perm.MANAGE_OPPORTUNITIES: "Add and change opportunities and track applications to sustained work.",
    Perm.PUT_FORWARD: "Put a young person forward for an opportunity, with their consent.",
    Perm.VIEW_PLANS: "Read improvement plans, scrutiny recommendations and their progress.",
    Perm.MANAGE_PLANS: "Create plans, open and close review rounds, produce committee documents.",
    Perm.UPDATE_PROGRESS: "Record progress, next steps, rating and evidence on the items they lead.",
    Perm.MANAGE_RATING_SCHEMES: "Define the council's own rating schemes for plans, beyond RAG and the 1 to 4 grading.",
    Perm.VIEW_AGGREGATES: "See indicators, dashboards and reports as aggregate figures.",
    Perm.VIEW_DRILLDOWN: "Follow an indicator down to the young people it counts.",
    Perm.MANAGE_TARGETS: "Set targets and load benchmark figures.",
    Perm.WRITE_REPORT_COMMENTARY: "Write and change the commentary on each section of the quarterly report.",
    Perm.IMPORT_DATA: "Import SSDA903 files and case-system exports.",
    Perm.EXPORT_RETURNS: "Produce the SSDA903 care leavers return.",
    Perm.HANDLE_SUBJECT_ACCESS: "Log a young person's subject access request, gather their bundle and mark "
    "third parties' names and staff notes for redaction (never their caseload pages).",
    Perm.APPROVE_SUBJECT_ACCESS: "Sign off a subject access bundle before it is released, and download it.",
    Perm.RESTRICT_RECORDS: "Restrict a young person's record (hidden from all but the roles named) and lift "
    "a restriction; record a correction asked for by the young person, with the reason.",
    Perm.MANAGE_RETENTION: "See records past their retention date, approve their deletion (leaving a tombstone "
    "with counts), and place or lift a legal hold.",
    Perm.VIEW_RECORD_OF_PROCESSING: "Read the record of processing: each kind of personal data held, who can "
    "see it, what is shared under consent and how long it is kept.",
    Perm.MANAGE_SUPPORTERS: "Keep the council's registers of mentors (with their checks and training), "
    "accommodation providers and training records.",
    Perm.MANAGE_SETTINGS: "Keep the council's register of schools, colleges, universities and training "
    "providers (loading it from a CSV file) and the Jobcentre Plus work coaches.",
    Perm.MANAGE_AGREEMENTS: "Record data sharing agreements with partner organisations and settings, and end them.",
    Perm.EXCHANGE_LISTS: "Send a setting or Jobcentre Plus the list of young people an agreement in force "
    "allows, and match a setting's on-roll list against every child in care and care leaver.",
    Perm.MANAGE_API: "Create, scope and revoke API tokens for their own organisation's users and system "
    "accounts, and keep its webhooks and their delivery log.",
    Perm.MANAGE_PORTAL: "Run the council's side of the young people's own service: write and publish the "
    "local offer (a new dated version each time), keep the well-being survey's question bank and schedule "
    'surveys, and group what young people said into themes, respond and publish ("You said, we did").',
}


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    summary: str
    permissions: frozenset[Perm]
    for_partners: bool = False
    """A partner organisation's role; all other roles are for council staff only."""


ROLES: tuple[Role, ...] = (
    Role(
        "personal_adviser",
        "Personal adviser",
        "Keeps their caseload current: EET status, accommodation, contact, pathway plan and PEP "
        "dates; makes referrals with the young person's consent; puts young people forward for "
        "opportunities.",
        frozenset({Perm.VIEW_CASELOAD, Perm.CHANGE_PEOPLE, Perm.CREATE_REFERRALS, Perm.PUT_FORWARD}),
    ),
    Role(
        "team_manager",
        "Team manager",
        "Sees the team's caseloads, overdue pathway plans, the NEET cohort and young people at risk of becoming NEET; "
        "audits and grades pathway plans.",
        frozenset(
            {
                Perm.VIEW_CASELOAD,
                Perm.VIEW_TEAM_PEOPLE,
                Perm.CHANGE_PEOPLE,
                Perm.CREATE_REFERRALS,
                Perm.PUT_FORWARD,
                Perm.VIEW_AGGREGATES,
                Perm.VIEW_DRILLDOWN,
                Perm.VIEW_PLANS,
                Perm.MANAGE_SUPPORTERS,
                Perm.MANAGE_PORTAL,  # the young people's own service (onward/portal)
            }
        ),
    ),
    Role(
        "virtual_school_officer",
        "Virtual School officer",
        "Records Year 9 aspirations, Year 10 and 11 advice and guidance, intended destinations, "
        "September Guarantee offers and PEPs to Year 13.",
        frozenset(
            {
                Perm.VIEW_CASELOAD,
                Perm.VIEW_COUNCIL_PEOPLE,
                Perm.CHANGE_EDUCATION,
                Perm.MANAGE_SETTINGS,
                Perm.EXCHANGE_LISTS,
            }
        ),
    ),
    Role(
        "triage_coordinator",
        "Triage coordinator",
        "Works the central triage queue for the common referral: decides, prioritises and refers "
        "to the right service, and onward as the young person progresses.",
        frozenset({Perm.TRIAGE_REFERRALS, Perm.MANAGE_DIRECTORY}),
    ),
    Role(
        "consent_override_lead",
        "Consent override lead",
        "Works the triage queue and, exceptionally, sends a referral to an organisation the young "
        "person's consent does not cover, recording why (for example a risk of harm). Usually "
        "granted to one senior triage officer alongside the triage coordinator role.",
        frozenset({Perm.TRIAGE_REFERRALS, Perm.OVERRIDE_CONSENT}),
    ),
    Role(
        "partner_provider",
        "Partner provider",
        "Works for a college, the careers service, DWP, a charity, a training provider or an "
        "employer: sees only the referrals and young people sent to their organisation, and only "
        "the fields they need; accepts or declines; records engagement and outcome.",
        frozenset({Perm.RECEIVE_REFERRALS, Perm.MANAGE_DIRECTORY}),
        for_partners=True,
    ),
    Role(
        "partner_administrator",
        "Partner administrator",
        "Manages their own partner organisation's users, accepts or declines councils' invitations "
        "to work with it, ends partnerships, and reads their organisation's audit trail.",
        frozenset({Perm.MANAGE_USERS, Perm.ANSWER_PARTNERSHIPS, Perm.VIEW_AUDIT, Perm.EXPORT_AUDIT, Perm.MANAGE_API}),
        for_partners=True,
    ),
    Role(
        "employer_engagement_worker",
        "Employer engagement worker",
        "Keeps the employer network, opportunities (apprenticeships, work experience, jobs with "
        "guaranteed interviews, ring-fenced posts), applications and sustainment checks.",
        frozenset({Perm.MANAGE_EMPLOYERS, Perm.MANAGE_OPPORTUNITIES, Perm.PUT_FORWARD}),
    ),
    Role(
        "plan_lead",
        "Plan lead officer",
        "Records progress, next steps, rating and evidence of impact on the actions and recommendations they lead.",
        frozenset({Perm.VIEW_PLANS, Perm.UPDATE_PROGRESS}),
    ),
    Role(
        "performance_officer",
        "Performance officer",
        "Imports data (SSDA903 files, case-system exports), produces the statutory care leavers "
        "return, and sets benchmarks and targets.",
        frozenset(
            {
                Perm.VIEW_COUNCIL_PEOPLE,
                Perm.VIEW_AGGREGATES,
                Perm.VIEW_DRILLDOWN,
                Perm.MANAGE_TARGETS,
                Perm.WRITE_REPORT_COMMENTARY,
                Perm.IMPORT_DATA,
                Perm.EXPORT_RETURNS,
                Perm.VIEW_PLANS,
                Perm.MANAGE_PLANS,
                Perm.MANAGE_RATING_SCHEMES,
                Perm.MANAGE_SETTINGS,
                Perm.MANAGE_AGREEMENTS,
                Perm.EXCHANGE_LISTS,
            }
        ),
    ),
    Role(
        "councillor",
        "Councillor or senior manager",
        "Reads dashboards and committee reports: aggregate figures only, never a young person's record.",
        frozenset({Perm.VIEW_AGGREGATES, Perm.VIEW_PLANS}),
    ),
    Role(
        "administrator",
        "Administrator",
        "Manages the council's own users, teams and roles, invites partner organisations and ends "
        "partnerships, reads the council's audit trail, and sees whether its background work is stuck.",
        frozenset(
            {
                Perm.MANAGE_USERS,
                Perm.MANAGE_TEAMS,
                Perm.MANAGE_ORGANISATIONS,
                Perm.VIEW_AUDIT,
                Perm.EXPORT_AUDIT,
                Perm.MANAGE_RATING_SCHEMES,
                Perm.VIEW_BACKGROUND_WORK,
                Perm.MANAGE_AGREEMENTS,
                Perm.MANAGE_API,
            }
        ),
    ),
)

# Data protection (issue 22) ------------------------------------------------------------------------
ROLES += (
    Role(
        "data_protection_officer",
        "Data protection officer",
        "Answers subject access requests, restricts and corrects records on request, applies the "
        "retention rules and keeps the record of processing. Has no access to the caseload: sees a "
        "young person's data only in a subject access bundle.",
        frozenset(
            {
                Perm.HANDLE_SUBJECT_ACCESS,
                Perm.APPROVE_SUBJECT_ACCESS,
                Perm.RESTRICT_RECORDS,
                Perm.MANAGE_RETENTION,
                Perm.VIEW_RECORD_OF_PROCESSING,
            }
        ),
    ),
)

# Triage by a partner (issue 27) ------------------------------------------------------------------------
ROLES += (
    Role(
        "partner_triage_coordinator",
        "Partner triage coordinator",
        "Works for the agency a council lets triage its referrals (where referrals are triaged centrally by "
        "one agency): sees that council's triage queue and decides, prioritises and refers to services, only "
        "while the council's administrator has given their organisation the triage power on an accepted "
        "partnership. Sees nothing else of the council's: no young person's record, and a referral only "
        "while it waits for triage.",
        frozenset({Perm.TRIAGE_REFERRALS}),
        for_partners=True,
    ),
)

ROLES_BY_KEY: dict[str, Role] = {role.key: role for role in ROLES}


def permissions_for_roles(role_keys: set[str] | frozenset[str]) -> frozenset[Perm]:
    """Everything a holder of these roles may do (the union of the roles' permissions)."""
    granted: set[Perm] = set()
    for key in role_keys:
        role = ROLES_BY_KEY.get(key)
        if role is not None:
            granted |= role.permissions
    return frozenset(granted)


def render_permissions_doc() -> str:
    """The text of docs/permissions.md, generated from this catalogue."""
    lines = [
        "# Roles and permissions",
        "",
        "Generated from `onward/accounts/permissions.py` by `python manage.py permissions_doc`;",
        "do not edit by hand (a test checks that this page matches the code).",
        "",
        "A user may hold several roles; they may do what any of their roles allows. Roles are",
        "granted through groups by an administrator of the user's own organisation (a council's",
        "administrator, or a partner organisation's partner administrator). What a permission allows is always limited",
        "to the records in the user's scope, decided in each app's access policy (`onward/<app>/access.py`, built on the kernel in `onward/accounts/access.py`):",
        "",
        "- council staff see their own council's records only (the council is the tenant boundary);",
        "- a partner organisation's users see only what was shared with their organisation by a council",
        "  whose invitation their partner administrator accepted (and neither side has ended);",
        "- administrators manage the users of their own organisation only;",
        "- councillors and senior managers see aggregate figures only, never a young person's record.",
        "",
        "## Roles",
        "",
    ]
    for role in ROLES:
        lines.append(f"### {role.name} (`{role.key}`)")
        lines.append("")
        lines.append(role.summary)
        lines.append("")
        lines.append(
            "Granted to users of a partner organisation only."
            if role.for_partners
            else "Granted to council staff only."
        )
        lines.append("")
        lines.append("May:")
        lines.append("")
        for perm in Perm:
            if perm in role.permissions:
                lines.append(f"- {PERMISSION_DESCRIPTIONS[perm]} (`{perm.value}`)")
        lines.append("")
    lines += ["## Permissions by role", "", "| permission | " + " | ".join(r.name for r in ROLES) + " |"]
    lines.append("|---|" + "---|" * len(ROLES))
    for perm in Perm:
        cells = ["yes" if perm in role.permissions else "" for role in ROLES]
        lines.append(f"| `{perm.value}` | " + " | ".join(cells) + " |")
    lines.append("")
    from onward.accounts.rules import render_access_rules

    lines += render_access_rules()
    return "\n".join(lines)
