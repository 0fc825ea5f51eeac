"""Every URL pattern, for every role and for an anonymous visitor, answers as decided.

The decisions are the table ``RULES`` below. A URL pattern added without a decision fails
``test_every_url_pattern_has_an_access_decision``: adding a page means deciding who may see it.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from onward.accounts.models import User
from onward.accounts.permissions import ROLES, Perm
from tests.conftest import Tenant, sign_in, signed_in_copy

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Rule:
    """Expected status of a GET for an audience ("anonymous", or a role key)."""

    expect: Callable[[User | None], int]
    method: str = "get"


def public(status: int = 200, signed_in: int | None = None) -> Rule:
    return Rule(lambda user: status if user is None or signed_in is None else signed_in)


def signed_in_only(status: int = 200) -> Rule:
    return Rule(lambda user: 302 if user is None else status)


def council_staff() -> Rule:
    return Rule(lambda user: 302 if user is None else (200 if user.is_council_staff else 403))


def council_record() -> Rule:
    """A council's record any of its staff may open; to a partner's user it does not exist."""
    return Rule(lambda user: 302 if user is None else (200 if user.is_council_staff else 404))


def needs(*perms: Perm, status: int = 200) -> Rule:
    return Rule(lambda user: 302 if user is None else (status if user.can(*perms) else 403))


def needs_any(*perms: Perm) -> Rule:
    return Rule(lambda user: 302 if user is None else (200 if user.can_any(perms) else 403))


def own_council_user(user: User) -> int:
    """A council staff member's record: its council's administrator opens it; to anyone else it does not exist."""
    return 200 if user.is_council_staff else 404


PEOPLE = (Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)
EMPLOYMENT = (Perm.MANAGE_EMPLOYERS, Perm.MANAGE_OPPORTUNITIES, Perm.PUT_FORWARD)


def post_only(rule_for_post: Rule | None = None) -> Rule:
    """A page that only accepts POST: GET answers 405 to everyone signed in."""
    return Rule(lambda user: 302 if user is None else 405)


# The supporters' pages: registers for council staff with people's records or MANAGE_SUPPORTERS;
# a young person's supporters for those who see young people; changes need CHANGE_PEOPLE or MANAGE_SUPPORTERS.
REGISTER_READERS = (*PEOPLE, Perm.MANAGE_SUPPORTERS)
SUPPORTERS_CHANGE = Rule(
    lambda user: (
        302
        if user is None
        else (200 if user.can_any(PEOPLE) and user.can_any((Perm.CHANGE_PEOPLE, Perm.MANAGE_SUPPORTERS)) else 403)
    )
)
SUPPORTERS_CHANGE = Rule(
    lambda user: (
        302
        if user is None
        else (200 if user.can_any(PEOPLE) and user.can_any((Perm.CHANGE_PEOPLE, Perm.MANAGE_SUPPORTERS)) else 403)
    )
)
SUPPORTERS_RULES: dict[str, Rule] = {
    "supporters:index": needs_any(*REGISTER_READERS),
    "supporters:mentor-list": needs_any(*REGISTER_READERS),
    "supporters:mentor-detail": needs_any(*REGISTER_READERS),
    "supporters:mentor-create": needs(Perm.MANAGE_SUPPORTERS),
    "supporters:mentor-update": needs(Perm.MANAGE_SUPPORTERS),
    "supporters:person": needs_any(*PEOPLE),
    "supporters:match-detail": needs_any(*PEOPLE),
    "supporters:match-create": SUPPORTERS_CHANGE,
    "supporters:carer-create": SUPPORTERS_CHANGE,
    "supporters:carer-update": SUPPORTERS_CHANGE,
    "supporters:review-invite": post_only(),
    "supporters:provider-list": needs_any(*REGISTER_READERS),
    "supporters:provider-detail": needs_any(*REGISTER_READERS),
    "supporters:provider-create": needs(Perm.MANAGE_SUPPORTERS),
    "supporters:provider-update": needs(Perm.MANAGE_SUPPORTERS),
    "supporters:accommodation": needs_any(*PEOPLE),
    "supporters:move-on": needs_any(*PEOPLE),
    "supporters:move-on-update": SUPPORTERS_CHANGE,
    "supporters:transitions": needs_any(*PEOPLE),
    "supporters:transitions-person": needs_any(*PEOPLE),
    "supporters:ehc-plan-update": SUPPORTERS_CHANGE,
    "supporters:ehc-plans-in-force": needs_any(*PEOPLE),
    "supporters:transition-update": SUPPORTERS_CHANGE,
    "supporters:closure-letter": needs_any(*PEOPLE),
    "supporters:training": Rule(
        lambda user: (
            302
            if user is None
            else (200 if user.is_council_staff and user.can_any((*REGISTER_READERS, *EMPLOYMENT)) else 403)
        )
    ),
}

# Financial support for EET (onward/finance, ADR 34): a young person's payments for those who see young
# people; recording needs CHANGE_PEOPLE; the council's report (totals only) for VIEW_AGGREGATES, staff only.
FINANCE_RECORD = Rule(
    lambda user: 302 if user is None else (200 if user.can_any(PEOPLE) and user.can(Perm.CHANGE_PEOPLE) else 403)
)
FINANCE_REPORT = Rule(
    lambda user: 302 if user is None else (200 if user.is_council_staff and user.can(Perm.VIEW_AGGREGATES) else 403)
)
FINANCE_RULES: dict[str, Rule] = {
    "finance:payments": needs_any(*PEOPLE),
    "finance:payment-create": FINANCE_RECORD,
    "finance:payment-update": FINANCE_RECORD,
    "finance:report": FINANCE_REPORT,
    "finance:report-export": FINANCE_REPORT,
}

RULES: dict[str, Rule] = {
    "core:home": signed_in_only(),
    "core:healthz": public(),
    "core:accessibility": public(),
    "core:cookies": public(),
    # Guides hold nothing of a council's: every signed-in user may read every one.
    "guides:index": signed_in_only(),
    "guides:glossary": signed_in_only(),
    "guides:role": signed_in_only(),
    "guides:guide": signed_in_only(),
    "accounts:sign-in": public(200, signed_in=302),
    # The provider sends the person back here; without a sign-in started in this browser it refuses (403).
    "accounts:oidc-callback": public(403, signed_in=302),
    "accounts:sign-in-settings": needs(Perm.MANAGE_USERS),
    "accounts:scim-token-create": post_only(),
    "accounts:saml-settings": needs(Perm.MANAGE_USERS),
    # Onward's SAML service provider metadata is public; with no SAML key set (as here) it says so (503).
    "accounts:saml-metadata": public(503),
    # The identity provider posts its response here: a GET is refused for everyone, signed in or not.
    "accounts:saml-acs": Rule(lambda user: 405),
    "accounts:scim-token-revoke": post_only(),
    # SCIM answers only a directory's bearer token: a browser's session, signed in or not, gets 401.
    "accounts:scim-users": Rule(lambda user: 401),
    "accounts:scim-user": Rule(lambda user: 401),
    "accounts:sign-out": post_only(),
    "accounts:signed-out": public(),
    "accounts:keep-alive": post_only(),
    "accounts:set-password": public(),
    "accounts:password-set": public(),
    # Signed in with both factors, these pages send the user on to their home page.
    "accounts:two-factor-setup": signed_in_only(302),
    "accounts:two-factor-verify": signed_in_only(302),
    "accounts:account": signed_in_only(),
    "accounts:team-list": council_staff(),
    "accounts:team-detail": council_record(),
    "accounts:team-create": needs(Perm.MANAGE_TEAMS),
    "accounts:team-update": needs(Perm.MANAGE_TEAMS),
    "accounts:user-list": needs(Perm.MANAGE_USERS),
    # The URL names a council user: a partner administrator manages only their own organisation's users.
    "accounts:user-detail": Rule(
        lambda user: 302 if user is None else (403 if not user.can(Perm.MANAGE_USERS) else own_council_user(user))
    ),
    "accounts:user-create": needs(Perm.MANAGE_USERS),
    "accounts:user-update": Rule(
        lambda user: 302 if user is None else (403 if not user.can(Perm.MANAGE_USERS) else own_council_user(user))
    ),
    "accounts:user-set-password-link": post_only(),
    "accounts:user-two-factor-reset": post_only(),
    "accounts:partner-list": needs(Perm.MANAGE_ORGANISATIONS),
    "accounts:partner-add": needs(Perm.MANAGE_ORGANISATIONS),
    "accounts:partner-detail": needs(Perm.MANAGE_ORGANISATIONS),
    "accounts:partnership-list": needs(Perm.ANSWER_PARTNERSHIPS),
    "accounts:partnership-change": post_only(),
    "people:caseload": needs_any(*PEOPLE),
    "people:caseload-export": needs_any(*PEOPLE),
    "people:neet": needs_any(*PEOPLE),
    "people:support-requests": needs_any(*PEOPLE),
    "people:at-risk": needs_any(*PEOPLE),
    "people:person-create": needs(Perm.CHANGE_PEOPLE),
    "people:person-detail": needs_any(*PEOPLE),
    "people:person-update": needs(Perm.CHANGE_PEOPLE),
    "people:record-add": needs(Perm.CHANGE_PEOPLE),
    "people:record-correct": needs(Perm.CHANGE_PEOPLE),
    "people:eet-end": needs(Perm.CHANGE_PEOPLE),
    "people:support-request-assess": needs(Perm.CHANGE_PEOPLE),
    # Higher education applications (issue 26): those who record education or the rest of the history.
    "people:he-application-status": Rule(
        lambda user: (
            302
            if user is None
            else (200 if user.can_any(PEOPLE) and user.can_any((Perm.CHANGE_PEOPLE, Perm.CHANGE_EDUCATION)) else 403)
        )
    ),
    "returns:overview": needs_any(Perm.IMPORT_DATA, Perm.EXPORT_RETURNS),
    "returns:export": needs(Perm.EXPORT_RETURNS),
    "returns:check": needs(Perm.EXPORT_RETURNS),
    "returns:import-upload": needs(Perm.IMPORT_DATA),
    "returns:import-detail": needs(Perm.IMPORT_DATA),
    "returns:import-problems-csv": needs(Perm.IMPORT_DATA),
    "returns:import-commit": post_only(),
    "returns:import-discard": post_only(),
    "returns:import-retry": post_only(),
    "returns:background-work": needs(Perm.VIEW_BACKGROUND_WORK),
    "returns:case-upload": needs(Perm.IMPORT_DATA),
    "performance:quarterly": needs(Perm.VIEW_AGGREGATES),
    "performance:quarterly-download": needs(Perm.VIEW_AGGREGATES),
    "performance:quarterly-commentary": needs(Perm.WRITE_REPORT_COMMENTARY),
    "performance:target-list": needs(Perm.MANAGE_TARGETS),
    "performance:target-create": needs(Perm.MANAGE_TARGETS),
    "performance:target-detail": needs(Perm.MANAGE_TARGETS),
    "performance:target-update": needs(Perm.MANAGE_TARGETS),
    "performance:target-step-remove": post_only(),
    "performance:benchmark-upload": needs(Perm.MANAGE_TARGETS),
    "performance:benchmark-example": needs(Perm.MANAGE_TARGETS),
    "performance:benchmark-detail": needs(Perm.MANAGE_TARGETS),
    "performance:benchmark-save": post_only(),
    "performance:benchmark-retry": post_only(),
    "performance:benchmark-discard": post_only(),
    "returns:mapping-list": needs(Perm.IMPORT_DATA),
    "returns:mapping-create": needs(Perm.IMPORT_DATA),
    "returns:mapping-update": needs(Perm.IMPORT_DATA),
    "participation:overview": needs_any(*PEOPLE),
    "participation:lapsing": needs_any(*PEOPLE),
    "participation:guarantee": needs_any(*PEOPLE),
    "participation:aspirations": needs_any(*PEOPLE),
    "participation:aspiration-sectors": needs_any(*PEOPLE),
    "participation:aspiration-destinations": needs_any(*PEOPLE),
    "participation:guarantee-report": Rule(
        lambda user: (
            302
            if user is None
            else (200 if user.is_council_staff and user.can(Perm.VIEW_AGGREGATES, Perm.VIEW_DRILLDOWN) else 403)
        )
    ),
    "participation:feed": needs(Perm.EXPORT_RETURNS),
    "participation:survey": needs(Perm.EXPORT_RETURNS),
    "participation:return-upload": needs(Perm.IMPORT_DATA),
    "participation:return-detail": needs(Perm.IMPORT_DATA),
    # The network around each young person (onward/network, docs/network.md)
    "network:setting-list": council_staff(),
    "network:setting-create": needs(Perm.MANAGE_SETTINGS),
    "network:setting-load": needs(Perm.MANAGE_SETTINGS),
    "network:setting-detail": council_staff(),
    "network:setting-update": needs(Perm.MANAGE_SETTINGS),
    "network:setting-send": needs(Perm.EXCHANGE_LISTS),
    "network:roll-upload": needs(Perm.EXCHANGE_LISTS),
    "network:roll-detail": needs(Perm.EXCHANGE_LISTS),
    "network:roll-commit": post_only(),
    "network:roll-discard": post_only(),
    "network:roll-retry": post_only(),
    "network:school-years": needs_any(*PEOPLE),
    "network:person-settings": Rule(
        lambda user: 302 if user is None else (200 if user.is_council_staff and user.can_any(PEOPLE) else 404)
    ),
    "network:person-benefits": Rule(
        lambda user: 302 if user is None else (200 if user.is_council_staff and user.can_any(PEOPLE) else 404)
    ),
    "network:setting-spell-correct": Rule(
        lambda user: (
            302
            if user is None
            else (
                (200 if user.can_any((Perm.CHANGE_PEOPLE, Perm.CHANGE_EDUCATION)) else 403)
                if user.is_council_staff and user.can_any(PEOPLE)
                else 404
            )
        )
    ),
    "network:benefit-correct": Rule(
        lambda user: (
            302
            if user is None
            else (
                (200 if user.can(Perm.CHANGE_PEOPLE) else 403)
                if user.is_council_staff and user.can_any(PEOPLE)
                else 404
            )
        )
    ),
    "network:agreement-list": Rule(
        lambda user: (
            302
            if user is None
            else (200 if user.is_council_staff and user.can_any((Perm.MANAGE_AGREEMENTS, Perm.EXCHANGE_LISTS)) else 403)
        )
    ),
    "network:agreement-create": needs(Perm.MANAGE_AGREEMENTS),
    "network:agreement-detail": Rule(
        lambda user: (
            302
            if user is None
            else (200 if user.is_council_staff and user.can_any((Perm.MANAGE_AGREEMENTS, Perm.EXCHANGE_LISTS)) else 403)
        )
    ),
    "network:agreement-update": needs(Perm.MANAGE_AGREEMENTS),
    "network:work-coach-list": council_staff(),
    "network:work-coach-create": needs(Perm.MANAGE_SETTINGS),
    "network:work-coach-update": needs(Perm.MANAGE_SETTINGS),
    "network:jobcentre-send": needs(Perm.EXCHANGE_LISTS),
    "referrals:referral-list": needs_any(
        Perm.CREATE_REFERRALS, Perm.TRIAGE_REFERRALS, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE
    ),
    "referrals:triage-queue": needs(Perm.TRIAGE_REFERRALS),
    "referrals:referral-create": needs(Perm.CREATE_REFERRALS),
    "referrals:referral-detail": Rule(
        lambda user: (
            302
            if user is None
            else (
                200
                if user.is_council_staff
                and user.can_any(
                    (Perm.CREATE_REFERRALS, Perm.TRIAGE_REFERRALS, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)
                )
                else 404
            )
        )
    ),
    "referrals:received-list": needs(Perm.RECEIVE_REFERRALS),
    "referrals:received-detail": needs(Perm.RECEIVE_REFERRALS),
    "referrals:directory": signed_in_only(),
    "referrals:neet-without-referral": needs_any(*PEOPLE),
    "referrals:monitoring": Rule(
        lambda user: (
            302
            if user is None
            else (200 if user.is_council_staff and user.can_any((Perm.TRIAGE_REFERRALS, Perm.VIEW_AGGREGATES)) else 403)
        )
    ),
    "referrals:monitoring-export": Rule(
        lambda user: (
            302
            if user is None
            else (200 if user.is_council_staff and user.can_any((Perm.TRIAGE_REFERRALS, Perm.VIEW_AGGREGATES)) else 403)
        )
    ),
    # Needs against provision (issue 26): as referral monitoring.
    "referrals:needs-provision": Rule(
        lambda user: (
            302
            if user is None
            else (200 if user.is_council_staff and user.can_any((Perm.TRIAGE_REFERRALS, Perm.VIEW_AGGREGATES)) else 403)
        )
    ),
    "referrals:needs-provision-people": Rule(
        lambda user: (
            302
            if user is None
            else (200 if user.is_council_staff and user.can_any((Perm.TRIAGE_REFERRALS, Perm.VIEW_DRILLDOWN)) else 403)
        )
    ),
    "referrals:needs-provision-export": Rule(
        lambda user: (
            302
            if user is None
            else (200 if user.is_council_staff and user.can_any((Perm.TRIAGE_REFERRALS, Perm.VIEW_AGGREGATES)) else 403)
        )
    ),
    "referrals:feedback-add": Rule(
        lambda user: 302 if user is None else (200 if user.can(Perm.CREATE_REFERRALS) else 403)
    ),
    "referrals:partner-list": needs(Perm.RECEIVE_REFERRALS),
    "referrals:partner-list-run": needs(Perm.RECEIVE_REFERRALS),
    "referrals:partner-list-retry": post_only(),
    "referrals:partner-list-discard": post_only(),
    "referrals:service-create": needs(Perm.MANAGE_DIRECTORY),
    "referrals:service-detail": signed_in_only(),
    # The URL names the partner's service: only the partner's own users may change it (ADR 14).
    "referrals:service-update": Rule(
        lambda user: (
            302
            if user is None
            else (403 if not user.can(Perm.MANAGE_DIRECTORY) else (404 if user.is_council_staff else 200))
        )
    ),
    "opportunities:opportunity-list": Rule(
        lambda user: 302 if user is None else (200 if user.is_council_staff and user.can_any(EMPLOYMENT) else 403)
    ),
    "opportunities:opportunity-detail": Rule(
        lambda user: 302 if user is None else (200 if user.is_council_staff and user.can_any(EMPLOYMENT) else 403)
    ),
    "opportunities:opportunity-create": needs(Perm.MANAGE_OPPORTUNITIES),
    "opportunities:opportunity-update": needs(Perm.MANAGE_OPPORTUNITIES),
    "opportunities:for-person": Rule(
        lambda user: (
            302
            if user is None
            else (
                200
                if user.is_council_staff and user.can_any(EMPLOYMENT) and user.can_any(PEOPLE)
                else (404 if user.is_council_staff and user.can_any(EMPLOYMENT) else 403)
            )
        )
    ),
    "opportunities:application-detail": Rule(
        lambda user: (
            302
            if user is None
            else (
                200
                if user.is_council_staff and (user.can(Perm.MANAGE_OPPORTUNITIES) or user.can(Perm.PUT_FORWARD))
                else 403
            )
        )
    ),
    "opportunities:employer-list": Rule(
        lambda user: 302 if user is None else (200 if user.is_council_staff and user.can_any(EMPLOYMENT) else 403)
    ),
    "opportunities:employer-detail": Rule(
        lambda user: 302 if user is None else (200 if user.is_council_staff and user.can_any(EMPLOYMENT) else 403)
    ),
    "opportunities:employer-create": needs(Perm.MANAGE_EMPLOYERS),
    "opportunities:employer-update": needs(Perm.MANAGE_EMPLOYERS),
    "opportunities:candidates": Rule(lambda user: 302 if user is None else 403),
    "opportunities:checks": needs(Perm.MANAGE_OPPORTUNITIES),
    "opportunities:counts": Rule(
        lambda user: 302 if user is None else (200 if user.is_council_staff and user.can_any(EMPLOYMENT) else 403)
    ),
    # Training records moved to onward/supporters: the old address sends employment staff there.
    "opportunities:training": Rule(
        lambda user: 302 if user is None else (302 if user.is_council_staff and user.can_any(EMPLOYMENT) else 403)
    ),
    "plans:plan-list": needs(Perm.VIEW_PLANS),
    "plans:plan-create": needs(Perm.MANAGE_PLANS),
    "plans:due": needs(Perm.UPDATE_PROGRESS),
    "plans:plan-detail": needs(Perm.VIEW_PLANS),
    "plans:plan-update": needs(Perm.MANAGE_PLANS),
    "plans:section-create": needs(Perm.MANAGE_PLANS),
    "plans:section-update": needs(Perm.MANAGE_PLANS),
    "plans:item-create": needs(Perm.MANAGE_PLANS),
    "plans:round-open": needs(Perm.MANAGE_PLANS),
    "plans:item-detail": needs(Perm.VIEW_PLANS),
    "plans:item-update": needs(Perm.MANAGE_PLANS),
    "plans:item-status": needs(Perm.MANAGE_PLANS),
    # A lead may update the items they lead (the plan lead leads the tenant's item); a manager any.
    "plans:update-create": needs_any(Perm.UPDATE_PROGRESS, Perm.MANAGE_PLANS),
    "plans:measure-create": needs(Perm.MANAGE_PLANS),
    "plans:measure-detail": needs(Perm.VIEW_PLANS),
    "plans:measure-update": needs(Perm.MANAGE_PLANS),
    "plans:round-detail": needs(Perm.VIEW_PLANS),
    "plans:round-close": post_only(),
    "plans:scheme-list": needs_any(Perm.VIEW_PLANS, Perm.MANAGE_RATING_SCHEMES),
    "plans:scheme-create": needs(Perm.MANAGE_RATING_SCHEMES),
    "plans:scheme-update": needs(Perm.MANAGE_RATING_SCHEMES),
    "plans:document": needs(Perm.VIEW_PLANS),
    "plans:round-document": needs(Perm.VIEW_PLANS),
    "plans:spreadsheet": needs(Perm.VIEW_PLANS),
    "plans:import-template": needs(Perm.VIEW_PLANS),
    "plans:import-new": needs(Perm.MANAGE_PLANS),
    "plans:import-into": needs(Perm.MANAGE_PLANS),
    "plans:import-run": needs(Perm.MANAGE_PLANS),
    "plans:import-run-retry": post_only(),
    "plans:import-run-discard": post_only(),
    "plans:meeting-create": needs(Perm.MANAGE_PLANS),
    "plans:meeting-detail": needs(Perm.VIEW_PLANS),
    "plans:meeting-update": needs(Perm.MANAGE_PLANS),
    "plans:decision-create": needs(Perm.MANAGE_PLANS),
    # A plan's structure (ADR 35): read with the plan, changed by those who manage plans.
    "plans:structure": needs(Perm.VIEW_PLANS),
    "plans:criterion-create": needs(Perm.MANAGE_PLANS),
    "plans:criterion-detail": needs(Perm.VIEW_PLANS),
    "plans:criterion-update": needs(Perm.MANAGE_PLANS),
    "plans:criterion-status": needs(Perm.MANAGE_PLANS),
    "plans:budget-create": needs(Perm.MANAGE_PLANS),
    "plans:budget-detail": needs(Perm.VIEW_PLANS),
    "plans:budget-update": needs(Perm.MANAGE_PLANS),
    "plans:spend-create": needs(Perm.MANAGE_PLANS),
    "plans:board-member-create": needs(Perm.MANAGE_PLANS),
    "plans:board-member-update": needs(Perm.MANAGE_PLANS),
    "plans:terms-create": needs(Perm.MANAGE_PLANS),
    "plans:schedule-create": needs(Perm.MANAGE_PLANS),
    "plans:schedule-update": needs(Perm.MANAGE_PLANS),
    "plans:schedule-sent": needs(Perm.MANAGE_PLANS),
    "audit:event-list": needs(Perm.VIEW_AUDIT),
    "performance:dashboard": needs(Perm.VIEW_AGGREGATES),
    "performance:indicator": needs(Perm.VIEW_AGGREGATES),
    "performance:people": needs(Perm.VIEW_AGGREGATES, Perm.VIEW_DRILLDOWN),
    "audit:event-export": needs(Perm.VIEW_AUDIT, Perm.EXPORT_AUDIT),
    # Open Referral UK (docs/oruk.md): each council's published directory is open to anyone, signed in
    # or not (it holds no personal data); the page giving its address is for the council's staff.
    "oruk:about": council_staff(),
    "oruk:root": public(),
    "oruk:services": public(),
    "oruk:service": public(),
    "oruk:service-at-locations": public(),
    "oruk:service-at-location": public(),
    "oruk:taxonomies": public(),
    "oruk:taxonomy": public(),
    "oruk:taxonomy-terms": public(),
    "oruk:taxonomy-term": public(),
    # Data protection (issue 22): the data protection officer's pages; nobody else's.
    "privacy:request-list": needs_any(Perm.HANDLE_SUBJECT_ACCESS, Perm.APPROVE_SUBJECT_ACCESS),
    "privacy:request-create": needs(Perm.HANDLE_SUBJECT_ACCESS),
    "privacy:request-detail": needs_any(Perm.HANDLE_SUBJECT_ACCESS, Perm.APPROVE_SUBJECT_ACCESS),
    "privacy:request-gather": post_only(),
    "privacy:request-review": post_only(),
    "privacy:request-approve": post_only(),
    # The tenant's request is not approved yet: its bundle is not there to download.
    "privacy:request-bundle": needs(Perm.APPROVE_SUBJECT_ACCESS, status=404),
    "privacy:restriction-list": needs(Perm.RESTRICT_RECORDS),
    "privacy:restriction-lift": post_only(),
    "privacy:retention": needs(Perm.MANAGE_RETENTION),
    "privacy:retention-delete": post_only(),
    "privacy:hold-lift": post_only(),
    "privacy:retention-run": post_only(),
    "privacy:record-of-processing": needs(Perm.VIEW_RECORD_OF_PROCESSING),
    # Requests to correct a record: the officer (the time limit) and staff who change young people's records;
    # the correction pages only to the latter (the officer has no access to the caseload).
    "privacy:correction-list": Rule(
        lambda user: (
            302
            if user is None
            else (
                200 if user.is_council_staff and user.can_any((Perm.HANDLE_SUBJECT_ACCESS, Perm.CHANGE_PEOPLE)) else 403
            )
        )
    ),
    "privacy:correction-detail": Rule(
        lambda user: (
            302
            if user is None
            else (
                200 if user.is_council_staff and user.can_any((Perm.HANDLE_SUBJECT_ACCESS, Perm.CHANGE_PEOPLE)) else 403
            )
        )
    ),
    "privacy:correction-decline": post_only(),
    "privacy:correct-person": Rule(
        lambda user: 302 if user is None else (200 if user.is_council_staff and user.can(Perm.CHANGE_PEOPLE) else 403)
    ),
    "privacy:correct-record": Rule(
        lambda user: 302 if user is None else (200 if user.is_council_staff and user.can(Perm.CHANGE_PEOPLE) else 403)
    ),
    # The people around each young person (onward/supporters, docs/supporters.md) ------------------
    **SUPPORTERS_RULES,
    **FINANCE_RULES,
}

# The open API (ADR 27) answers bearer tokens only: a browser's session, signed in or not, gets 401
# (problem details) on a GET endpoint and 405 on a POST-only one; the OpenAPI document is public.
# What each token may reach is tested in tests/api. Its administration pages are for api.manage.
API_POST_ONLY = {"eet_create", "eet_correct", "accommodation_create", "accommodation_correct", "contact_create"}
API_POST_ONLY |= {"received_accept", "received_decline", "received_outcome", "received_note"}
API_POST_ONLY |= {"export_ssda903", "export_nccis", "application_status"}
API_GET = {"me", "people_list", "person_detail", "referral_list", "received_list", "received_detail"}
API_GET |= {"opportunity_list", "opportunity_detail", "application_list", "application_detail", "indicator_list"}
API_GET |= {"export_detail", "export_file"}
RULES.update({f"api-v1:{name}": Rule(lambda user: 405) for name in API_POST_ONLY})
RULES.update({f"api-v1:{name}": Rule(lambda user: 401) for name in API_GET})
RULES.update(
    {
        "api-v1:openapi-json": public(),
        "api-v1:api-root": Rule(lambda user: 404),  # ninja's placeholder: nothing is served at /api/v1/
        "integrations:token-list": needs(Perm.MANAGE_API),
        "integrations:token-revoke": post_only(),
        "integrations:webhook-list": needs(Perm.MANAGE_API),
        "integrations:webhook-detail": Rule(
            lambda user: 302 if user is None else (403 if not user.can(Perm.MANAGE_API) else own_council_user(user))
        ),
        "integrations:webhook-disable": post_only(),
    }
)
API_KWARGS = ("person_id", "record_id", "send_id", "opportunity_id", "application_id", "job_id")


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
            else:
                names.add(f"<unnamed {pattern.pattern}>")

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_pattern_has_an_access_decision() -> None:
    """Adding a URL without deciding who may see it fails here."""
    undecided = all_url_names() - set(RULES)
    assert not undecided, f"No access decision in RULES for: {sorted(undecided)}"
    stale = set(RULES) - all_url_names()
    assert not stale, f"RULES names URLs that no longer exist: {sorted(stale)}"


def world_meeting(tenant: Tenant) -> Any:
    """A meeting of the tenant's plan (the shared world has none of its own)."""
    from django.utils import timezone

    from onward.plans.models import Meeting

    meeting, _ = Meeting.objects.get_or_create(
        plan=tenant.plan,
        theme="Education and training",
        defaults={
            "held_on": timezone.localdate(),
            "attendance": "Chair of the board\nLeaving care team manager",
            "recorded_by": tenant.users["performance_officer"],
        },
    )
    return meeting


def url_for(name: str, tenant: Tenant) -> str:
    """A URL for ``name`` pointing at records of the viewer's own council."""
    kwargs: dict[str, object] = {}
    if name.startswith("supporters:"):
        from tests.supporters.world import supporters_url

        return supporters_url(name, tenant)
    if name.startswith("finance:"):
        from tests.finance.world import finance_url

        return finance_url(name, tenant)
    if name.startswith(("my:", "portal:", "local-offer:")):  # the young people's own service: see the block at the end
        return portal_url_for(name, tenant)
    if name.startswith("plans:"):
        from tests.plans.structure_world import structure_url

        found = structure_url(name, tenant)  # a plan's structure (ADR 35)
        if found is not None:
            return found
    if name in ("accounts:team-detail", "accounts:team-update"):
        kwargs = {"pk": tenant.team.pk}
    elif name in (
        "accounts:user-detail",
        "accounts:user-update",
        "accounts:user-set-password-link",
        "accounts:user-two-factor-reset",
    ):
        kwargs = {"pk": tenant.users["personal_adviser"].pk}
    elif name in ("accounts:saml-metadata", "accounts:saml-acs"):
        kwargs = {"organisation": tenant.council.pk}
    elif name == "accounts:scim-user":
        kwargs = {"scim_id": str(tenant.users["personal_adviser"].pk)}
    elif name == "accounts:partner-detail":
        kwargs = {"pk": tenant.partner.pk}
    elif name == "accounts:partnership-change":
        from onward.accounts.models import Partnership

        kwargs = {"pk": Partnership.objects.get(council=tenant.council, partner=tenant.partner).pk}
    elif name in ("people:person-detail", "people:person-update"):
        kwargs = {"pk": tenant.person.pk}
    elif name == "people:record-add":
        kwargs = {"pk": tenant.person.pk, "kind": "eet"}
    elif name == "people:record-correct":
        kwargs = {"pk": tenant.person.pk, "kind": "eet", "record_pk": tenant.spell.pk}
    elif name == "people:eet-end":
        kwargs = {"pk": tenant.person.pk, "eet_spell_pk": tenant.spell.pk}
    elif name == "people:support-request-assess":
        kwargs = {"pk": tenant.person.pk, "request_pk": tenant.support.pk}
    elif name == "people:he-application-status":
        from tests.people.world import people_world

        kwargs = {"pk": tenant.person.pk, "application_pk": people_world(tenant).he_application.pk}
    elif name == "returns:mapping-update":
        kwargs = {"pk": tenant.mapping.pk}
    elif name in ("returns:export", "returns:check"):
        kwargs = {"year": 2025}
    elif name in (
        "returns:import-detail",
        "returns:import-problems-csv",
        "returns:import-commit",
        "returns:import-discard",
        "returns:import-retry",
    ):
        kwargs = {"pk": tenant.import_run.pk}
    elif name == "referrals:referral-create":
        kwargs = {"person_pk": tenant.person.pk}
    elif name in ("referrals:referral-detail", "referrals:feedback-add"):
        kwargs = {"pk": tenant.referral.pk}
    elif name in ("referrals:partner-list-run", "referrals:partner-list-retry", "referrals:partner-list-discard"):
        from onward.referrals.models import PartnerListReturn

        listed, _ = PartnerListReturn.objects.get_or_create(
            organisation=tenant.partner, council=tenant.council, file_name="roll.csv", defaults={"status": "committed"}
        )
        kwargs = {"pk": listed.pk}
    elif name == "referrals:received-detail":
        kwargs = {"pk": tenant.send.pk}
    elif name in ("referrals:service-detail", "referrals:service-update"):
        kwargs = {"pk": tenant.service.pk}
    elif name in ("opportunities:opportunity-detail", "opportunities:opportunity-update"):
        kwargs = {"pk": tenant.opportunity.pk}
    elif name in ("opportunities:employer-detail", "opportunities:employer-update"):
        kwargs = {"pk": tenant.employer.pk}
    elif name == "opportunities:application-detail":
        kwargs = {"pk": tenant.application.pk}
    elif name == "opportunities:for-person":
        kwargs = {"person_pk": tenant.person.pk}
    elif name in (
        "plans:plan-detail",
        "plans:plan-update",
        "plans:section-create",
        "plans:round-open",
        "plans:meeting-create",
    ):
        kwargs = {"pk": tenant.plan.pk}
    elif name in ("plans:meeting-detail", "plans:meeting-update", "plans:decision-create"):
        kwargs = {"pk": tenant.plan.pk, "meeting_pk": world_meeting(tenant).pk}
    elif name == "plans:section-update":
        kwargs = {"pk": tenant.plan.pk, "section_pk": tenant.plan_item.section_id}
    elif name == "plans:item-create":
        kwargs = {"plan_pk": tenant.plan.pk}
    elif name in ("plans:item-detail", "plans:item-update", "plans:item-status", "plans:update-create"):
        kwargs = {"pk": tenant.plan_item.pk}
    elif name == "plans:measure-create":
        kwargs = {"item_pk": tenant.plan_item.pk}
    elif name in ("plans:measure-detail", "plans:measure-update"):
        kwargs = {"pk": tenant.plan_measure.pk}
    elif name in ("plans:round-detail", "plans:round-close"):
        kwargs = {"pk": tenant.review_round.pk}
    elif name == "plans:scheme-update":
        kwargs = {"pk": tenant.rating_scheme.pk}
    elif name == "plans:document":
        kwargs = {"pk": tenant.plan.pk, "file_format": "docx"}
    elif name == "plans:round-document":
        kwargs = {"pk": tenant.plan.pk, "round_pk": tenant.review_round.pk, "file_format": "docx"}
    elif name == "plans:spreadsheet":
        kwargs = {"pk": tenant.plan.pk, "file_format": "xlsx"}
    elif name == "plans:import-template":
        kwargs = {"file_format": "xlsx"}
    elif name == "plans:import-into":
        kwargs = {"pk": tenant.plan.pk}
    elif name in ("plans:import-run", "plans:import-run-retry", "plans:import-run-discard"):
        from onward.plans.models import PlanImport

        run, _ = PlanImport.objects.get_or_create(
            council=tenant.council, file_name="plan.csv", defaults={"status": "rejected"}
        )
        kwargs = {"pk": run.pk}
    elif name == "guides:role":
        kwargs = {"role": "personal_adviser"}
    elif name == "guides:guide":
        kwargs = {"slug": "make-a-referral"}
    elif name in ("people:caseload-export", "referrals:monitoring-export"):
        kwargs = {"file_format": "csv"}
    elif name == "performance:quarterly-download":
        from django.utils import timezone

        from onward.performance.quarterly import last_complete_quarter

        kwargs = {"quarter": last_complete_quarter(timezone.localdate()).isoformat(), "file_format": "xlsx"}
    elif name == "performance:quarterly-commentary":
        from django.utils import timezone

        from onward.performance.quarterly import last_complete_quarter

        kwargs = {"quarter": last_complete_quarter(timezone.localdate()).isoformat(), "section": "eet"}
    elif name in ("performance:target-detail", "performance:target-update", "performance:target-step-remove"):
        from onward.performance.models import Target

        target, _ = Target.objects.get_or_create(council=tenant.council, indicator="eet_19_21")
        kwargs = {"pk": target.pk} | ({"step_pk": 1} if name.endswith("remove") else {})
    elif name in (
        "performance:benchmark-detail",
        "performance:benchmark-save",
        "performance:benchmark-discard",
        "performance:benchmark-retry",
    ):
        from onward.performance.models import BenchmarkSet

        benchmark_set, _ = BenchmarkSet.objects.get_or_create(
            council=tenant.council, file_name="sn.csv", defaults={"status": "rejected", "content": ""}
        )
        kwargs = {"pk": benchmark_set.pk}
    elif name == "performance:indicator":
        kwargs = {"code": "eet_19_21"}
    elif name == "performance:people":
        return reverse(name) + "?indicator=eet_19_21"
    elif name == "participation:return-detail":
        kwargs = {"pk": tenant.careers_return.pk}  # type: ignore[union-attr]
    elif name.startswith("privacy:request-") and name not in ("privacy:request-list", "privacy:request-create"):
        from onward.privacy.models import SubjectAccessRequest

        sar, _ = SubjectAccessRequest.objects.get_or_create(
            council=tenant.council,
            person=tenant.person,
            defaults={"via": "email", "received_on": datetime.date(2026, 1, 5), "due_on": datetime.date(2026, 2, 5)},
        )
        kwargs = {"pk": sar.pk} | ({"file_format": "pdf"} if name.endswith("bundle") else {})
    elif name in ("privacy:correction-detail", "privacy:correction-decline"):
        from onward.privacy.models import RectificationRequest

        found, _ = RectificationRequest.objects.get_or_create(
            council=tenant.council,
            person=tenant.person,
            defaults={
                "via": "email",
                "text": "My address is wrong",
                "received_on": datetime.date(2026, 1, 5),
                "due_on": datetime.date(2026, 2, 5),
            },
        )
        kwargs = {"pk": found.pk}
    elif name == "privacy:correct-person":
        kwargs = {"person_pk": tenant.person.pk}  # type: ignore[union-attr]
    elif name == "privacy:correct-record":
        kwargs = {"person_pk": tenant.person.pk, "kind": "eet", "record_pk": tenant.spell.pk}  # type: ignore[union-attr]
    elif name in ("privacy:restriction-lift", "privacy:hold-lift"):
        kwargs = {"pk": 1}
    elif name == "privacy:retention-delete":
        kwargs = {"person_pk": tenant.person.pk, "rule": "care_record"}  # type: ignore[union-attr]
    elif name.startswith("network:") and name not in ("network:person-settings", "network:person-benefits"):
        from tests.network.records import network_kwargs

        kwargs = network_kwargs(name, tenant)
    elif name in ("network:person-settings", "network:person-benefits"):
        kwargs = {"person_pk": tenant.person.pk}  # type: ignore[union-attr]
    elif name == "accounts:set-password":
        kwargs = {"uidb64": "MQ", "token": "not-a-real-token"}
    elif name.startswith("oruk:") and name != "oruk:about":
        from onward.oruk import mapping
        from onward.oruk.services import feed_publish

        kwargs = {"council": feed_publish(council=tenant.council).slug}
        if name == "oruk:service":
            kwargs["service_id"] = mapping.service_id(tenant.council, tenant.service)  # type: ignore[arg-type]
        elif name == "oruk:service-at-location":
            kwargs["service_at_location_id"] = mapping.service_at_location_id(tenant.council, tenant.service)  # type: ignore[arg-type]
        elif name == "oruk:taxonomy":
            kwargs["taxonomy_id"] = mapping.SERVICE_TYPE.id
        elif name == "oruk:taxonomy-term":
            kwargs["term_id"] = mapping.TERMS[0].id
    elif name.startswith("api-v1:"):
        return api_url(name)
    elif name in ("integrations:webhook-detail", "integrations:webhook-disable"):
        from onward.api.models import Webhook

        hook, _ = Webhook.objects.get_or_create(
            organisation=tenant.council,
            name="Case system",
            defaults={
                "user": tenant.users["personal_adviser"],
                "url": "https://case.example/hook",
                "events": ["referral"],
            },
        )
        kwargs = {"pk": hook.pk}
    return reverse(name, kwargs=kwargs)


def api_url(name: str) -> str:
    """An API endpoint's address, with 1 for each identifier it takes."""
    for count in range(3):
        for combination in itertools.combinations(API_KWARGS, count):
            try:
                return reverse(name, kwargs=dict.fromkeys(combination, 1))
            except NoReverseMatch:
                continue
    raise AssertionError(name)


def cache_directives(response: Any) -> set[str]:
    """The directives of a response's Cache-Control header, lower-cased, without their values."""
    header = response.get("Cache-Control", "")
    return {part.strip().split("=")[0].lower() for part in header.split(",") if part.strip()}


@pytest.mark.parametrize("audience", [ANONYMOUS, *(role.key for role in ROLES)])
def test_every_url_answers_each_audience_as_decided(audience: str, world: dict[str, Tenant]) -> None:
    """Each role (and an anonymous visitor) gets exactly the status the rules give, on every URL.

    The same walk holds the rule of tests/test_no_store.py: whatever a signed-in user is answered (a
    page, a download, a refusal, a redirect) says ``Cache-Control: no-store``."""
    tenant = world["A"]
    user = None if audience == ANONYMOUS else tenant.users[audience]
    mismatches = []
    kept = []
    signed = sign_in(Client(), user) if user is not None else None
    for name, rule in sorted(RULES.items()):
        client = signed_in_copy(signed) if signed is not None else Client()  # a clean session for each URL
        url = url_for(name, tenant)
        response = client.get(url)
        expected = rule.expect(user)
        if response.status_code != expected:
            mismatches.append(f"{name} {url}: expected {expected}, got {response.status_code}")
        if user is not None and "no-store" not in cache_directives(response):
            kept.append(f"{name} ({response.status_code}): {response.get('Cache-Control', 'no Cache-Control')}")
        if expected == 302 and user is None:
            # A young person's page sends to the portal's own sign-in (onward/portal, ADR 29).
            assert response["Location"].startswith(portal_redirect(name) or reverse("accounts:sign-in")), name
    assert not mismatches, "\n".join(mismatches)
    assert not kept, "answers to a signed-in user that a browser may keep:\n" + "\n".join(kept)


# The young people's own service (onward/portal, ADR 29) ------------------------------------------
# A young person is not a staff user: their pages (``my:``) send anyone without a portal sign-in,
# staff included, to the portal's sign-in page; the staff pages (``portal:``) are for staff who may
# change a young person's record. The young person's own answers are PORTAL_YOUNG_PERSON below, and
# another young person's ids answer 404 (test_a_young_person_gets_404_for_another_young_persons_ids).

PORTAL_SIGNED_IN = {
    "my:home",
    "my:local-offer",
    "my:survey",
    "my:you-said",
    "my:eet-wrong",
    "my:your-data",
    "my:goal-add",
    "my:action-add",
    "my:consent-withdraw",
    "my:feedback",
    "my:opportunities",
    "my:interested",
    "my:check-in",
    "my:closure-letter",
}
RULES.update({name: Rule(lambda user: 302) for name in PORTAL_SIGNED_IN})
RULES.update(
    {
        "my:sign-in": public(),
        # The code page needs an email given first in this session; otherwise back to the first step.
        "my:code": Rule(lambda user: 302),
        "my:sign-out": Rule(lambda user: 405),
        "my:goal-done": Rule(lambda user: 405),
        "my:signed-out": public(),
        "my:leave": Rule(lambda user: 302),
        "portal:invite": needs(Perm.CHANGE_PEOPLE),
        "portal:end": needs(Perm.CHANGE_PEOPLE),
        "portal:resolve": needs(Perm.CHANGE_PEOPLE),
        "portal:offer-list": needs(Perm.MANAGE_PORTAL),
        "portal:offer-edit": needs(Perm.MANAGE_PORTAL),
        "portal:surveys": needs(Perm.MANAGE_PORTAL),
        "portal:tasks": needs_any(*PEOPLE),
        "portal:themes": needs(Perm.MANAGE_PORTAL),
        "portal:theme-create": needs(Perm.MANAGE_PORTAL),
        "portal:theme-update": needs(Perm.MANAGE_PORTAL),
        # Counts only (rounded and suppressed for councillors), for council staff who see aggregates.
        "portal:feedback-figures": Rule(
            lambda user: (
                302 if user is None else (200 if user.is_council_staff and user.can(Perm.VIEW_AGGREGATES) else 403)
            )
        ),
        "portal:question-retire": post_only(),
        # Young people's ratings of a partner's own services, for those who receive its referrals.
        "portal:partner-feedback": needs(Perm.RECEIVE_REFERRALS),
        # Requests for support again that matched no record: council staff who see beyond a caseload;
        # acting on one (its page) also needs CHANGE_PEOPLE.
        "portal:returner-enquiries": Rule(
            lambda user: (
                302
                if user is None
                else (
                    200
                    if user.is_council_staff and user.can_any((Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE))
                    else 403
                )
            )
        ),
        "portal:returner-enquiry": Rule(
            lambda user: (
                302
                if user is None
                else (
                    200
                    if user.is_council_staff
                    and user.can(Perm.CHANGE_PEOPLE)
                    and user.can_any((Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE))
                    else 403
                )
            )
        ),
        # A council's published local offer is public, to anyone, signed in or not.
        "local-offer:current": public(),
        "local-offer:version": public(),
        "local-offer:support-again": public(),
    }
)

# What a signed-in young person gets, on their own records.
PORTAL_YOUNG_PERSON = {
    **dict.fromkeys(PORTAL_SIGNED_IN, 200),
    "my:sign-in": 302,  # already signed in: on to their page
    "my:code": 302,
    "my:sign-out": 405,
    "my:goal-done": 405,
    "my:signed-out": 200,
    "my:leave": 302,
    # Staff pages: a young person is not signed in as staff.
    "portal:invite": 302,
    "portal:end": 302,
    "portal:resolve": 302,
    "portal:offer-list": 302,
    "portal:offer-edit": 302,
    "portal:surveys": 302,
    "portal:tasks": 302,
    "portal:returner-enquiries": 302,
    "portal:returner-enquiry": 302,
    "portal:themes": 302,
    "portal:theme-create": 302,
    "portal:theme-update": 302,
    "portal:feedback-figures": 302,
    "portal:question-retire": 302,
    "portal:partner-feedback": 302,
    "local-offer:current": 200,
    "local-offer:version": 200,
    "local-offer:support-again": 200,
}
# The world's young person's case is not closed: there is no closing letter for them (tests/portal).
PORTAL_YOUNG_PERSON["my:closure-letter"] = 404
PORTAL_WITH_IDS = {"my:action-add", "my:consent-withdraw", "my:feedback", "my:interested", "my:goal-done"}


def portal_redirect(name: str) -> str | None:
    """Where a young person's page sends a visitor without a portal sign-in (None: not a portal page)."""
    from django.conf import settings

    if name in PORTAL_SIGNED_IN or name == "my:code":
        return reverse("my:sign-in")
    return settings.ONWARD_PORTAL_EXIT_URL if name == "my:leave" else None


def portal_records(tenant: Tenant) -> dict[str, Any]:
    """The tenant's young person's portal account, a goal and something they said (made once)."""
    from django.utils import timezone

    from onward.portal.models import Goal, PortalAccount, Statement

    assert tenant.person is not None
    account = PortalAccount.objects.filter(person=tenant.person).first()
    if account is None:
        from onward.portal import services

        account = services.account_invite(
            acting_user=tenant.users["personal_adviser"],
            person=tenant.person,
            email=f"yp@{tenant.council.pk}.example",
            consent_given_on=timezone.localdate(),
            consent_method="in_person",
        )
    goal = Goal.objects.filter(person=tenant.person).first() or Goal.objects.create(
        person=tenant.person, area="employment", text="Get a job", owner="young_person", added_by_young_person=True
    )
    statement = Statement.objects.filter(person=tenant.person).first() or Statement.objects.create(
        council=tenant.council, person=tenant.person, kind="check_in", mood="ok"
    )
    offer, draft = portal_offers(tenant)
    return {"account": account, "goal": goal, "statement": statement, "offer": offer, "offer_draft": draft}


def portal_offers(tenant: Tenant) -> tuple[Any, Any]:
    """A published local offer of the tenant's council and a draft of its next version."""
    from onward.portal import services
    from onward.portal.models import LocalOffer

    offers = LocalOffer.objects.filter(council=tenant.council)
    if not offers.exists():
        manager = tenant.users["team_manager"]
        first = services.offer_draft_start(acting_user=manager, council=tenant.council)
        services.offer_draft_save(
            acting_user=manager,
            offer=first,
            version=first.version,
            introduction="What we offer",
            sections={"money": {"text": "A setting-up home allowance", "entitlements": "", "contacts": ""}},
        )
        services.offer_publish(acting_user=manager, offer=first)
        services.offer_draft_start(acting_user=manager, council=tenant.council)
    return offers.get(status="published"), offers.get(status="draft")


def portal_world(tenant: Tenant) -> None:
    """Every kind of portal record for the tenant (for the tenant isolation test)."""
    from onward.portal.models import SurveyQuestion, Theme

    portal_records(tenant)
    Theme.objects.get_or_create(
        council=tenant.council, title="Money", defaults={"created_by": tenant.users["team_manager"]}
    )
    SurveyQuestion.objects.get_or_create(
        council=tenant.council,
        text="Do you feel safe?",
        defaults={"kind": "yes_no", "created_by": tenant.users["team_manager"]},
    )


def portal_url_for(name: str, tenant: Tenant) -> str:
    records = portal_records(tenant)
    assert tenant.person is not None and tenant.referral is not None and tenant.send is not None
    kwargs: dict[str, object] = {}
    if name in ("portal:invite", "portal:end"):
        kwargs = {"pk": tenant.person.pk}
    elif name == "portal:resolve":
        kwargs = {"pk": tenant.person.pk, "statement_pk": records["statement"].pk}
    elif name == "portal:question-retire":
        from onward.portal.models import SurveyQuestion

        question = SurveyQuestion.objects.filter(council=tenant.council).first() or SurveyQuestion.objects.create(
            council=tenant.council,
            text="Do you feel safe where you live?",
            kind="yes_no",
            created_by=tenant.users["team_manager"],
        )
        kwargs = {"pk": question.pk}
    elif name == "portal:theme-update":
        from onward.portal.models import Theme

        theme = Theme.objects.filter(council=tenant.council).first() or Theme.objects.create(
            council=tenant.council, title="Money", created_by=tenant.users["team_manager"]
        )
        kwargs = {"pk": theme.pk}
    elif name == "portal:offer-edit":
        kwargs = {"pk": records["offer_draft"].pk}
    elif name == "portal:returner-enquiry":
        from onward.portal.models import ReturnerEnquiry

        enquiry = ReturnerEnquiry.objects.filter(council=tenant.council).first() or ReturnerEnquiry.objects.create(
            council=tenant.council,
            given_name="Alex",
            family_name="Unmatched",
            date_of_birth=datetime.date(2003, 1, 1),
            contact="07700 900000",
            needs="Help with college",
            received_on=datetime.date(2026, 1, 5),
            reason=ReturnerEnquiry.Reason.NO_MATCH,
        )
        kwargs = {"pk": enquiry.pk}
    elif name in ("local-offer:current", "local-offer:support-again"):
        kwargs = {"council": tenant.council.pk}
    elif name == "local-offer:version":
        kwargs = {"council": tenant.council.pk, "number": records["offer"].number}
    elif name in ("my:action-add",):
        kwargs = {"goal_pk": records["goal"].pk}
    elif name == "my:goal-done":
        kwargs = {"pk": records["goal"].pk}
    elif name == "my:consent-withdraw":
        kwargs = {"pk": tenant.referral.pk}
    elif name == "my:feedback":
        kwargs = {"pk": tenant.send.pk}
    elif name == "my:interested":
        assert tenant.opportunity is not None
        kwargs = {"pk": tenant.opportunity.pk}
    return reverse(name, kwargs=kwargs)


def portal_client(tenant: Tenant) -> Client:
    from django.utils import timezone

    from onward.portal import access

    account = portal_records(tenant)["account"]
    client = Client()
    session = client.session
    session[access.SESSION_ACCOUNT] = account.pk
    session[access.SESSION_EPOCH] = account.session_epoch
    session[access.SESSION_STARTED] = timezone.now().timestamp()
    session.save()
    return client


def test_every_portal_url_has_a_young_person_decision() -> None:
    names = {name for name in all_url_names() if name.startswith(("my:", "portal:", "local-offer:"))}
    assert names == set(PORTAL_YOUNG_PERSON), sorted(names ^ set(PORTAL_YOUNG_PERSON))


def test_a_young_person_gets_their_own_pages(world: dict[str, Tenant]) -> None:
    """Signed in to their own service, a young person gets each page as decided, on their own records."""
    tenant = world["A"]
    mismatches = []
    for name, expected in sorted(PORTAL_YOUNG_PERSON.items()):
        client = portal_client(tenant)  # a fresh sign-in for each ("Leave this site" ends it)
        url = portal_url_for(name, tenant)
        status = client.get(url).status_code
        if status != expected:
            mismatches.append(f"{name} {url}: expected {expected}, got {status}")
    assert not mismatches, "\n".join(mismatches)


def test_a_young_person_gets_404_for_another_young_persons_ids(world: dict[str, Tenant]) -> None:
    """Another young person's goal, referral, service or opportunity (another council's) does not exist for them."""
    client = portal_client(world["A"])
    for name in sorted(PORTAL_WITH_IDS):
        url = portal_url_for(name, world["B"])
        response = client.post(url) if name == "my:goal-done" else client.get(url)
        assert response.status_code == 404, name


def test_a_young_person_gets_404_for_another_young_persons_ids_in_the_same_council(world: dict[str, Tenant]) -> None:
    """The same for a second young person of the same council."""
    from tests.factories import YoungPersonFactory

    tenant = world["A"]
    client = portal_client(tenant)
    other = YoungPersonFactory(council=tenant.council)
    from onward.portal.models import Goal

    goal = Goal.objects.create(person=other, area="employment", text="Their goal", owner="young_person")
    assert client.get(reverse("my:action-add", kwargs={"goal_pk": goal.pk})).status_code == 404
    assert client.post(reverse("my:goal-done", kwargs={"pk": goal.pk})).status_code == 404
    goal.refresh_from_db()
    assert goal.done_at is None
