"""The access rules in words: who sees which records, and when.

One table, three readers: ``docs/permissions.md`` lists it (``manage.py permissions_doc``),
each app's access policy (``onward/<app>/access.py``, on the kernel in ``onward.accounts.access``) carries it out, and ``tests/test_access_rules.py`` builds, for each
row, a user who must see a record and one who must not, and checks both through the page and
through the policy in ``access``. A test fails when a row has no test, or a test no row, so the
three cannot drift apart. Change a rule here first, then its test, then the code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AccessRule:
    """One rule: who (``role``) sees which ``record``, under what ``condition``; ``visible`` says
    whether they see it (``"yes"``) or not (``"no"``)."""

    key: str
    role: str
    record: str
    condition: str
    visible: str


ACCESS_RULES: tuple[AccessRule, ...] = (
    AccessRule(
        "council-boundary",
        "Council staff, whatever their roles,",
        "a young person's record or referral",
        "of another council",
        "no",
    ),
    AccessRule(
        "council-wide-roles",
        "A council-wide role (Virtual School officer, performance officer)",
        "the record of a young person",
        "in any team of their own council, allocated to them or not",
        "yes",
    ),
    AccessRule(
        "team-manager",
        "A team manager",
        "a young person's record",
        "only when the young person is in one of the manager's teams or allocated to the manager; "
        "the young people of the council's other teams stay hidden",
        "yes",
    ),
    AccessRule(
        "caseload",
        "A personal adviser",
        "a young person's record",
        "only when they are the young person's personal adviser or hold an open allocation to them",
        "yes",
    ),
    AccessRule(
        "allocation-ended",
        "A worker",
        "a young person's record",
        "once their allocation has ended or was superseded (unless they are still the personal adviser)",
        "no",
    ),
    AccessRule(
        "no-record-roles",
        "Councillors, triage coordinators, plan leads, administrators and partners",
        "a young person's record in the register",
        "at all (councillors see aggregate figures only)",
        "no",
    ),
    AccessRule(
        "council-referrals",
        "A triage coordinator",
        "every referral of their council",
        "whoever the young person is allocated to (a personal adviser sees only the referrals of the young people they see)",
        "yes",
    ),
    AccessRule(
        "partner-consent",
        "A partner",
        "a referral sent to their organisation's service",
        "while the young person's consent names their organisation and has neither expired nor been withdrawn",
        "yes",
    ),
    AccessRule(
        "partner-consent-expired",
        "A partner",
        "a referral sent to them",
        "after the consent's expiry date (it shows on the expiry date itself, not the day after)",
        "no",
    ),
    AccessRule(
        "partner-consent-withdrawn",
        "A partner",
        "a referral sent to them",
        "once the consent has been withdrawn, even when it was shared under an override",
        "no",
    ),
    AccessRule(
        "partner-own-services",
        "A partner",
        "a referral sent to another organisation's service",
        "even when the consent names both organisations, or the referral was shared under a recorded override",
        "no",
    ),
    AccessRule(
        "partner-override",
        "A partner",
        "a referral sent to their organisation's service with a recorded consent override",
        "even though the consent does not name their organisation (until consent is withdrawn)",
        "yes",
    ),
    AccessRule(
        "partner-council",
        "A partner",
        "a referral sent to them",
        "from a council their organisation does not work with",
        "no",
    ),
    AccessRule(
        "partner-eet-history",
        "A partner",
        "the education, employment and training history of a young person referred to them",
        "only while they can see the referral and its consent lists that history among what may be shared",
        "yes",
    ),
    AccessRule(
        "employer-candidates",
        "An employer's user",
        "a young person put forward to an opportunity of their own employer",
        "while the young person's consent to being put forward stands; never those put forward to another "
        "employer, nor from a council their organisation does not work with",
        "yes",
    ),
    AccessRule(
        "aggregate-counts",
        "Referral monitoring",
        "a council's NEET young people in its counts",
        "for the user's own council only, read through the access module",
        "yes",
    ),
)

# Data protection (issue 22) -------------------------------------------------------------------------
ACCESS_RULES += (
    AccessRule(
        "restricted-record",
        "Everyone but the roles a restriction names (whatever else their roles allow)",
        "a young person's record, their referrals, what was sent to partners and their applications",
        "while the record is restricted; aggregate figures still count it",
        "no",
    ),
)

# The people and places around each young person (issue 27: onward/network, onward/supporters) --------
ACCESS_RULES += (
    AccessRule(
        "partner-triage",
        "A partner triage coordinator",
        "a referral of a council waiting for triage (or for more information)",
        "while that council's partnership with their organisation is live and carries the triage power, and "
        "consent has not been withdrawn; once triaged the referral leaves their view, and they see no young "
        "person's record",
        "yes",
    ),
    AccessRule(
        "partner-triage-without-power",
        "A partner triage coordinator",
        "a referral of a council",
        "whose partnership with their organisation carries no triage power (another council's, or the power "
        "taken away: at once), and any referral already triaged",
        "no",
    ),
    AccessRule(
        "network-histories",
        "Whoever sees a young person's record (and only they)",
        "that young person's school or college and benefit histories",
        "another council's records answer 404 as if missing",
        "yes",
    ),
    AccessRule(
        "network-agreements",
        "Council staff who record sharing agreements or exchange lists",
        "their own council's data sharing agreements",
        "never another council's",
        "yes",
    ),
    AccessRule(
        "supporters-records",
        "Whoever sees a young person's record (and only they)",
        "that young person's mentor matches and meetings, carers, EHC plans, move-on plans and adult "
        "transitions referrals",
        "another council's records answer 404 as if missing",
        "yes",
    ),
    AccessRule(
        "network-supporters-partners",
        "Partners and councillors, whatever their roles",
        "a young person's school or college, benefit, mentor, carer or EHC plan records, and the council's "
        "sharing agreements",
        "at all, even for a young person referred to their organisation (nothing of these is shared)",
        "no",
    ),
)

# Financial support for education, employment and training (issue 26: onward/finance, ADR 34) ---------
ACCESS_RULES += (
    AccessRule(
        "financial-support",
        "Whoever sees a young person's record (and only they)",
        "that young person's financial support payments, paid and planned",
        "recorded and changed only by those who also hold CHANGE_PEOPLE; another council's answer 404 as if missing",
        "yes",
    ),
    AccessRule(
        "financial-support-aggregate",
        "Partners and councillors, whatever their roles",
        "a young person's financial support payments",
        "at all: councillors see only the council's totals by type and month, an amount paid to 1 to 5 young "
        "people suppressed; partners see nothing of them",
        "no",
    ),
)

ACCESS_RULES_BY_KEY: dict[str, AccessRule] = {rule.key: rule for rule in ACCESS_RULES}


def render_access_rules() -> list[str]:
    """The rules as lines of Markdown, for docs/permissions.md."""
    lines = [
        "## Access rules",
        "",
        "Which records a user sees, whatever their permissions allow them to do. Each rule has a test",
        "(`tests/test_access_rules.py`) that builds a user who must see a record and one who must not,",
        "and checks both through the page and through the app's access policy (`onward/<app>/access.py`).",
        "",
        "| rule | role | record | condition | sees it |",
        "|---|---|---|---|---|",
    ]
    for rule in ACCESS_RULES:
        lines.append(f"| `{rule.key}` | {rule.role} | {rule.record} | {rule.condition} | {rule.visible} |")
    lines.append("")
    return lines
