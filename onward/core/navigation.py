"""The service navigation: one list, filtered by what the signed-in user may do.

Each capability adds its pages here; an item shows only to users holding one of its permissions
(or to every signed-in council user, if it names none).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from onward.accounts.models import User
from onward.accounts.permissions import Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    any_of: tuple[Perm, ...] = ()
    council_staff_only: bool = False
    employers_only: bool = False

    def visible_to(self, user: User) -> bool:
        if self.council_staff_only and not user.is_council_staff:
            return False
        if self.employers_only and user.organisation.kind != "employer":
            return False
        return not self.any_of or user.can_any(self.any_of)


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("Home", "core:home"),
    NavItem("Young people", "people:caseload", (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)),
    NavItem("NEET cohort", "people:neet", (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)),
    NavItem("At risk of NEET", "people:at-risk", (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)),
    NavItem(
        "16 to 17 participation",
        "participation:overview",
        (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE),
    ),
    NavItem("Triage", "referrals:triage-queue", (Perm.TRIAGE_REFERRALS,)),
    NavItem("Referrals received", "referrals:received-list", (Perm.RECEIVE_REFERRALS,)),
    NavItem("Referrals", "referrals:referral-list", (Perm.CREATE_REFERRALS,)),
    NavItem(
        "Requests for support",
        "people:support-requests",
        (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE),
    ),
    NavItem(
        "Opportunities",
        "opportunities:opportunity-list",
        (Perm.MANAGE_EMPLOYERS, Perm.MANAGE_OPPORTUNITIES, Perm.PUT_FORWARD),
        council_staff_only=True,
    ),
    NavItem("Employers", "opportunities:employer-list", (Perm.MANAGE_EMPLOYERS, Perm.MANAGE_OPPORTUNITIES)),
    NavItem("Sustainment checks", "opportunities:checks", (Perm.MANAGE_OPPORTUNITIES,), council_staff_only=True),
    NavItem("Candidates", "opportunities:candidates", (Perm.RECEIVE_REFERRALS,), employers_only=True),
    NavItem(
        "Referral monitoring",
        "referrals:monitoring",
        (Perm.TRIAGE_REFERRALS, Perm.VIEW_AGGREGATES),
        council_staff_only=True,
    ),
    NavItem(
        "Directory",
        "referrals:directory",
        (Perm.CREATE_REFERRALS, Perm.TRIAGE_REFERRALS, Perm.RECEIVE_REFERRALS, Perm.MANAGE_DIRECTORY),
    ),
    NavItem("Plans", "plans:plan-list", (Perm.VIEW_PLANS,), council_staff_only=True),
    NavItem("Rating schemes", "plans:scheme-list", (Perm.MANAGE_RATING_SCHEMES,), council_staff_only=True),
    NavItem("Performance", "performance:dashboard", (Perm.VIEW_AGGREGATES,), council_staff_only=True),
    NavItem("Quarterly report", "performance:quarterly", (Perm.VIEW_AGGREGATES,), council_staff_only=True),
    NavItem("Targets", "performance:target-list", (Perm.MANAGE_TARGETS,)),
    NavItem("Statutory returns", "returns:overview", (Perm.IMPORT_DATA, Perm.EXPORT_RETURNS)),
    NavItem("NCCIS feed", "participation:feed", (Perm.EXPORT_RETURNS,)),
    NavItem("Local offer", "portal:offer-list", (Perm.MANAGE_PORTAL,), council_staff_only=True),  # onward/portal
    NavItem(
        "Requests from young people",
        "portal:tasks",
        (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE),
        council_staff_only=True,
    ),
    NavItem("Young people's voice", "portal:feedback-figures", (Perm.VIEW_AGGREGATES,), council_staff_only=True),
    NavItem("Teams", "accounts:team-list", council_staff_only=True),
    NavItem("Users", "accounts:user-list", (Perm.MANAGE_USERS,)),
    NavItem("Partner organisations", "accounts:partner-list", (Perm.MANAGE_ORGANISATIONS,)),
    NavItem("Councils you work with", "accounts:partnership-list", (Perm.ANSWER_PARTNERSHIPS,)),
    NavItem("Audit trail", "audit:event-list", (Perm.VIEW_AUDIT,)),
    NavItem("Background work", "returns:background-work", (Perm.VIEW_BACKGROUND_WORK,), council_staff_only=True),
    NavItem("Guides", "guides:index"),
)


def navigation_for(user: User, current_path: str) -> list[dict[str, object]]:
    """The user's items; the one whose address is the longest start of the current path is active."""
    items = []
    for item in NAVIGATION:
        if not item.visible_to(user):
            continue
        href = reverse(item.url_name)
        active = current_path == href if href == "/" else current_path.startswith(href)
        items.append({"text": item.label, "href": href, "active": active, "url_name": item.url_name})
    matches = [entry for entry in items if entry["active"]]
    if len(matches) > 1:
        longest = max(matches, key=lambda entry: len(str(entry["href"])))
        for entry in matches:
            entry["active"] = entry is longest
    return items
