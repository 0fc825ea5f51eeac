"""The record of processing (UK GDPR Art. 30), generated from the models, the permission catalogue,
the access policies, consent and the retention rules.

:data:`KINDS` names, for each kind of personal data, the models holding it, the permissions through
which a role reaches it (and the scope ``onward.accounts.access`` applies), what is shared under
consent, and the retention rule. Who can see it is computed from the catalogue, so a new role or
permission shows here at once. ``tests/privacy/test_record_of_processing.py`` fails when a model
holding personal data (one linked to a young person, or with a person's name or contact fields) is
in no kind, so the record keeps step with the models the way docs/permissions.md does with roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from onward.accounts.permissions import ROLES, Perm
from onward.privacy import retention

PEOPLE = (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)
SCOPE_PEOPLE = (
    "Their own caseload, their team's, or the whole council's, by role; a restricted record only to the "
    "roles its restriction names"
)


@dataclass(frozen=True)
class Kind:
    title: str
    models: tuple[str, ...]
    data: str
    perms: tuple[Perm, ...]
    scope: str
    shared: str
    rule: str


KINDS: tuple[Kind, ...] = (
    Kind(
        "The young person's record",
        ("people.YoungPerson",),
        "Name, date of birth, sex, ethnicity, UPN, UASC, SEND and EHC plan, parenthood and pregnancy, "
        "contact details and address, communication preferences, care summary",
        PEOPLE,
        SCOPE_PEOPLE,
        "Contact details and support needs (SEND, EHC plan, parenting) to the partners a referral's consent "
        "names, while the consent stands",
        "care_record",
    ),
    Kind(
        "Care history and the EET journey",
        (
            "people.CareEpisode",
            "people.EETSpell",
            "people.AccommodationSpell",
            "people.Contact",
            "people.PathwayPlanReview",
            "people.PEP",
            "people.Aspiration",
            "people.IntendedDestination",
            "people.Allocation",
            "people.CaseClosure",
            "people.SupportRequest",
            "people.GuidanceAppointment",
            "people.PathwayPlanAudit",
            "people.HEApplication",
        ),
        "Care episodes (legal status, placement, postcodes), education, employment and training, accommodation "
        "and its suitability, contacts and notes, pathway plans and managers' audits of them, PEPs, aspirations, "
        "intended destinations, careers guidance appointments, applications to higher education, allocated "
        "workers, case closure, requests for support",
        PEOPLE,
        SCOPE_PEOPLE,
        "The EET history to a partner when a referral's consent lists it",
        "care_record",
    ),
    Kind(
        "Referrals and consent",
        ("referrals.Referral", "referrals.Consent", "referrals.Send", "referrals.Event", "referrals.Feedback"),
        "Needs, preferences, barriers, availability, triage notes, consent (who, how, to whom, what, until when), "
        "what each service did, feedback in the young person's words",
        (Perm.CREATE_REFERRALS, Perm.TRIAGE_REFERRALS, Perm.RECEIVE_REFERRALS, Perm.VIEW_TEAM_PEOPLE),
        "Council staff: triage the council's referrals, others those of young people they see; a partner only "
        "the referrals sent to it, while consent covers it; a partner the council lets triage (issue 27) only "
        "the referrals waiting for triage, while the council's link carries that power",
        "Only the fields the consent lists, to the organisations it names, until it expires or is withdrawn; "
        "a partner triaging for the council acts on its behalf and sees each referral only until it is triaged",
        "partner_referral",
    ),
    Kind(
        "Opportunities and applications",
        (
            "opportunities.Application",
            "opportunities.ApplicationEvent",
            "opportunities.SustainmentCheck",
            "opportunities.Support",
        ),
        "Who was put forward for what, consent, interviews, offers, starts, sustainment checks and support",
        (Perm.MANAGE_OPPORTUNITIES, Perm.PUT_FORWARD, Perm.RECEIVE_REFERRALS),
        "Engagement workers see the council's; advisers those of young people they see; an employer's own users "
        "the young people put forward to it",
        "The young person's name and application to the employer, with their consent, until it is withdrawn",
        "care_record",
    ),
    Kind(
        "Data protection records",
        (
            "privacy.SubjectAccessRequest",
            "privacy.Restriction",
            "privacy.RectificationRequest",
            "privacy.Rectification",
            "privacy.LegalHold",
            "privacy.Tombstone",
        ),
        "Subject access requests and their bundles, restrictions, requests to correct a record (what the young "
        "person says is wrong, the answer), corrections with their old and new values and reasons, legal holds, "
        "tombstones (counts only, no personal data)",
        (
            Perm.HANDLE_SUBJECT_ACCESS,
            Perm.APPROVE_SUBJECT_ACCESS,
            Perm.RESTRICT_RECORDS,
            Perm.MANAGE_RETENTION,
            Perm.CHANGE_PEOPLE,
        ),
        "The council's own, to its data protection officer; requests to correct a record also to staff who change "
        "the records of the young people they see",
        "Nothing",
        "care_record",
    ),
    Kind(
        "Staff and partners' users",
        (
            "accounts.User",
            "accounts.ExternalIdentity",
            "opportunities.EmployerContact",
            "supporters.TrainingRecord",
            "referrals.Service",
        ),
        "Names, work email addresses, organisation, roles and teams, sign-in factors and single sign-on identities; "
        "employers' contacts' names, roles, email and phone; staff training records; a directory entry's contact",
        (Perm.MANAGE_USERS, Perm.MANAGE_EMPLOYERS),
        "Administrators manage their own organisation's users only; engagement workers their council's employers",
        "Nothing",
        "audit",
    ),
    Kind(
        "Imported and returned files",
        ("returns.ImportRun", "returns.ReturnCheck", "referrals.PartnerListReturn", "participation.CareersReturn"),
        "SSDA903 and case-system files as uploaded (every young person in them), the return's check results by "
        "child, partners' lists of the young people referred to them, the careers service's returned feed",
        (Perm.IMPORT_DATA, Perm.EXPORT_RETURNS, Perm.RECEIVE_REFERRALS),
        "The council's own, to those who import data or make the return; a partner its own lists",
        "The monthly NCCIS feed to the careers service (16 and 17 year olds, under the council's duty)",
        "imported_files",
    ),
    Kind(
        "The network around the young person",
        (
            "network.SettingSpell",
            "network.BenefitSpell",
            "network.WorkCoach",
            "network.RollList",
            "supporters.Carer",
            "supporters.ReviewInvitation",
            "supporters.MentorMatch",
            "supporters.MentorMeeting",
            "supporters.EHCPlan",
            "supporters.TransitionReferral",
            "supporters.MoveOnPlan",
            "supporters.ProviderRating",
        ),
        "Schools and colleges attended, benefits and the Jobcentre Plus work coach, settings' on-roll lists, "
        "foster carers and residential staff, mentors matched and meetings, EHC plans and transitions, "
        "move-on plans, young people's ratings of their accommodation",
        PEOPLE,
        SCOPE_PEOPLE,
        "A setting's or Jobcentre Plus's list, only under a data sharing agreement in force (docs/network.md)",
        "care_record",
    ),
    Kind(
        "Financial support for education, employment and training",
        ("finance.SupportPayment",),
        "Payments paid and planned to or for the young person (higher education bursary, post-16 support, "
        "education transport, incentives to them or an employer): type, amount, date, status and a note",
        PEOPLE,
        SCOPE_PEOPLE + "; recorded by those who also hold CHANGE_PEOPLE; the council's totals by type and month "
        "(no young person's row) to staff who see aggregate figures",
        "Nothing",
        "care_record",
    ),
    Kind(
        "Mentors and accommodation providers",
        ("supporters.Mentor", "supporters.AccommodationProvider"),
        "Mentors' names, contact details, checks and training; providers' names and contacts",
        (Perm.MANAGE_SUPPORTERS, *PEOPLE),
        "The council's own registers",
        "Nothing",
        "care_record",
    ),
    Kind(
        "The young person's own service",
        (
            "portal.PortalAccount",
            "portal.SignInCode",
            "portal.Goal",
            "portal.Statement",
            "portal.SurveyResponse",
            "portal.Reminder",
        ),
        "Their portal account and sign-in codes (kept hashed), their goals and steps, what they said "
        '(check-ins, "this is wrong", interest, feedback, comments on the local offer), survey answers and '
        "the reminders emailed to them",
        (*PEOPLE, Perm.MANAGE_PORTAL),
        SCOPE_PEOPLE + "; the young person sees only their own",
        "Counts only, rounded and suppressed for councillors; never their words. To the partner providing a "
        "service they were referred to, while the referral's consent stands: their ratings of it without their "
        "name, and their words only when they agreed",
        "care_record",
    ),
    Kind(
        "Requests for support again not matched to a record",
        ("portal.ReturnerEnquiry",),
        "The name, date of birth and contact details a returner gave on the public form, what they asked "
        "help with, and what the council did",
        (Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE),
        "Their own council's requests, for staff who see young people beyond their own caseload",
        "Nothing",
        "returner_enquiry",
    ),
    Kind(
        "Figures worked out for today",
        ("people.RiskScore", "performance.PersonFacts"),
        "Derived, never typed: each young person's at-risk-of-NEET score with their legal name (for the list's "
        "order), and the facts the indicators count (age, sex, ethnicity, SEND, EHC plan, UASC, EET, "
        "accommodation and contact status) on one day, worked out again from the register as it changes",
        (*PEOPLE, Perm.VIEW_AGGREGATES),
        SCOPE_PEOPLE + "; the facts only as a council's counts",
        "Nothing",
        "care_record",
    ),
    Kind(
        "The audit trail",
        ("audit.AuditEvent",),
        "Who viewed, changed or exported which record, when, from which address, with the values changed",
        (Perm.VIEW_AUDIT,),
        "Their own organisation's trail",
        "Nothing",
        "audit",
    ),
)


@dataclass(frozen=True)
class Entry:
    kind: Kind
    roles: list[str]
    keep: str
    source: str


def listed_models() -> set[str]:
    return {label for kind in KINDS for label in kind.models}


def entries() -> list[Entry]:
    rules = {rule.key: rule for rule in retention.rules()}
    return [
        Entry(
            kind,
            [role.name for role in ROLES if role.permissions & set(kind.perms)],
            rules[kind.rule].keep,
            rules[kind.rule].source,
        )
        for kind in KINDS
    ]


def render_markdown() -> str:
    """The record of processing as Markdown (docs/privacy.md quotes it; the page shows the same)."""
    lines = [
        "| kind of personal data | models | who can see it | shared under consent | kept |",
        "|---|---|---|---|---|",
    ]
    for entry in entries():
        lines.append(
            f"| {entry.kind.title}: {entry.kind.data} | {', '.join(f'`{m}`' for m in entry.kind.models)} | "
            f"{', '.join(entry.roles)} ({entry.kind.scope}) | {entry.kind.shared} | {entry.keep} |"
        )
    return "\n".join(lines)


BEGIN = "<!-- record of processing: generated by `python manage.py record_of_processing_doc`; do not edit -->"
END = "<!-- end of the generated record of processing -->"


def replace_generated(text: str) -> str:
    """``text`` with the part between the markers replaced by the current record of processing."""
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n\n{render_markdown()}\n\n{END}{tail}"
