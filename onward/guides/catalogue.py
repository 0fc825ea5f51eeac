"""Every guide: its address, title, the roles it is for, and the pages of the service it explains.

A guide's text is its template, ``guides/pages/<slug>.html``. ``pages`` names the screens the
guide explains by URL name, or ``URL name?argument=value`` for one kind of a page (the record
form for a PEP); each of those screens shows "Help with this page" linking to the guide
(``onward.core.help``). Tests fail when a guide names a page that no longer exists, when a page
names a guide that is missing, and when a link in a guide leads nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse_lazy

from onward.core import help as core_help


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    summary: str
    roles: tuple[str, ...]
    pages: tuple[str, ...] = ()

    @property
    def template(self) -> str:
        return f"guides/pages/{self.slug}.html"

    def page_views(self) -> list[tuple[str, dict[str, str]]]:
        """Each page as (URL name, the URL arguments it must have)."""
        found = []
        for page in self.pages:
            view_name, _, query = page.partition("?")
            when = dict(part.split("=", 1) for part in query.split("&")) if query else {}
            found.append((view_name, when))
        return found


STAFF_WITH_CASELOADS = ("personal_adviser", "team_manager")
TRIAGE = ("triage_coordinator", "consent_override_lead", "partner_triage_coordinator")

GUIDES: tuple[Guide, ...] = (
    Guide(
        "find-a-young-person",
        "Find a young person and read their record",
        "Your caseload, filters, and what a young person's page shows.",
        ("personal_adviser", "team_manager", "virtual_school_officer", "performance_officer"),
        ("people:caseload", "people:person-detail", "people:person-create", "people:person-update"),
    ),
    Guide(
        "record-a-change",
        "Record a change in education or work",
        "Record a new activity, accommodation, a contact or a pathway plan review, and correct a mistake.",
        STAFF_WITH_CASELOADS,
        ("people:record-add", "people:record-add?kind=eet", "people:record-correct"),
    ),
    Guide(
        "record-education",
        "Record a PEP, an aspiration or an intended destination",
        "For the Virtual School: personal education plans, aspirations and intended destinations.",
        ("virtual_school_officer", "personal_adviser", "team_manager"),
        ("people:record-add?kind=pep", "people:record-add?kind=aspiration", "people:record-add?kind=destination"),
    ),
    Guide(
        "make-a-referral",
        "Make a referral with consent",
        "Find the right service, record the young person's consent and send the referral to triage.",
        STAFF_WITH_CASELOADS,
        ("referrals:referral-create", "referrals:referral-list", "referrals:directory", "referrals:feedback-add"),
    ),
    Guide(
        "triage-a-referral",
        "Triage a referral and its time limit",
        "Work the triage queue: refer, ask for more information or decline, within the time limit.",
        TRIAGE,
        ("referrals:triage-queue", "referrals:referral-detail", "referrals:monitoring"),
    ),
    Guide(
        "answer-a-referral",
        "Accept a referral and record what happens",
        "For partner organisations: accept or decline, then record contact, a start and the outcome.",
        ("partner_provider",),
        ("referrals:received-list", "referrals:received-detail", "referrals:partner-list"),
    ),
    Guide(
        "keep-a-service-up-to-date",
        "Keep a service in the directory up to date",
        "Add or change a service so that referrers find it and triage can send to it.",
        ("partner_provider", "triage_coordinator"),
        ("referrals:service-detail", "referrals:service-create", "referrals:service-update"),
    ),
    Guide(
        "put-forward-for-an-opportunity",
        "Put a young person forward for an opportunity",
        "Match young people and opportunities, and follow an application to a start and beyond.",
        ("personal_adviser", "team_manager", "employer_engagement_worker"),
        (
            "opportunities:for-person",
            "opportunities:opportunity-list",
            "opportunities:opportunity-detail",
            "opportunities:application-detail",
        ),
    ),
    Guide(
        "employers-and-opportunities",
        "Keep employers and opportunities up to date",
        "The employer network, its engagement log, and the opportunities employers offer.",
        ("employer_engagement_worker",),
        (
            "opportunities:employer-list",
            "opportunities:employer-detail",
            "opportunities:employer-create",
            "opportunities:employer-update",
            "opportunities:opportunity-create",
            "opportunities:opportunity-update",
            "opportunities:counts",
            "opportunities:training",
        ),
    ),
    Guide(
        "record-plan-progress",
        "Record progress on an action you lead",
        "Give your update in a review round: what has been achieved, next steps, a rating and evidence.",
        ("plan_lead", "performance_officer", "team_manager", "councillor"),
        ("plans:plan-list", "plans:plan-detail", "plans:due", "plans:item-detail", "plans:update-create"),
    ),
    Guide(
        "prepare-the-ssda903-return",
        "Prepare the SSDA903 return",
        "Complete the records the return needs, check it with the Department's rules and download it.",
        ("performance_officer",),
        ("returns:overview", "returns:check"),
    ),
    Guide(
        "import-data",
        "Import SSDA903 files and case-system exports",
        "Load data from your case management system: preview every change, then save it all or nothing.",
        ("performance_officer",),
        (
            "returns:import-upload",
            "returns:import-detail",
            "returns:case-upload",
            "returns:mapping-list",
            "returns:mapping-create",
            "returns:mapping-update",
        ),
    ),
    Guide(
        "targets-and-benchmarks",
        "Set targets and load benchmark figures",
        "Targets with dated steps, and statistical neighbours' figures to compare with.",
        ("performance_officer",),
        (
            "performance:target-list",
            "performance:target-create",
            "performance:target-detail",
            "performance:target-update",
            "performance:benchmark-upload",
            "performance:benchmark-detail",
        ),
    ),
    Guide(
        "read-the-figures",
        "Read the dashboard and the quarterly report",
        "What each figure counts, how it compares, and the young people behind it.",
        ("councillor", "team_manager", "performance_officer"),
        ("performance:dashboard", "performance:indicator", "performance:people", "performance:quarterly"),
    ),
    Guide(
        "neet-and-at-risk",
        "Watch the NEET cohort and those at risk",
        "Who is not in education, employment or training, who may soon be, and what to do.",
        STAFF_WITH_CASELOADS,
        ("people:neet", "people:at-risk"),
    ),
    Guide(
        "manage-users-and-teams",
        "Add users and teams, and give people roles",
        "For administrators: who may sign in, what each may do, and the teams caseloads belong to.",
        ("administrator", "partner_administrator"),
        (
            "accounts:user-list",
            "accounts:user-create",
            "accounts:user-detail",
            "accounts:user-update",
            "accounts:team-list",
            "accounts:team-create",
            "accounts:team-detail",
            "accounts:team-update",
        ),
    ),
    Guide(
        "work-with-partners",
        "Work with partner organisations",
        "Invite a college, charity or other partner, answer a council's invitation, or end a partnership.",
        ("administrator", "partner_administrator"),
        ("accounts:partner-list", "accounts:partner-add", "accounts:partner-detail", "accounts:partnership-list"),
    ),
    Guide(
        "read-the-audit-trail",
        "Read the audit trail",
        "Who viewed or changed which record, and when.",
        ("administrator", "partner_administrator"),
        ("audit:event-list",),
    ),
    Guide(
        "exchange-lists-with-settings",
        "Exchange lists with schools, colleges and Jobcentre Plus",
        "Keep the register of settings, record data sharing agreements, send a setting its list, match its "
        "on-roll list against every child in care and care leaver, and send Jobcentre Plus its list.",
        ("virtual_school_officer", "performance_officer", "administrator"),
        (
            "network:setting-list",
            "network:setting-create",
            "network:setting-load",
            "network:setting-detail",
            "network:setting-update",
            "network:setting-send",
            "network:roll-upload",
            "network:roll-detail",
            "network:school-years",
            "network:agreement-list",
            "network:agreement-create",
            "network:agreement-detail",
            "network:agreement-update",
            "network:work-coach-list",
            "network:work-coach-create",
            "network:work-coach-update",
            "network:jobcentre-send",
        ),
    ),
    Guide(
        "record-settings-and-benefits",
        "Record a young person's school or college and benefits",
        "Where a young person is on roll, their benefit and its status, their work coach, and correcting a mistake.",
        ("personal_adviser", "team_manager", "virtual_school_officer"),
        (
            "network:person-settings",
            "network:person-benefits",
            "network:setting-spell-correct",
            "network:benefit-correct",
        ),
    ),
    Guide(
        "mentors-carers-and-accommodation",
        "Mentors, carers, training and accommodation providers",
        "Match a young person with a mentor and log meetings, record their carers and invite them to reviews, "
        "record training, name an accommodation provider and plan a move on.",
        STAFF_WITH_CASELOADS,
        (
            "supporters:index",
            "supporters:mentor-list",
            "supporters:mentor-create",
            "supporters:mentor-detail",
            "supporters:mentor-update",
            "supporters:match-detail",
            "supporters:person",
            "supporters:match-create",
            "supporters:carer-create",
            "supporters:carer-update",
            "supporters:training",
            "supporters:provider-list",
            "supporters:provider-create",
            "supporters:provider-detail",
            "supporters:provider-update",
            "supporters:accommodation",
            "supporters:move-on",
            "supporters:move-on-update",
        ),
    ),
    Guide(
        "transitions-and-closure",
        "EHC plans, adult transitions and the closing letter",
        "Record EHC plans with their dates, act on the warning before a care leaver's plan ceases, refer to "
        "the adult transitions team, and give a young person their closing letter.",
        ("personal_adviser", "team_manager", "virtual_school_officer"),
        (
            "supporters:transitions",
            "supporters:transitions-person",
            "supporters:ehc-plan-update",
            "supporters:transition-update",
            "supporters:closure-letter",
        ),
    ),
    Guide(
        "data-protection",
        "Answer subject access requests, restrict records and apply retention",
        "Log and answer a subject access request, restrict a record, place a legal hold, approve deletions "
        "past their date, and read the record of processing.",
        ("data_protection_officer",),
        (
            "privacy:request-list",
            "privacy:request-create",
            "privacy:request-detail",
            "privacy:restriction-list",
            "privacy:retention",
            "privacy:record-of-processing",
        ),
    ),
)

GUIDES_BY_SLUG: dict[str, Guide] = {guide.slug: guide for guide in GUIDES}


def guides_for_role(role_key: str) -> list[Guide]:
    return [guide for guide in GUIDES if role_key in guide.roles]


def register_help() -> None:
    """Tell the page shell which guide explains each page.

    The addresses are worked out when first shown (``reverse_lazy``): reversing here, in ``ready()``, would
    load every app's URLs (the API's schemas with them) in every process, management commands included.
    """
    for guide in GUIDES:
        href = reverse_lazy("guides:guide", kwargs={"slug": guide.slug})
        for view_name, when in guide.page_views():
            core_help.register(view_name=view_name, href=href, when=when)


@dataclass(frozen=True)
class Term:
    term: str
    anchor: str
    meaning: str


GLOSSARY: tuple[Term, ...] = (
    Term(
        "Care leaver",
        "care-leaver",
        "A young person who was looked after by a council for at least 13 weeks after their 14th birthday, "
        "including some time after their 16th birthday. The council supports them at least until 21, and "
        "to 25 if they ask for it.",
    ),
    Term(
        "Eligible child",
        "eligible",
        "A young person aged 16 or 17 who is still looked after, and has been looked after for at least "
        "13 weeks in total since the age of 14, including some time after turning 16.",
    ),
    Term(
        "Relevant child",
        "relevant",
        "A young person aged 16 or 17 who was an eligible child and has now left care.",
    ),
    Term(
        "Former relevant child",
        "former-relevant",
        "A young person aged 18 to 21 who was an eligible or relevant child. The council's duties continue "
        "past 21 while they are in education or training on their pathway plan, and to 25 if they ask for "
        "a personal adviser.",
    ),
    Term(
        "Qualifying care leaver",
        "qualifying",
        "A young person under 21 who stopped being looked after (or was under a special guardianship order "
        "or privately fostered) after turning 16 but is not eligible or relevant. They get advice and "
        "assistance.",
    ),
    Term(
        "Leaving care category",
        "category",
        "Which of eligible, relevant, former relevant or qualifying a young person is. Onward works it out "
        "from their care history and date of birth; nobody types it in.",
    ),
    Term(
        "EET and NEET",
        "eet",
        "In education, employment or training (EET), or not (NEET). Onward also records why a young person "
        "is NEET, for example illness or disability, or pregnancy or parenting, as the SSDA903 return does.",
    ),
    Term(
        "Pathway plan",
        "pathway-plan",
        "The plan a care leaver makes with their personal adviser for the move to adult life: education, "
        "work, accommodation, money, health. It is reviewed at least every 6 months. Onward shows a plan "
        "as overdue once 6 months have passed since the last review.",
    ),
    Term(
        "Personal adviser (PA)",
        "personal-adviser",
        "The worker who keeps in touch with a care leaver, helps them with their pathway plan and stays "
        "with them to 21, or to 25 if they ask.",
    ),
    Term(
        "PEP (personal education plan)",
        "pep",
        "Part of a looked-after child's care plan that sets out their education: where they are, how they "
        "are doing and what support they need. It is reviewed every school term, led by the Virtual School.",
    ),
    Term(
        "Virtual School",
        "virtual-school",
        "The council's team, led by the Virtual School Head, that promotes the education of the children "
        "it looks after, wherever they go to school.",
    ),
    Term(
        "In touch",
        "in-touch",
        "Whether the council is in contact with the young person, as the SSDA903 return records it: yes, "
        "no, refuses contact, no longer needs services, returned home, or died.",
    ),
    Term(
        "SSDA903 return",
        "ssda903",
        "The return every council in England sends the Department for Education each year about the "
        "children it looks after. Its OC3 table is about care leavers: for each young person whose 17th to "
        "21st birthday falls in the collection year (1 April to 31 March), whether the council is in touch, "
        "their activity and their accommodation around that birthday. The Department's own rules check it.",
    ),
    Term(
        "OC3",
        "oc3",
        "The care leavers' table of the SSDA903 return: CHILD, DOB, IN_TOUCH, ACTIV and ACCOM.",
    ),
    Term(
        "NCCIS",
        "nccis",
        "The National Client Caseload Information System: how councils report the education, employment "
        "or training of young people of academic age 16 and 17 (and up to 25 with an education, health "
        "and care plan) to the Department for Education, with activity codes such as 540 and 610 to 680 "
        "for the kinds of NEET.",
    ),
    Term(
        "Suitable accommodation",
        "suitable-accommodation",
        "Accommodation that meets the standard in the Care Leavers (England) Regulations 2010. The SSDA903 "
        "return reports each young person's accommodation as suitable or not.",
    ),
    Term(
        "Triage",
        "triage",
        "The central step that every common referral goes through: a triage coordinator decides which "
        "services to send it to, asks for more information, or declines it, within a time limit.",
    ),
    Term(
        "Consent",
        "consent",
        "What the young person agreed when the referral was made: who gave consent, how, which "
        "organisations may receive the referral, what may be shared with them, for what purpose and until "
        "when.",
    ),
    Term(
        "Statistical neighbours",
        "statistical-neighbours",
        "Councils whose areas and populations are most like yours, used to compare figures fairly.",
    ),
)
