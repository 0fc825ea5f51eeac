"""Demo plans: one for each of the five seed documents, in the four shapes, each with two review rounds
of history.

A scrutiny monitoring progress update (graded 1 to 4), a work plan against a quality mark (RAG,
themes and objectives with criteria, one item superseded and one withdrawn), two action plans (RAG,
areas with aims, a stepped trajectory; one a development board's priorities) and a scrutiny action
plan with the council's responses. Each plan carries every success measure of its seed
(``seed_measures``), bound to a live indicator wherever one exists. Each has a closed round with its
snapshot and an open round awaiting updates; the demo plan lead leads several items. Every word is
invented. Idempotent; called by ``load_demo``.
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
from onward.plans import schemes, seed_measures, services
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
            DemoItem(
                "5",
                "Look into the incentives open to young people and employers when a job starts, and bring large local "
                "employers in as champions of care leavers.",
                ["employers"],
                [(7, "Two champions signed up")],
                agreed_action="Add funding and incentives to the work clinic's checklist and map the employers who "
                "could champion care leavers.",
                success="At least 2 major employers champion care leavers; the employer network grows.",
                first=_u(
                    "",
                    "2",
                    evidence_of_progress="Two employer engagement workers started; one large employer is talking to us.",
                ),
            ),
            DemoItem(
                "6",
                "Open up more interviews for care leavers by training staff to work with employers and prepare young "
                "people for interview.",
                ["employers", "planlead"],
                [(7, "Half as many again trained")],
                agreed_action="Train staff in employer engagement and interview support, and write both into job "
                "descriptions.",
                success="More interviews for young people; half as many again of the staff able to give this support.",
                first=_u(
                    "",
                    "2",
                    evidence_of_progress="More staff now help with applications, CVs and interview practice.",
                ),
            ),
            DemoItem(
                "7",
                "Put education, employment and training at the front of the work of children's services and partners "
                "with every child in care and care leaver.",
                ["manager"],
                [(1, "Offer reviewed")],
                agreed_action="Review the leaving care offer to put education, employment and training first; the "
                "children in care strategy group monitors it.",
                success="The multi-agency plan is monitored and challenged at the strategy group; every child in care "
                "has a pathway plan from 15 and a half.",
                first=_u(
                    "",
                    "2",
                    evidence_of_progress="Advisers now work with children in care from 15, starting their pathway plans.",
                ),
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
            DemoItem(
                "1c",
                "Train staff, carers and partners in careers guidance and in completing personal education plans.",
                ["virtualschool"],
                [(6, "Training programme running")],
                first=_u("Course dates set with the careers service > Invite foster carers and residential staff", "A"),
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
            DemoItem(
                "2d",
                "Guarantee every young person in care a work experience place with the council, after 16 where they "
                "want one.",
                ["employers"],
                [(6, "Guarantee in place")],
                first=_u("Human resources drafted the offer > Agree placements with each directorate", "A"),
            ),
            DemoItem(
                "2e",
                "Analyse the needs of young people in Years 11 and 12 against their education plans: their September "
                "offers, and whether their intended destination fits their aspiration.",
                ["virtualschool", "performance"],
                [(4, "First analysis")],
                first=_u("September offers reported for Year 11 and 12 > Compare destinations with aspirations", "G"),
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
            DemoItem(
                "3c",
                "Make sure care leavers in education and training receive the financial support they are entitled to: "
                "the higher education bursary, the post-16 package and help with travel.",
                ["planlead"],
                [(6, "Entitlements checked for everyone in learning")],
                first=_u("Entitlements written into the financial policy > Check each young person's at review", "A"),
            ),
            DemoItem(
                "3e",
                "Give every young person in care careers guidance from Year 10, with a named careers adviser.",
                ["virtualschool"],
                [(9, "Every Year 11 seen")],
                first=_u("Careers advisers named for each school > Book Year 11 appointments", "A"),
            ),
            DemoItem(
                "3f",
                "Offer mentoring at key points in education to raise aspirations and keep young people engaged.",
                ["named"],
                [(6, "Mentoring programme running")],
                first=_u("Specification agreed with the business partnership > Recruit mentors", "A"),
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
            DemoItem(
                "4b",
                "Analyse the care leavers aged 16 to 25 who are not in education, employment or training, by team "
                "and by reason.",
                ["performance"],
                [(3, "Monthly analysis")],
                first=_u("Monthly analysis shared with team managers > Add the reasons to supervision", "G"),
            ),
            DemoItem(
                "4c",
                "Find out what the commissioned programmes achieved for those who started them, and where provision "
                "falls short of the needs referred.",
                ["performance", "planlead"],
                [(9, "First review of programmes and gaps")],
                first=_u("Programme referrals collected > Follow up starters after six months", "A"),
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
            ),
            DemoItem(
                "1.4",
                "Keep 16 and 17 year olds in education or training.",
                ["virtualschool"],
                [(12, "Participation at 85%")],
                success="16-17 participation in education or training at 85% or more.",
                first=_u("Re-engagement places agreed with two colleges > Review who left a course in the autumn", "A"),
            ),
            DemoItem(
                "1.5",
                "Make every young person in Year 11 and Year 12 an offer of a place for September.",
                ["virtualschool"],
                [(12, "Offers for 98%")],
                success="September Guarantee offers for at least 98% of Year 11 and Year 12.",
                first=_u("Offers tracked from June with the careers service > Follow up those with no offer", "G"),
            ),
            DemoItem(
                "1.6",
                "Make sure every young person moving on at 16 has careers guidance from Year 10, checked through their education plans and the September offers.",
                ["virtualschool"],
                [(10, "Every Year 11 seen")],
                success="Every Year 11 pupil says they have had a suitable careers guidance appointment.",
                first=_u("Guidance lead appointed > Book appointments for the whole of Year 11", "A"),
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
            ),
            DemoItem(
                "2.2",
                "Identify education, employment and training needs in every pathway plan and discuss them at each review, checked by audit.",
                ["manager", "planlead"],
                [(6, "First audit")],
                success="Every pathway plan audited is graded good.",
                first=_u("Audit tool includes the EET section > Audit ten plans a month", "A"),
            ),
            DemoItem(
                "2.3",
                "Help young people in further education and training to stay on their course and gain their qualifications.",
                ["planlead"],
                [(12, "Yearly review")],
                success="More courses completed and qualifications gained.",
                first=_u("Advisers check attendance with colleges monthly > Share early warnings", "G"),
            ),
            DemoItem(
                "2.4",
                "Run a re-engagement programme for young people who are NEET or at risk of it.",
                ["virtualschool"],
                [(6, "Programme running")],
                success="Fewer of those who engage with the programme are NEET afterwards.",
                first=_u("First group of twelve started > Follow them up after six months", "G"),
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
            DemoItem(
                "3.4",
                "Agree work experience placements for children in care with a national employer, with travel paid.",
                ["employers"],
                [(6, "Placements agreed")],
                success="Children in care gain work experience that makes them more employable.",
                first=_u("Two-week placements agreed with expenses > Ask more employers", "G"),
            ),
            DemoItem(
                "3.5",
                "Work with the jobcentre so that care leavers are put forward for government employment programmes.",
                ["employers"],
                [(6, "First care leavers put forward")],
                success="Care leavers take up places on employment programmes.",
                first=_u("Jobcentre partnership manager named > Share vacancies monthly", "A"),
            ),
            DemoItem(
                "3.6",
                "Share information with the jobcentre so that care leavers claim the right benefits at the right time.",
                ["planlead"],
                [(6, "Information sharing agreed")],
                success="NEET care leavers receive the benefits they are entitled to.",
                first=_u("Draft sharing agreement with the jobcentre > Sign it", "A"),
            ),
        ],
    ),
    DemoSection(
        "area",
        "4",
        "Provision and special educational needs",
        aim="There is provision that meets the needs of young people after school, including those with special "
        "educational needs or mental health needs.",
        items=[
            DemoItem(
                "4.1",
                "Find out how many children in care and care leavers have a current education, health and care plan, and agree with the assessment team that no plan is ceased after 18 without talking to us first.",
                ["virtualschool"],
                [(4, "Analysis complete")],
                success="We know the share with a current plan and what they need.",
                first=_u("Analysis started from the case system > Agree the protocol with the assessment team", "A"),
            ),
            DemoItem(
                "4.2",
                "Build links with partners and adult learning to widen provision for vulnerable young people, and record the gaps.",
                ["planlead", "named"],
                [(12, "Gaps in provision reported")],
                success="More provision is available and the NEET share falls.",
                first=_u("New partner provision mapped > Complete the gaps in provision form", "A"),
            ),
            DemoItem(
                "4.3",
                "Find opportunities for care leavers in the council's other directorates.",
                ["employers"],
                [(12, "Opportunities in four directorates")],
                success="Opportunities are found across the council's service areas.",
                first=_u("Three directorates have named opportunities > Ask the rest", "G"),
            ),
        ],
    ),
    DemoSection(
        "area",
        "5",
        "Data, quality and the workforce",
        aim="Reports on young people's education, employment and training are useful to partners and senior "
        "managers, and the workforce is trained to use them.",
        items=[
            DemoItem(
                "5.1",
                "Train advisers in the care leaver teams to complete education plans for young people in Year 13.",
                ["virtualschool"],
                [(3, "Advisers trained")],
                success="Every adviser is confident to complete an education plan.",
                first=_u("Webinar held and accounts set up > Check the first plans", "G"),
            ),
            DemoItem(
                "5.2",
                "Keep young people's care placements stable, avoiding moves in the middle of the academic year.",
                ["manager"],
                [(12, "Yearly review")],
                success="Fewer placement moves during the academic year.",
                first=_u("Placement panel checks the school calendar > Report moves each term", "A"),
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
            DemoItem(
                "5",
                "Promote the mentoring programme among council staff and the wider community.",
                ["named"],
                [(6, "First mentors trained")],
                first=_u(
                    "",
                    "A",
                    initial_response="Accepted. Mentoring is one strand of the employability plan, led by a head of "
                    "service.",
                    outstanding_actions="Match the first trained mentors with young people.",
                ),
            ),
        ],
    ),
]

DEVELOPMENT_BOARD = [
    DemoSection(
        "area",
        "1",
        "The offer for young people who are NEET",
        aim="Every care leaver who is not in education, employment or training is offered the right support "
        "through one referral, triaged by one agency.",
        items=[
            DemoItem(
                "1.1",
                "Raise the share of care leavers in education, employment and training above similar councils, "
                "and the number at university.",
                ["planlead"],
                [(12, "Yearly report to the committee")],
                success="Education, employment and training rates above similar councils and the national figure; "
                "more care leavers at university.",
                first=_u("Figures reported against similar councils > Set next year's targets", "A"),
            ),
            DemoItem(
                "1.2",
                "Concentrate the board's work on the young people who are NEET, about a hundred at any time.",
                ["manager"],
                [(6, "Offer agreed")],
                success="Fewer care leavers not in education, employment or training.",
                first=_u("Common referral agreed by partners > Train advisers to complete it with young people", "G"),
            ),
            DemoItem(
                "1.3",
                "Refer every care leaver who becomes NEET to the offer at once.",
                ["planlead"],
                [(3, "Referrals checked monthly")],
                success="Young people are referred soon after becoming NEET.",
                first=_u("List of NEET young people with no referral checked weekly > Chase the oldest", "A"),
            ),
        ],
    ),
    DemoSection(
        "area",
        "2",
        "Monitoring and impact",
        aim="The board knows how each young person progresses through the offer and what difference it makes.",
        items=[
            DemoItem(
                "2.1",
                "Track each young person through the offer and measure what the new way of working has achieved.",
                ["performance"],
                [(9, "First impact report")],
                success="More of those who start a service are in education, employment or training six months on.",
                first=_u("Referral monitoring running by service > Follow up starters after six months", "A"),
            ),
            DemoItem(
                "2.2",
                "Hear from care leavers about the services they were referred to, and tell partners and the board.",
                ["planlead"],
                [(6, "Feedback reported to the board")],
                success="Care leavers rate the services they use as good.",
                first=_u("Advisers record feedback at each review > Report it to the board each quarter", "G"),
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
        "seed": seed_measures.STOCKTON,
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
        "seed": seed_measures.LEEDS,
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
        "seed": seed_measures.CAMBRIDGESHIRE,
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
        "seed": seed_measures.DONCASTER,
    },
    {
        "title": "Care leavers development board: education, employment and training",
        "kind": Plan.Kind.ACTION_PLAN,
        "owning_body": "Corporate Parenting Committee",
        "review_cycle": Plan.ReviewCycle.QUARTERLY,
        "rating_scheme": schemes.RAG,
        "aim": "The board's priorities, each with partners' offers around it, reported to the committee.",
        "sections": DEVELOPMENT_BOARD,
        "months_ago": 6,
        "seed": seed_measures.DERBY,
    },
]


def _months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    return datetime.date(year, month % 12 + 1, 1)


@transaction.atomic
def load_plans_demo(council: Organisation) -> None:
    """The five demo plans with their history, once."""
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
        _load_plan(plan, spec["sections"], users, officer, fake, agreed, today, spec["seed"])


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
    seed: str,
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
            for spec in seed_measures.measures_for(seed, demo_item.reference):
                _measure(item, spec, officer, agreed)
    # The first round: opened and closed about three months ago, with an update on every item.
    first_due = today - datetime.timedelta(days=100)
    if seed == seed_measures.CAMBRIDGESHIRE:
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


def _measure(item: Item, spec: seed_measures.SeedMeasure, officer: User, agreed: datetime.date) -> None:
    """A seed's success measure on its item: bound to its indicator (``seed_measures.INDICATOR_FOR``), when it
    has one, quoting the council's figures and targets; otherwise with the seed's targets typed in."""
    indicator = seed_measures.indicator_for(spec)
    measure = services.measure_save(
        acting_user=officer,
        item=item,
        measure=None,
        name=spec.name,
        unit=spec.unit,
        baseline=spec.baseline,
        baseline_on=agreed,
        higher_is_better=spec.higher_is_better,
        indicator_code=indicator,
    )
    if indicator:
        return  # bound: the figures are counted and the targets are the council's (ADR 23)
    for months, kind, value in spec.targets:
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
    for months, value, national in spec.actuals:
        on = min(_months(agreed, months), today)
        services.measure_actual_record(
            acting_user=officer,
            measure=measure,
            on=on,
            value=value,
            national=national,
            source="Monthly performance report",
        )
