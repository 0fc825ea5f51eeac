"""Demo plans: one in each of the four shapes, each with two review rounds of history.

A scrutiny monitoring progress update (graded 1 to 4), a work plan against a quality mark (RAG,
themes and objectives with criteria, one item superseded and one withdrawn), an action plan (RAG,
areas with aims, a stepped trajectory) and a scrutiny action plan with the council's responses.
Each has a closed round with its snapshot and an open round awaiting updates; the demo plan lead
leads several items. Every word is invented. Idempotent; called by ``load_demo``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from faker import Faker

from onward.accounts.models import Organisation, User
from onward.plans import schemes, services
from onward.plans.models import Decision, Item, Plan, ReviewRound, Section

D = Decimal


@dataclass
class DemoItem:
    reference: str
    text: str
    leads: list[str]  # demo user local parts; "named" adds a lead who is not a user
    due: list[tuple[int, str]]  # (months from the plan's agreement, what is due)
    agreed_action: str = ""
    success: str = ""
    first: dict[str, Any] = field(default_factory=dict)  # the update in the closed round
    second: dict[str, Any] | None = None  # the update in the open round, if given yet
    status: tuple[str, str] | None = None  # (status, reason) after the first round
    measure: dict[str, Any] | None = None


@dataclass
class DemoSection:
    kind: str
    reference: str
    title: str
    aim: str = ""
    criteria: str = ""
    parent: str = ""  # the reference of the theme it sits in
    items: list[DemoItem] = field(default_factory=list)


def _u(text: str, rating: str, **extra: Any) -> dict[str, Any]:
    """An update: achievements (✓) and next steps (⇒) split on "|" and ">" in ``text``."""
    done, _, next_steps = text.partition(">")
    return {
        "achievements": [part.strip() for part in done.split("|") if part.strip()],
        "next_steps": [part.strip() for part in next_steps.split("|") if part.strip()],
        "rating": rating,
        **extra,
    }


SCRUTINY_MONITORING = [
    DemoSection(
        "area",
        "",
        "Recommendations of the review",
        items=[
            DemoItem(
                "1",
                "Strengthen the move from children's to adult services so that young people leaving care keep "
                "their place in learning or work after their eighteenth birthday.",
                ["planlead", "manager"],
                [(7, "First review against the council's EET target"), (19, "Second review against the target")],
                agreed_action="Set up a time-limited working group across leaving care, the Virtual School and "
                "adult services to agree a transition checklist, then audit ten transitions a quarter.",
                success="More young people move into, and stay in, education, employment or training after 18: "
                "the rate meeting the council's EET target (set on the targets page).",
                first=_u(
                    "",
                    "3",
                    rating_explanation="The working group paused while the service was restructured; it met again "
                    "in the spring with new members.",
                    evidence_of_progress="The checklist is in draft; the success measure below quotes the live "
                    "figure against the national one.",
                    evidence_of_impact="A small rise since the baseline; the focus stays on the year after 19.",
                ),
                second=_u(
                    "",
                    "2",
                    rating_explanation="The checklist is in use in both leaving care teams.",
                    evidence_of_progress="The checklist is used at every review; the success measure below quotes "
                    "the live figure against the national one.",
                    evidence_of_impact="Fewer young people lost contact in the three months after 18.",
                ),
                measure={
                    "name": "Care leavers aged 19 to 21 in education, employment or training",
                    "unit": "percent",
                    "indicator": "eet_19_21",
                    "baseline": D("48"),
                    # Bound to the indicator: the figures are counted and the targets are the council's.
                    "targets": [],
                    "actuals": [],
                },
            ),
            DemoItem(
                "2",
                "Give each young person one worker who brings together the support for education, training and "
                "work, rather than several.",
                ["planlead"],
                [(9, "New roles in place")],
                agreed_action="Widen the personal adviser role to include careers guidance, with training for "
                "every adviser.",
                success="Fewer workers involved with each young person; every adviser trained in careers guidance.",
                first=_u(
                    "",
                    "2",
                    evidence_of_progress="Twelve of fifteen advisers have finished the careers guidance course.",
                    evidence_of_impact="Young people in a feedback group said they knew who to ask about work.",
                ),
            ),
            DemoItem(
                "3",
                "Create more apprenticeships and work placements for care leavers inside the council and with "
                "local employers.",
                ["employers", "named"],
                [(7, "3 apprenticeships"), (19, "5 apprenticeships across at least 4 services")],
                agreed_action="Agree ring-fenced apprenticeships with four council services and ask the "
                "employer network for placements.",
                success="3 apprenticeships within the first year and at least 5 within two years; at least 5 "
                "outside employers offering placements.",
                first=_u(
                    "",
                    "2",
                    evidence_of_progress="Two care leavers started apprenticeships in the housing service.",
                ),
                second=_u(
                    "",
                    "1",
                    evidence_of_progress="Five apprentices in four services; six employers offer placements.",
                    evidence_of_impact="Four of the five apprentices are still in post after six months.",
                ),
                measure={
                    "name": "Care leavers in council apprenticeships",
                    "unit": "count",
                    "baseline": D("0"),
                    "targets": [(7, "absolute", D("3")), (19, "absolute", D("5"))],
                    "actuals": [(5, D("2"), None), (12, D("5"), None)],
                },
            ),
            DemoItem(
                "4",
                "Report progress on care leavers' education, employment and training to the committee twice a year.",
                ["performance"],
                [(6, "First report")],
                agreed_action="Add the figures to the corporate parenting performance report.",
                success="Two reports a year, with the figures compared with similar councils.",
                first=_u("", "1", evidence_of_progress="Reports went to the committee in the autumn and spring."),
                status=("achieved", "The figures are now a standing part of the corporate parenting report."),
            ),
        ],
    )
]

QUALITY_MARK = [
    DemoSection("theme", "A", "Commitment"),
    DemoSection(
        "objective",
        "1",
        "The council's plans for jobs and skills include a commitment to care leavers.",
        criteria="A named senior champion for care leavers' employment\nCare leavers named in the skills strategy\n"
        "A yearly report to the corporate parenting board",
        parent="A",
        items=[
            DemoItem(
                "1a",
                "Make care leavers a priority group in the city's skills and employment strategy.",
                ["planlead"],
                [(4, "Strategy refreshed")],
                first=_u("Care leavers named as a priority group in the draft strategy > Consult partners", "G"),
                second=_u("Strategy agreed by the cabinet | Action plan published > Monitor the priority", "G"),
            ),
            DemoItem(
                "1b",
                "Brief the lead member for children's services on progress every quarter.",
                ["manager"],
                [(3, "First briefing")],
                first=_u("Two briefings held > Agree a standing slot", "A"),
            ),
        ],
    ),
    DemoSection("theme", "B", "Opportunities"),
    DemoSection(
        "objective",
        "2",
        "Care leavers can reach a range of employability opportunities.",
        criteria="Guaranteed interviews for care leavers who meet the criteria\nWork experience in council "
        "services\nAn online page of opportunities and entitlements",
        parent="B",
        items=[
            DemoItem(
                "2a",
                "Offer a guaranteed interview for council vacancies to care leavers who meet the essential criteria.",
                ["employers"],
                [(6, "Policy agreed")],
                first=_u("Human resources agreed the policy in principle > Train recruiting managers", "A"),
                second=_u(
                    "Policy in force | Forty managers trained > Count interviews offered each quarter",
                    "G",
                ),
            ),
            DemoItem(
                "2b",
                "Produce a printed directory of work experience placements.",
                ["named"],
                [(5, "Directory printed")],
                first=_u("Draft contents agreed", "A"),
                status=("superseded", "Replaced by the online opportunities page, which is kept up to date."),
            ),
            DemoItem(
                "2c",
                "Publish an online page of opportunities and entitlements for care leavers.",
                ["planlead", "virtualschool"],
                [(8, "Page live")],
                first=_u("Content written with the care leavers' forum > Test with young people", "A"),
            ),
        ],
    ),
    DemoSection("theme", "C", "Support"),
    DemoSection(
        "objective",
        "3",
        "Young people aged 21 to 25 who ask for help with education or training get it.",
        criteria="A clear route back to an adviser\nFunding for courses explained",
        parent="C",
        items=[
            DemoItem(
                "3a",
                "Set up a helpline for foster carers of young people over 18.",
                ["named"],
                [(4, "Helpline open")],
                first=_u("Costed", "R", rating_explanation="No budget identified."),
                status=("withdrawn", "The existing duty line covers these calls; no separate helpline is needed."),
            ),
            DemoItem(
                "3b",
                "Write to every care leaver aged 21 to 25 explaining how to ask for support again.",
                ["planlead"],
                [(6, "Letters sent")],
                first=_u("Letter drafted with the forum > Send by the end of the quarter", "G"),
            ),
        ],
    ),
    DemoSection("theme", "D", "Monitoring"),
    DemoSection(
        "objective",
        "4",
        "Feedback from young people shapes the plan.",
        criteria="A survey each year\nYoung people on the steering group",
        parent="D",
        items=[
            DemoItem(
                "4a",
                "Run a yearly survey of care leavers about education, training and work.",
                ["performance"],
                [(10, "Survey results")],
                first=_u("Questions agreed with the forum > Run the survey in the autumn", "G"),
            ),
        ],
    ),
]

ACTION_PLAN = [
    DemoSection(
        "area",
        "1",
        "Transitions at 16",
        aim="Every young person in care has the support to move from school into further learning at 16.",
        items=[
            DemoItem(
                "1.1",
                "Record the career goals of every young person in care in Year 9 and use them to plan support.",
                ["virtualschool"],
                [(5, "Goals recorded for the year group")],
                success="Goals recorded for at least nine in ten of the year group and used in their plans.",
                first=_u("Goals recorded for 31 of 38 young people > Finish the remaining seven", "A"),
                second=_u("All 38 recorded > Share themes with the careers service", "G"),
            ),
            DemoItem(
                "1.2",
                "Keep personal education plans going to the end of Year 13, with social workers at the meetings.",
                ["virtualschool", "planlead"],
                [(12, "Attendance and quality targets met")],
                success="Social workers at 95% of meetings; 85% of plans judged good or better.",
                first=_u("Attendance at 88% > Remind social workers of dates", "A"),
                measure={
                    "name": "Education plan meetings with the social worker present",
                    "unit": "percent",
                    "baseline": D("82"),
                    "targets": [(12, "absolute", D("95"))],
                    "actuals": [(5, D("88"), None)],
                },
            ),
            DemoItem(
                "1.3",
                "Know what every 16 and 17 year old is doing, and bring down the number NEET or whose activity "
                "is not known.",
                ["virtualschool", "planlead"],
                [(12, "16-17 NEET and not known below 8%")],
                success="16-17 NEET and not known (the Department's measure, December to February) below 8%.",
                first=_u(
                    "Monthly list of lapsed activities shared with advisers > Chase every record before month end", "A"
                ),
                measure={
                    "name": "16-17 NEET and not known",
                    "unit": "percent",
                    "indicator": "neet_not_known_16_17",
                    "baseline": D("12"),
                    "targets": [],  # bound: the council's target on the targets page (performance.targets_demo)
                    "actuals": [],
                },
            ),
            DemoItem(
                "1.4",
                "Keep 16 and 17 year olds in education or training.",
                ["virtualschool"],
                [(12, "Participation at 85%")],
                success="16-17 participation in education or training at 85% or more.",
                first=_u("Re-engagement places agreed with two colleges > Review who left a course in the autumn", "A"),
                measure={
                    "name": "16-17 participation in education or training",
                    "unit": "percent",
                    "indicator": "participation_16_17",
                    "baseline": D("78"),
                    "targets": [],  # bound: the council's target on the targets page (performance.targets_demo)
                    "actuals": [],
                },
            ),
            DemoItem(
                "1.5",
                "Make every young person in Year 11 and Year 12 an offer of a place for September.",
                ["virtualschool"],
                [(12, "Offers for 98%")],
                success="September Guarantee offers for at least 98% of Year 11 and Year 12.",
                first=_u("Offers tracked from June with the careers service > Follow up those with no offer", "G"),
                measure={
                    "name": "16-17 NEET: September Guarantee offers",
                    "unit": "percent",
                    "indicator": "september_guarantee_offers",
                    "baseline": D("92"),
                    "targets": [],  # bound: the council's target on the targets page (performance.targets_demo)
                    "actuals": [],
                },
            ),
        ],
    ),
    DemoSection(
        "area",
        "2",
        "Higher education",
        aim="More care leavers go to university and finish their degrees.",
        items=[
            DemoItem(
                "2.1",
                "Raise the share of care leavers in higher education year by year.",
                ["planlead"],
                [(12, "Yearly review against the target"), (24, "Yearly review against the target")],
                success="Each year's step of the council's higher education target (set on the targets page).",
                first=_u("University taster days booked for Year 12 > Link each student with a mentor", "G"),
                measure={
                    "name": "Care leavers aged 19 to 21 in higher education",
                    "unit": "percent",
                    "indicator": "he_19_21",
                    "baseline": D("6"),
                    # Bound to the indicator: the figures are counted and the targets are the council's.
                    "targets": [],
                    "actuals": [],
                },
            ),
        ],
    ),
    DemoSection(
        "area",
        "3",
        "Into work",
        aim="Young people leave care with a route into work and the right benefits while they look.",
        items=[
            DemoItem(
                "3.1",
                "Hold a monthly work clinic with the jobcentre for care leavers looking for work.",
                ["employers", "named"],
                [(3, "First clinic")],
                success="A clinic every month; every attender leaves with a next step.",
                first=_u("Four clinics held, 23 young people seen > Add an evening session", "G"),
            ),
            DemoItem(
                "3.2",
                "Produce a monthly report of each young person's activity for managers.",
                ["performance"],
                [(4, "Report running")],
                success="Managers use the report in supervision every month.",
                first=_u("Report designed > Test with two teams", "A"),
            ),
        ],
    ),
]

SCRUTINY_RESPONSE = [
    DemoSection(
        "area",
        "",
        "Recommendations of the panel",
        items=[
            DemoItem(
                "1",
                "Consider starting preparation for leaving care earlier, from age 14, and report back to the "
                "panel within six months.",
                ["manager"],
                [(6, "Report to the panel")],
                first=_u(
                    "",
                    "A",
                    initial_response="Accepted. Earlier preparation has benefits and some costs: a change of "
                    "worker at 14 can come in the middle of exams, so timing will be decided in each review.",
                ),
                second=_u(
                    "",
                    "G",
                    initial_response="Accepted. Earlier preparation has benefits and some costs: a change of "
                    "worker at 14 can come in the middle of exams, so timing will be decided in each review.",
                    second_response="We asked twelve other councils when they start and heard from young "
                    "people; guidance for carers of 14 and 15 year olds is drafted.",
                    outstanding_actions="Agree the guidance and add it to care planning.",
                ),
            ),
            DemoItem(
                "2",
                "Guarantee an interview, and offer work shadowing, to care leavers applying for council jobs.",
                ["employers", "planlead"],
                [(4, "Scheme agreed")],
                first=_u(
                    "",
                    "G",
                    initial_response="Accepted. Human resources will add care leavers to the guaranteed "
                    "interview scheme.",
                ),
            ),
            DemoItem(
                "3",
                "Share lists of care leavers starting courses with the colleges, with their agreement, so "
                "colleges can offer support early.",
                ["planlead"],
                [(3, "Agreement with each college")],
                first=_u(
                    "",
                    "A",
                    initial_response="Accepted, subject to each young person's consent.",
                    outstanding_actions="Sign a sharing agreement with the second college.",
                ),
            ),
            DemoItem(
                "4",
                "Report to the panel each quarter on care leavers: numbers, ages, pathway plans, accommodation "
                "and education, employment and training.",
                ["performance"],
                [(3, "First quarterly report")],
                first=_u("", "G", initial_response="Accepted. The first report is scheduled."),
            ),
        ],
    ),
]

PLANS: list[dict[str, Any]] = [
    {
        "title": "Scrutiny review of care leavers' education, employment and training",
        "kind": Plan.Kind.SCRUTINY_MONITORING,
        "owning_body": "Children and Young People Select Committee",
        "review_cycle": Plan.ReviewCycle.ANNUAL,
        "rating_scheme": schemes.GRADING,
        "aim": "Progress updates are due about a year after the committee agrees the action plan, with a grade "
        "for each recommendation and the evidence of its impact.",
        "sections": SCRUTINY_MONITORING,
        "months_ago": 14,
    },
    {
        "title": "Ready for Work quality mark: work plan",
        "kind": Plan.Kind.QUALITY_MARK_WORK_PLAN,
        "owning_body": "Corporate Parenting Board",
        "review_cycle": Plan.ReviewCycle.QUARTERLY,
        "rating_scheme": schemes.RAG,
        "aim": "What the council has in place, or is working towards, to hold the quality mark.",
        "sections": QUALITY_MARK,
        "months_ago": 9,
    },
    {
        "title": "Leaving care NEET reduction action plan",
        "kind": Plan.Kind.ACTION_PLAN,
        "owning_body": "Corporate Parenting Panel",
        "review_cycle": Plan.ReviewCycle.QUARTERLY,
        "rating_scheme": schemes.RAG,
        "aim": "Every young person in care or leaving care has the support to find and keep education, "
        "employment or training that suits them.",
        "sections": ACTION_PLAN,
        "months_ago": 8,
    },
    {
        "title": "Outcomes for care leavers: scrutiny panel action plan",
        "kind": Plan.Kind.SCRUTINY_RESPONSE,
        "owning_body": "Children and Young People Scrutiny Panel",
        "review_cycle": Plan.ReviewCycle.SIX_MONTHLY,
        "rating_scheme": schemes.RAG,
        "aim": "The council's responses to the panel's recommendations, and what is still to do.",
        "sections": SCRUTINY_RESPONSE,
        "months_ago": 12,
    },
]


def _months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    return datetime.date(year, month % 12 + 1, 1)


@transaction.atomic
def load_plans_demo(council: Organisation) -> None:
    """The four demo plans with their history, once."""
    if Plan.objects.filter(council=council).exists():
        return
    users = {u.email.split("@")[0]: u for u in User.objects.filter(organisation=council)}
    officer = users["performance"]
    fake = Faker("en_GB")
    fake.seed_instance(20261123)
    today = timezone.localdate()
    for spec in PLANS:
        agreed = _months(today, -spec["months_ago"])
        plan = services.plan_save(
            acting_user=officer,
            council=council,
            plan=None,
            title=spec["title"],
            kind=spec["kind"],
            owning_body=spec["owning_body"],
            owner=officer,
            link_officers=fake.name(),
            aim=spec["aim"],
            period_start=agreed,
            period_end=_months(agreed, 24) - datetime.timedelta(days=1),
            agreed_on=agreed,
            review_cycle=spec["review_cycle"],
            rating_scheme=spec["rating_scheme"],
        )
        _load_plan(plan, spec["sections"], users, officer, fake, agreed, today)


BOARD_ACTION = DemoItem(
    "3.3",
    "Every council service area offers at least one apprenticeship to a care leaver.",
    [],
    [],
    first=_u("Six service areas have named an apprenticeship > Ask the remaining areas at the next panel", "A"),
    second=_u("Nine service areas have named one > Advertise them through the work clinic", "G"),
)


def _board_meeting(plan: Plan, officer: User, held_on: datetime.date) -> Item:
    """A themed meeting of the panel, before the first review: who came (by role), the agenda, the items
    discussed and three decisions (one noted, one updating an item, one adding an action, returned)."""
    items = {item.reference: item for item in plan.items.all()}
    meeting = services.meeting_save(
        acting_user=officer,
        plan=plan,
        meeting=None,
        items_discussed=[items[ref] for ref in ("3.1", "3.2") if ref in items],
        held_on=held_on,
        theme="Into work",
        attendance="Chair of the panel, lead member for children\nHead of leaving care\nVirtual school head\n"
        "Jobcentre partnership manager\nTwo young people from the care leavers' forum",
        apologies="Head of economic development",
        agenda="Work clinic: the first four months\nThe monthly activity report\nApprenticeships inside the council",
        discussion="Young people at the clinic asked for an evening session; managers want the activity report "
        "before supervision.",
    )
    services.decision_record(
        acting_user=officer,
        meeting=meeting,
        kind=Decision.Kind.NOTED,
        text="The panel thanked the forum members and will hear from them again at the next themed meeting.",
    )
    if "3.1" in items and items["3.1"].status == Item.Status.OPEN:
        services.decision_record(
            acting_user=officer,
            meeting=meeting,
            kind=Decision.Kind.UPDATE_ITEM,
            text="Add an evening session to the work clinic from next month.",
            item=items["3.1"],
        )
    decision = services.decision_record(
        acting_user=officer,
        meeting=meeting,
        kind=Decision.Kind.NEW_ITEM,
        text="Ask every council service area to offer at least one apprenticeship to a care leaver.",
        new_item={
            "reference": BOARD_ACTION.reference,
            "text": BOARD_ACTION.text,
            "section": items["3.1"].section if "3.1" in items else None,
        },
    )
    if decision.item is None:
        raise RuntimeError("A decision that adds an action always has its item")
    return decision.item


def _load_plan(
    plan: Plan,
    sections: list[DemoSection],
    users: dict[str, User],
    officer: User,
    fake: Faker,
    agreed: datetime.date,
    today: datetime.date,
) -> None:
    by_reference: dict[str, Section] = {}
    placed: list[tuple[Item, DemoItem]] = []
    for order, demo_section in enumerate(sections, start=1):
        section = services.section_save(
            acting_user=officer,
            plan=plan,
            section=None,
            kind=demo_section.kind,
            reference=demo_section.reference,
            title=demo_section.title,
            aim=demo_section.aim,
            criteria=demo_section.criteria,
            parent=by_reference.get(demo_section.parent),
            order=order,
        )
        if demo_section.kind == Section.Kind.THEME:
            by_reference[demo_section.reference] = section
        for demo_item in demo_section.items:
            item = services.item_save(
                acting_user=officer,
                plan=plan,
                item=None,
                leads=[users[local] for local in demo_item.leads if local in users],
                target_dates=[(_months(agreed, months), text) for months, text in demo_item.due],
                section=section,
                kind=Item.Kind.RECOMMENDATION if plan.kind.startswith("scrutiny") else Item.Kind.ACTION,
                reference=demo_item.reference,
                text=demo_item.text,
                agreed_action=demo_item.agreed_action,
                success_measure=demo_item.success,
                named_leads=fake.name() if "named" in demo_item.leads else "",
            )
            placed.append((item, demo_item))
            if demo_item.measure:
                _measure(item, demo_item.measure, officer, agreed)
    # The first round: opened and closed about three months ago, with an update on every item.
    first_due = today - datetime.timedelta(days=100)
    if plan.kind == Plan.Kind.ACTION_PLAN:
        # The panel's themed meeting a fortnight before the round opened added an action of its own.
        placed.append((_board_meeting(plan, officer, first_due - datetime.timedelta(days=42)), BOARD_ACTION))
    first = services.round_open(
        acting_user=officer, plan=plan, name=f"{first_due:%B %Y} review", due_on=today + datetime.timedelta(days=1)
    )
    for item, demo_item in placed:
        _update(item, demo_item.first, users, officer, first_due - datetime.timedelta(days=5))
    for item, demo_item in placed:
        if demo_item.status:
            # The quality mark's printed directory is superseded by the online page (item 2c).
            replacement = next((i for i, d in placed if d.reference == "2c"), None)
            item.refresh_from_db()
            services.item_set_status(
                acting_user=officer,
                item=item,
                status=demo_item.status[0],
                reason=demo_item.status[1],
                superseded_by=replacement if demo_item.status[0] == Item.Status.SUPERSEDED else None,
                version=item.version,
            )
    first = services.round_close(acting_user=officer, review_round=first)
    # Dates of the first round as they were (services date a round today; this is history).
    first.snapshot["taken_on"] = (first_due + datetime.timedelta(days=3)).isoformat()
    ReviewRound.objects.filter(pk=first.pk).update(
        opened_on=first_due - datetime.timedelta(days=28),
        due_on=first_due,
        closed_at=timezone.make_aware(
            datetime.datetime.combine(first_due + datetime.timedelta(days=3), datetime.time(12))
        ),
        snapshot=first.snapshot,
    )
    # The second round: open, due in ten days, with some updates in and some still owed.
    services.round_open(
        acting_user=officer,
        plan=plan,
        name=f"{today + datetime.timedelta(days=10):%B %Y} review",
        due_on=today + datetime.timedelta(days=10),
    )
    for item, demo_item in placed:
        if demo_item.second and item.status == Item.Status.OPEN:
            _update(item, demo_item.second, users, officer, today - datetime.timedelta(days=2))


def _update(item: Item, data: dict[str, Any], users: dict[str, User], officer: User, dated: datetime.date) -> None:
    """The demo plan lead writes the updates on items they lead; the performance officer the rest."""
    item.refresh_from_db()
    if item.status != Item.Status.OPEN:
        return
    planlead = users.get("planlead")
    author = planlead if planlead is not None and item.leads.filter(pk=planlead.pk).exists() else officer
    services.update_record(acting_user=author, item=item, dated=dated, **data)


def _measure(item: Item, spec: dict[str, Any], officer: User, agreed: datetime.date) -> None:
    measure = services.measure_save(
        acting_user=officer,
        item=item,
        measure=None,
        name=spec["name"],
        unit=spec["unit"],
        baseline=spec["baseline"],
        baseline_on=agreed,
        indicator_code=spec.get("indicator", ""),
    )
    for months, kind, value in spec["targets"]:
        measure.refresh_from_db(fields=["version"])
        services.measure_target_set(
            acting_user=officer,
            measure=measure,
            due_on=_months(agreed, months),
            kind=kind,
            value=value,
            version=measure.version,
        )
    today = timezone.localdate()
    for months, value, national in spec["actuals"]:
        on = min(_months(agreed, months), today)
        services.measure_actual_record(
            acting_user=officer,
            measure=measure,
            on=on,
            value=value,
            national=national,
            source="Monthly performance report",
        )
