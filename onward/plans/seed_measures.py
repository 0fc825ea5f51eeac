"""Every success measure of the five seed documents, as the demo's plans carry them (issue 26).

One demo plan per seed document (``demo.PLANS``, each naming its ``seed``); each measure here sits on
one of that plan's items (by reference), reworded, with no real names, and with the seed's stepped
targets. Which live indicator a measure is bound to is the one table :data:`INDICATOR_FOR`: binding
another measure once its indicator is registered is one line there (and, for a stepped target, the
council's target in ``performance.targets_demo``, because a bound measure quotes the council's target,
ADR 23). A measure not in the table keeps its typed targets, and :data:`WHY_UNBOUND` says why it is
not bound yet; ``docs/seed-measures.md`` prints both tables, and a test holds the three together.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

D = Decimal

STOCKTON, DERBY, LEEDS, CAMBRIDGESHIRE, DONCASTER = "000", "001", "002", "003", "004"
"""The seed documents by their number in ``shared/seeds`` (the demo names no council)."""


@dataclass(frozen=True)
class SeedMeasure:
    key: str
    item: str  # the reference of the demo plan's item it sits on
    seed_ref: str  # the seed's own numbering
    name: str
    unit: str  # "percent" or "count"
    baseline: Decimal
    targets: tuple[tuple[int, str, Decimal], ...] = ()  # typed while unbound: (months after agreement, kind, value)
    actuals: tuple[tuple[int, Decimal, Decimal | None], ...] = ()  # typed while unbound
    higher_is_better: bool = True


def m(key: str, item: str, seed_ref: str, name: str, unit: str, baseline: str, **extra: object) -> SeedMeasure:
    return SeedMeasure(key, item, seed_ref, name, unit, D(baseline), **extra)  # type: ignore[arg-type]


PC, N = "percent", "count"

MEASURES: dict[str, tuple[SeedMeasure, ...]] = {
    STOCKTON: (
        m("000-eet-19-21", "1", "Rec 1", "Care leavers aged 19 to 21 in education, employment or training", PC, "48"),
        m(
            "000-eet-sustained",
            "1",
            "Rec 1",
            "Starts in education, employment or training still going 6 months on",
            PC,
            "60",
        ),
        m(
            "000-workers-per-person",
            "2",
            "Rec 2",
            "Workers involved with each young person in the year",
            N,
            "4",
            higher_is_better=False,
        ),
        m(
            "000-apprenticeships-council",
            "3",
            "Recs 6, 7",
            "Care leavers starting apprenticeships with the council: 3 in the first year, at least 5 in the second",
            N,
            "0",
        ),
        m("000-work-experience-council", "3", "Rec 6", "Work experience placements with the council", N, "1"),
        m("000-service-areas", "3", "Rec 7", "Council service areas offering opportunities: at least 4", N, "1"),
        m(
            "000-external-employers",
            "3",
            "Rec 7",
            "Outside employers engaged and offering opportunities: at least 5 in the first year",
            N,
            "2",
        ),
        m("000-employer-champions", "5", "Rec 3", "Major employers championing care leavers: at least 2", N, "0"),
        m("000-employer-network", "5", "Rec 3", "Employers in the network, engaged in the year", N, "2"),
        m("000-interviews", "6", "Rec 4", "Interviews for young people put forward", N, "6"),
        m("000-staff-trained", "6", "Rec 4", "Staff trained in employer engagement and interview support", N, "8"),
        m(
            "000-pathway-plans-15-6",
            "7",
            "Rec 5",
            "Children in care with a pathway plan from 15 years 6 months",
            PC,
            "70",
        ),
    ),
    DERBY: (
        m("001-eet-19-21", "1.1", "4.1", "Care leavers aged 19 to 21 in education, employment or training", PC, "60"),
        m("001-eet-17-18", "1.1", "4.1", "Care leavers aged 17 to 18 in education, employment or training", PC, "62"),
        m("001-he", "1.1", "4.1", "Care leavers aged 19 to 21 at university", PC, "6"),
        m(
            "001-neet-cohort",
            "1.2",
            "4.11",
            "Care leavers aged 16 to 25 not in education, employment or training",
            N,
            "100",
            higher_is_better=False,
        ),
        m(
            "001-neet-referred",
            "1.3",
            "4.14",
            "Young people referred to the NEET offer soon after becoming NEET",
            PC,
            "40",
        ),
        m(
            "001-impact",
            "2.1",
            "4.12",
            "Young people in education, employment or training 6 months after starting a service of the NEET offer",
            PC,
            "30",
        ),
        m(
            "001-feedback",
            "2.2",
            "4.12",
            "Care leavers rating the services they were referred to good or very good",
            PC,
            "70",
        ),
    ),
    LEEDS: (
        m(
            "002-staff-trained",
            "1c",
            "2a-2d",
            "Staff, carers and partners trained in careers guidance and PEPs",
            N,
            "10",
        ),
        m(
            "002-interviews-offered",
            "2a",
            "3d",
            "Care leavers offered a guaranteed interview for a council job",
            N,
            "0",
        ),
        m("002-interviews-taken", "2a", "3d", "Guaranteed interviews taken by care leavers", N, "0"),
        m("002-work-experience-council", "2d", "3c", "Work experience placements with the council", N, "2"),
        m(
            "002-september-guarantee",
            "2e",
            "3h, 9i",
            "Year 11 and 12 young people with a September Guarantee offer",
            PC,
            "90",
        ),
        m("002-aspirations", "2e", "3h", "Young people in Years 9 to 11 with an aspiration recorded", PC, "70"),
        m(
            "002-financial-support",
            "3c",
            "4d",
            "Care leavers in education or training receiving the financial "
            "support they are entitled to (bursary, post-16 package, transport)",
            PC,
            "50",
            targets=((9, "absolute", D("100")),),
        ),
        m(
            "002-careers-guidance",
            "3e",
            "6a, QM obj 6",
            "Young people in Year 11 with a careers guidance appointment",
            PC,
            "60",
        ),
        m("002-mentored", "3f", "6n", "Young people with a mentor", N, "3"),
        m(
            "002-feedback-answered",
            "4a",
            "QM obj 10",
            "Young people's feedback answered in 'You said, we did'",
            PC,
            "50",
        ),
        m(
            "002-neet-16-25",
            "4b",
            "1i, 6b",
            "Care leavers aged 16 to 25 not in education, employment or training",
            N,
            "90",
            higher_is_better=False,
        ),
        m(
            "002-programme-impact",
            "4c",
            "2e",
            "Young people in education, employment or training 6 months after starting a commissioned programme",
            PC,
            "35",
        ),
        m(
            "002-needs-provision",
            "4c",
            "QM obj 9",
            "Needs referred for which the directory has a service with places",
            PC,
            "70",
        ),
    ),
    CAMBRIDGESHIRE: (
        m("003-aspirations", "1.1", "1.1", "Young people in Years 9 to 11 with an aspiration recorded", PC, "60"),
        m("003-pep-sw-attendance", "1.2", "6.3", "PEP meetings with the social worker present: 95%", PC, "82"),
        m("003-pep-quality", "1.2", "6.3", "PEPs judged good or better: 85%", PC, "75"),
        m(
            "003-pep-completed",
            "1.2",
            "2.4",
            "PEPs completed for Years 12 and 13, care leavers in Year 13 included",
            PC,
            "80",
        ),
        m("003-neet-not-known", "1.3", "NEET strategy", "16-17 NEET and not known", PC, "12", higher_is_better=False),
        m("003-participation", "1.4", "NEET strategy", "16-17 participation in education or training", PC, "78"),
        m("003-september-guarantee", "1.5", "1.2", "September Guarantee offers for Year 11 and Year 12", PC, "92"),
        m(
            "003-careers-guidance",
            "1.6",
            "1.2",
            "Year 11 with a suitable careers guidance appointment: all",
            PC,
            "55",
        ),
        m("003-he", "2.1", "2.3", "Care leavers aged 19 to 21 in higher education: 8%, 10%, 11%, then 12%", PC, "6"),
        m(
            "003-he-applicants",
            "2.1",
            "2.3",
            "Care leavers applying to higher education in the year",
            N,
            "8",
        ),
        m(
            "003-he-starters",
            "2.1",
            "2.3",
            "Care leavers starting higher education in the year",
            N,
            "6",
        ),
        m(
            "003-pathway-audits-good",
            "2.2",
            "2.1",
            "Pathway plans audited and graded good: all",
            PC,
            "60",
        ),
        m("003-pathway-in-date", "2.2", "Outcomes", "Pathway plans in date", PC, "85"),
        m("003-courses-completed", "2.3", "Area 2", "Courses completed, of those ended in the year", PC, "65"),
        m("003-qualifications", "2.3", "Area 2", "Qualifications gained in the year", N, "20"),
        m(
            "003-reengagement-impact",
            "2.4",
            "2.5",
            "Young people in education, employment or training 6 months after starting the re-engagement programme",
            PC,
            "40",
        ),
        m("003-work-experience", "3.4", "5.2", "Work experience placements started", N, "4"),
        m("003-employment-programmes", "3.5", "5.3", "Care leavers starting an employment programme", N, "2"),
        m(
            "003-benefits",
            "3.6",
            "Area 5",
            "NEET care leavers aged 18 and over receiving the benefits they are entitled to",
            PC,
            "70",
        ),
        m(
            "003-ehcp",
            "4.1",
            "3.1",
            "Children in care and care leavers with a current EHC plan (known)",
            PC,
            "20",
        ),
        m(
            "003-neet-19-21",
            "4.2",
            "4.1, 4.3",
            "Care leavers aged 19 to 21 not in education, employment or training",
            PC,
            "40",
            higher_is_better=False,
        ),
        m(
            "003-needs-provision",
            "4.2",
            "4.1, 4.3",
            "Needs referred for which the directory has a service with places",
            PC,
            "65",
        ),
        m("003-service-areas", "4.3", "4.2", "Council service areas offering opportunities to care leavers", N, "1"),
        m("003-pep-training", "5.1", "6.2", "Advisers trained to complete PEPs", N, "5"),
        m(
            "003-placement-moves",
            "5.2",
            "Outcomes",
            "Placement moves of young people in care in the academic year",
            N,
            "12",
            higher_is_better=False,
        ),
    ),
    DONCASTER: (
        m(
            "004-interviews-offered",
            "2",
            "Rec 5",
            "Care leavers offered a guaranteed interview with the council",
            N,
            "0",
        ),
        m("004-work-experience", "2", "Rec 5", "Work shadowing and experience placements started", N, "4"),
        m("004-apprenticeships-council", "2", "Rec 5", "Apprenticeships started with the council", N, "1"),
        m(
            "004-setting-recorded",
            "3",
            "Rec 6",
            "Children in care and care leavers of school age with their school or college recorded",
            PC,
            "60",
        ),
        m("004-pathway-in-date", "4", "Rec 8", "Pathway plans in date", PC, "85"),
        m("004-accommodation", "4", "Rec 8", "Care leavers aged 19 to 21 in suitable accommodation", PC, "85"),
        m("004-eet-19-21", "4", "Rec 8", "Care leavers aged 19 to 21 in education, employment or training", PC, "50"),
        m("004-mentors-ready", "5", "Rec 7", "Council staff trained and ready to mentor", N, "0"),
        m("004-mentored", "5", "Rec 7", "Young people with a mentor", N, "0"),
    ),
}

# The binding table: measure -> the registered indicator that counts it. One line binds a measure.
INDICATOR_FOR: dict[str, str] = {
    "000-eet-19-21": "eet_19_21",
    "000-eet-sustained": "eet_sustained_6_months",
    "000-apprenticeships-council": "apprenticeships_started_inside_council",
    "000-work-experience-council": "work_experience_inside_council",
    "000-service-areas": "council_service_areas_offering",
    "000-external-employers": "employers_engaged_last_year",
    "000-employer-champions": "employer_champions",
    "000-employer-network": "employers_engaged_last_year",
    "000-interviews": "interviews_last_year",
    "000-staff-trained": "training_completions_last_year",
    "001-eet-19-21": "eet_19_21",
    "001-eet-17-18": "eet_17_18",
    "001-he": "he_19_21",
    "001-neet-cohort": "neet_cohort_size",
    "001-neet-referred": "neet_referred_in_time",
    "001-feedback": "young_people_services_rated_good",
    "002-staff-trained": "training_completions_last_year",
    "002-interviews-offered": "guaranteed_interviews_offered",
    "002-interviews-taken": "guaranteed_interviews_taken",
    "002-work-experience-council": "work_experience_inside_council",
    "002-september-guarantee": "september_guarantee_offers",
    "002-aspirations": "aspiration_recorded_9_11",
    "002-mentored": "young_people_mentored",
    "002-feedback-answered": "young_people_feedback_answered",
    "002-neet-16-25": "neet_cohort_size",
    "003-aspirations": "aspiration_recorded_9_11",
    "003-pep-sw-attendance": "pep_sw_attendance",
    "003-pep-quality": "pep_quality",
    "003-pep-completed": "pep_completed",
    "003-neet-not-known": "neet_not_known_16_17",
    "003-participation": "participation_16_17",
    "003-september-guarantee": "september_guarantee_offers",
    "003-he": "he_19_21",
    "003-pathway-in-date": "pathway_plan_in_date",
    "003-courses-completed": "courses_completed",
    "003-qualifications": "qualifications_gained_last_year",
    "003-work-experience": "work_experience_placements",
    "003-employment-programmes": "employment_programme_starts",
    "003-benefits": "network_neet_claiming_benefits",
    "003-neet-19-21": "neet_19_21",
    "003-service-areas": "council_service_areas_offering",
    "003-pep-training": "training_completions_last_year",
    "004-interviews-offered": "guaranteed_interviews_offered",
    "004-work-experience": "work_experience_placements",
    "004-apprenticeships-council": "apprenticeships_started_inside_council",
    "004-setting-recorded": "network_setting_recorded",
    "004-pathway-in-date": "pathway_plan_in_date",
    "004-accommodation": "suitable_accommodation_19_21",
    "004-eet-19-21": "eet_19_21",
    "004-mentors-ready": "mentors_ready",
    "004-mentored": "young_people_mentored",
    "000-workers-per-person": "workers_per_young_person",
    "000-pathway-plans-15-6": "pathway_plans_in_care_15_and_a_half",
    "001-impact": "service_starters_eet_6_months",
    "002-careers-guidance": "careers_guidance_year_11",
    "002-programme-impact": "opportunity_starters_eet_6_months",
    "003-careers-guidance": "careers_guidance_year_11",
    "003-he-applicants": "he_applications_last_year",
    "003-he-starters": "he_starts_last_year",
    "003-pathway-audits-good": "pathway_plan_audits_good",
    "003-reengagement-impact": "service_starters_eet_6_months_re_engagement",
    "003-placement-moves": "placement_moves_academic_year",
    "003-ehcp": "ehc_plan_in_care_or_care_leavers",
    "002-needs-provision": "needs_referred_with_places",
    "003-needs-provision": "needs_referred_with_places",
}

# Why each other measure is not bound yet (the docs print this; a test checks every unbound one has a reason).
FINANCIAL = (
    "entitlement is not recorded: the finance app records payments (the financial support page and the "
    "indicators of amounts paid and of higher education students with a bursary), but no record says which "
    "care leavers in education or training are entitled to a bursary, the post-16 package or transport, "
    "so there is no denominator for the share receiving it"
)
WHY_UNBOUND: dict[str, str] = {
    "002-financial-support": FINANCIAL,
}


def measures_for(seed: str, item: str) -> list[SeedMeasure]:
    """The measures of the seed's demo plan on the item with this reference, in order."""
    return [measure for measure in MEASURES.get(seed, ()) if measure.item == item]


def indicator_for(measure: SeedMeasure) -> str:
    """The indicator a measure is bound to ("" while unbound)."""
    return INDICATOR_FOR.get(measure.key, "")


def summary() -> list[tuple[str, int, int, int]]:
    """Per seed: (seed, measures, bound, unbound)."""
    found = []
    for seed, measures in MEASURES.items():
        bound = sum(1 for measure in measures if indicator_for(measure))
        found.append((seed, len(measures), bound, len(measures) - bound))
    return found
