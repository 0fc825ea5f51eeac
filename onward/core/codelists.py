"""Code lists, once, with their official labels.

SSDA903 codes are those the Department for Education's validator accepts (REFERENCE.md §1);
NCCIS activity codes are from the CCIS management information requirement (REFERENCE.md §4).
Onward keeps its own finer EET taxonomy (``EETActivity``) and maps it to both systems, keeping
the raw codes separate because their groupings differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models


class Sex(models.TextChoices):
    """Stored neutrally; mapped to 1/2 (before 2024-25) or M/F/U per collection year on export."""

    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known or indeterminate"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WOTH = "WOTH", "Any other White background"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy or Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class ReasonNewEpisode(models.TextChoices):
    S = "S", "Started to be looked after"
    L = "L", "Change of legal status only"
    P = "P", "Change of placement and carer(s) only"
    T = "T", "Change of placement (same carer(s)) only"
    B = "B", "Change of legal status and placement and carer(s)"
    U = "U", "Change of legal status and placement (same carer(s))"


class LegalStatus(models.TextChoices):
    C1 = "C1", "Interim care order"
    C2 = "C2", "Full care order"
    D1 = "D1", "Freeing order granted"
    E1 = "E1", "Placement order granted"
    V2 = "V2", "Single period of accommodation under section 20"
    V3 = "V3", "Agreed series of short-term breaks (individual episodes recorded)"
    V4 = "V4", "Short-term breaks (agreements recorded)"
    L1 = "L1", "Police protection"
    L2 = "L2", "Emergency protection order"
    L3 = "L3", "Child assessment order"
    J1 = "J1", "Remanded to local authority or youth detention accommodation"
    J2 = "J2", "Placed under PACE 1984"
    J3 = "J3", "Sentenced to Youth Rehabilitation Order with residence or intensive fostering"


SHORT_BREAK_STATUSES = frozenset({LegalStatus.V3, LegalStatus.V4})


class CategoryOfNeed(models.TextChoices):
    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental illness or disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"


class PlacementType(models.TextChoices):
    A3 = "A3", "Placed for adoption with parental consent with current foster carer(s)"
    A4 = "A4", "Placed for adoption with parental consent not with current foster carer(s)"
    A5 = "A5", "Placed for adoption with placement order with current foster carer(s)"
    A6 = "A6", "Placed for adoption with placement order not with current foster carer(s)"
    H5 = "H5", "Semi-independent living not subject to children's homes regulations (to 2024-25)"
    K1 = "K1", "Secure children's home"
    K2 = "K2", "Children's home"
    K3 = "K3", "Registered supported accommodation (from 2024-25)"
    P1 = "P1", "With own parent(s) or other person with parental responsibility"
    P2 = "P2", "Independent living, for example flat, lodgings, bedsit, B&B (to 2024-25)"
    P3 = "P3", "Residential employment"
    R1 = "R1", "Residential care home"
    R2 = "R2", "NHS or health trust or other medical or nursing establishment"
    R3 = "R3", "Family centre or mother and baby unit"
    R5 = "R5", "Young offender institution"
    S1 = "S1", "Residential school"
    T0 = "T0", "Temporary move (all)"
    T1 = "T1", "Temporary move to hospital"
    T2 = "T2", "Temporary move on holiday"
    T3 = "T3", "Temporary move while carer is on holiday"
    T4 = "T4", "Temporary move of 7 days or less, other"
    U1 = "U1", "Foster placement with relative or friend, long term"
    U2 = "U2", "Foster placement with relative or friend, fostering for adoption or concurrent planning"
    U3 = "U3", "Foster placement with relative or friend, other"
    U4 = "U4", "Foster placement with other foster carer, long term"
    U5 = "U5", "Foster placement with other foster carer, fostering for adoption or concurrent planning"
    U6 = "U6", "Foster placement with other foster carer, other"
    Z1 = "Z1", "Other placement (to 2024-25)"
    Z11 = "Z11", "Other placement, Z11 (from 2025-26)"
    Z12 = "Z12", "Other placement, Z12 (from 2025-26)"
    Z13 = "Z13", "Other placement, Z13 (from 2025-26)"
    Z14 = "Z14", "Other placement, Z14 (from 2025-26)"


class PlacementProvider(models.TextChoices):
    PR0 = "PR0", "Parent(s) or other person with parental responsibility"
    PR1 = "PR1", "Own local authority provision"
    PR2 = "PR2", "Other local authority provision"
    PR3 = "PR3", "Other public provision, for example NHS"
    PR4 = "PR4", "Private provision"
    PR5 = "PR5", "Voluntary or third sector provision"


class ReasonEpisodeCeased(models.TextChoices):
    E11 = "E11", "Adopted, application unopposed"
    E12 = "E12", "Adopted, consent dispensed with"
    E2 = "E2", "Died"
    E3 = "E3", "Care taken over by another local authority in the UK"
    E4A = "E4A", "Returned home to live with parents or others with parental responsibility, as part of care planning"
    E4B = (
        "E4B",
        "Returned home to live with parents or others with parental responsibility, not as part of care planning",
    )
    E13 = "E13", "Left care to live with parent(s), relative(s) or other person(s) with no parental responsibility"
    E41 = "E41", "Residence order or child arrangements order granted"
    E45 = "E45", "Special guardianship order to former foster carers who are relatives or friends"
    E46 = "E46", "Special guardianship order to former foster carers other than relatives or friends"
    E47 = "E47", "Special guardianship order to carers other than former foster carers, relatives or friends"
    E48 = "E48", "Special guardianship order to other carers"
    E5 = "E5", "Moved into independent living arrangement with formalised support"
    E6 = "E6", "Moved into independent living arrangement without formalised support"
    E7 = "E7", "Transferred to residential care funded by adult social care"
    E8 = "E8", "Period of being looked after ceased for any other reason"
    E9 = "E9", "Sentenced to custody"
    E14 = "E14", "Accommodation on remand ended"
    E15 = "E15", "Age assessment determined child is aged 18 or over"
    E16 = "E16", "Child moved abroad"
    E17 = "E17", "Aged 18 or over and remained with current carers (including staying put)"
    X1 = "X1", "Episode ceases, new episode begins on same day"


class ReasonPlaceChange(models.TextChoices):
    CARPL = "CARPL", "Change to or implementation of the care plan"
    CLOSE = "CLOSE", "Resignation or closure of the provision"
    ALLEG = "ALLEG", "Allegation (section 47)"
    STAND = "STAND", "Standards of care concern"
    APPRR = "APPRR", "Approval removed"
    CREQB = "CREQB", "Carer requests the placement end because of the child's behaviour"
    CREQO = "CREQO", "Carer requests the placement end for another reason"
    CHILD = "CHILD", "Child requests the placement end"
    LAREQ = "LAREQ", "Responsible or area authority requests the placement end"
    PLACE = "PLACE", "Change in the status of the placement only"
    CUSTOD = "CUSTOD", "Custody arrangement"
    OTHER = "OTHER", "Other"


ADOPTED = frozenset({ReasonEpisodeCeased.E11, ReasonEpisodeCeased.E12})


class InTouch(models.TextChoices):
    YES = "YES", "Yes, in touch"
    NO = "NO", "No, not in touch"
    DIED = "DIED", "Died after leaving care"
    REFU = "REFU", "Young person refuses contact"
    NREQ = "NREQ", "Young person no longer requires children's social care services"
    RHOM = "RHOM", "Returned home to parents or someone with parental responsibility for 6 months or more"


class Activ(models.TextChoices):
    """SSDA903 OC3 ACTIV."""

    F1 = "F1", "Full time in higher education"
    P1 = "P1", "Part time in higher education"
    F2 = "F2", "Full time in education other than higher education"
    P2 = "P2", "Part time in education other than higher education"
    F4 = "F4", "Full time in an apprenticeship"
    P4 = "P4", "Part time in an apprenticeship"
    F5 = "F5", "Full time in training or employment (not apprenticeship)"
    P5 = "P5", "Part time in training or employment (not apprenticeship)"
    G4 = "G4", "Not in education, employment or training because of illness or disability"
    G5 = "G5", "Not in education, employment or training for other reasons"
    G6 = "G6", "Not in education, employment or training because of pregnancy or parenting"
    NOT_KNOWN = "0", "Not in touch and activity not known, died, or returned home"


class AccommodationType(models.TextChoices):
    """SSDA903 OC3 ACCOM letters; the digit (1 suitable, 2 not suitable) is stored separately."""

    B = "B", "With parents or relatives"
    C = "C", "Community home or other residential care, for example NHS establishment"
    D = "D", "Semi-independent, transitional accommodation"
    E = "E", "Supported lodgings"
    G = "G", "Gone abroad"
    H = "H", "Deported"
    K = "K", "Ordinary lodgings, without formal support"
    R = "R", "Residence not known"
    S = "S", "No fixed abode or homeless"
    T = "T", "Foyer or similar supported accommodation with education, training or employment"
    U = "U", "Independent living, for example own tenancy or university accommodation"
    V = "V", "Emergency accommodation, for example night shelter or emergency hostel"
    W = "W", "Bed and breakfast"
    X = "X", "In custody"
    Y = "Y", "Other accommodation"
    Z = "Z", "With former foster carers (staying put)"


ALWAYS_UNSUITABLE = frozenset({AccommodationType.S, AccommodationType.X})
"""Types for which the return allows only suffix 2 (S2, X2)."""


def accom_code(accommodation_type: str | None, suitable: bool | None) -> str:
    """The OC3 ACCOM code: letter plus 1 (suitable) or 2 (not suitable); '0' when not known."""
    if not accommodation_type:
        return "0"
    if accommodation_type in ALWAYS_UNSUITABLE:
        return f"{accommodation_type}2"
    return f"{accommodation_type}{1 if suitable else 2}"


class EETGroup(StrEnum):
    EET = "eet"
    NEET = "neet"
    NOT_KNOWN = "not_known"
    CUSTODY = "custody"


@dataclass(frozen=True)
class ActivityInfo:
    label: str
    group: EETGroup
    activ_full: str
    activ_part: str
    nccis: str
    higher_education: bool = False


class EETActivity(models.TextChoices):
    FURTHER_EDUCATION = "further_education", "Further education (college, sixth form or school)"
    HIGHER_EDUCATION = "higher_education", "Higher education (university)"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    TRAINEESHIP = "traineeship", "Traineeship"
    SUPPORTED_INTERNSHIP = "supported_internship", "Supported internship"
    EMPLOYMENT_FULL_TIME = "employment_full_time", "Employment, full time"
    EMPLOYMENT_PART_TIME = "employment_part_time", "Employment, part time"
    SELF_EMPLOYMENT = "self_employment", "Self-employment"
    RE_ENGAGEMENT = "re_engagement", "Re-engagement programme"
    VOLUNTEERING = "volunteering", "Volunteering"
    NEET_ILLNESS = "neet_illness", "Not in education, employment or training: illness or disability"
    NEET_PARENTING = "neet_parenting", "Not in education, employment or training: pregnancy or parenting"
    NEET_YOUNG_CARER = "neet_young_carer", "Not in education, employment or training: young carer"
    NEET_NOT_READY = "neet_not_ready", "Not in education, employment or training: not yet ready for work or learning"
    NEET_SEEKING = "neet_seeking", "Not in education, employment or training: seeking work or learning"
    NEET_OTHER = "neet_other", "Not in education, employment or training: other reason"
    CUSTODY = "custody", "In custody"
    NOT_KNOWN = "not_known", "Not known"


# How each activity maps to SSDA903 OC3 ACTIV (full time, part time) and to NCCIS.
# Volunteering is "working not for reward" (NCCIS 540), which both systems count as NEET.
# Re-engagement (NCCIS 530) is mapped to training (F5/P5) for OC3 [inference; REFERENCE.md §4].
# Custody maps to G5 in OC3 [inference] and to NCCIS 710, outside the NCCIS denominator.
ACTIVITY_INFO: dict[str, ActivityInfo] = {
    EETActivity.FURTHER_EDUCATION: ActivityInfo("Further education", EETGroup.EET, "F2", "P2", "230"),
    EETActivity.HIGHER_EDUCATION: ActivityInfo("Higher education", EETGroup.EET, "F1", "P1", "240", True),
    EETActivity.APPRENTICESHIP: ActivityInfo("Apprenticeship", EETGroup.EET, "F4", "P4", "310"),
    EETActivity.TRAINEESHIP: ActivityInfo("Traineeship", EETGroup.EET, "F5", "P5", "450"),
    EETActivity.SUPPORTED_INTERNSHIP: ActivityInfo("Supported internship", EETGroup.EET, "F5", "P5", "460"),
    EETActivity.EMPLOYMENT_FULL_TIME: ActivityInfo("Employment, full time", EETGroup.EET, "F5", "F5", "330"),
    EETActivity.EMPLOYMENT_PART_TIME: ActivityInfo("Employment, part time", EETGroup.EET, "P5", "P5", "360"),
    EETActivity.SELF_EMPLOYMENT: ActivityInfo("Self-employment", EETGroup.EET, "F5", "P5", "380"),
    EETActivity.RE_ENGAGEMENT: ActivityInfo("Re-engagement programme", EETGroup.EET, "F5", "P5", "530"),
    EETActivity.VOLUNTEERING: ActivityInfo("Volunteering", EETGroup.NEET, "G5", "G5", "540"),
    EETActivity.NEET_ILLNESS: ActivityInfo("NEET: illness or disability", EETGroup.NEET, "G4", "G4", "640"),
    EETActivity.NEET_PARENTING: ActivityInfo("NEET: pregnancy or parenting", EETGroup.NEET, "G6", "G6", "630"),
    EETActivity.NEET_YOUNG_CARER: ActivityInfo("NEET: young carer", EETGroup.NEET, "G5", "G5", "620"),
    EETActivity.NEET_NOT_READY: ActivityInfo("NEET: not yet ready", EETGroup.NEET, "G5", "G5", "610"),
    EETActivity.NEET_SEEKING: ActivityInfo("NEET: seeking", EETGroup.NEET, "G5", "G5", "619"),
    EETActivity.NEET_OTHER: ActivityInfo("NEET: other reason", EETGroup.NEET, "G5", "G5", "680"),
    EETActivity.CUSTODY: ActivityInfo("In custody", EETGroup.CUSTODY, "G5", "G5", "710"),
    EETActivity.NOT_KNOWN: ActivityInfo("Not known", EETGroup.NOT_KNOWN, "0", "0", "810"),
}

NEET_ACTIVITIES = frozenset(code for code, info in ACTIVITY_INFO.items() if info.group == EETGroup.NEET)
EET_ACTIVITIES = frozenset(code for code, info in ACTIVITY_INFO.items() if info.group == EETGroup.EET)
FULL_OR_PART_TIME = frozenset(
    code for code, info in ACTIVITY_INFO.items() if info.group == EETGroup.EET and info.activ_full != info.activ_part
)
"""Activities whose full- or part-time status must be recorded (employment has it in its code)."""


def activ_code(activity: str | None, *, part_time: bool = False) -> str:
    """The OC3 ACTIV code for one of Onward's activities."""
    if not activity:
        return Activ.NOT_KNOWN.value
    info = ACTIVITY_INFO[activity]
    return info.activ_part if part_time else info.activ_full


class NCCISActivity(models.TextChoices):
    """NCCIS current activity codes with their official labels (CCIS management information requirement;
    REFERENCE.md §4 and PORTAL-NCCIS-API.md §1.2). 550 and 720 are left out: the first is classed
    differently by the two sources, the second is retired (recorded like everyone else since April 2018)."""

    REGISTERED_AT_SCHOOL = "110", "Registered at a school or other educational establishment in the area"
    EDUCATED_AT_HOME = "120", "Educated at home"
    CUSTODIAL_SENTENCE = "130", "Custodial sentence"
    NOT_REGISTERED_AT_SCHOOL = "140", "Not registered at a school or other educational establishment"
    PRE16_NOT_KNOWN = "150", "Current situation not known"
    FTE_SCHOOL_SIXTH_FORM = "210", "Full-time education - school sixth form"
    FTE_SIXTH_FORM_COLLEGE = "220", "Full-time education - sixth form college"
    FTE_FURTHER_EDUCATION = "230", "Full-time education - further education"
    FTE_HIGHER_EDUCATION = "240", "Full-time education - higher education"
    PART_TIME_EDUCATION = "250", "Part-time education"
    GAP_YEAR = "260", "Gap year students"
    FTE_OTHER = "270", "Full-time education - other"
    SPECIAL_POST16 = "280", "Special post-16 institution"
    FTE_CUSTODIAL = "290", "Full-time education - custodial institution (juvenile offender)"
    APPRENTICESHIP = "310", "Apprenticeship"
    EMPLOYMENT_WITH_STUDY = "320", "Full-time employment with study (regulated qualification)"
    EMPLOYMENT_WITHOUT_TRAINING = "330", "Employment without training"
    EMPLOYMENT_WITH_TRAINING_OTHER = "340", "Employment with training (other)"
    TEMPORARY_EMPLOYMENT = "350", "Temporary employment"
    PART_TIME_EMPLOYMENT = "360", "Part-time employment"
    SELF_EMPLOYMENT = "380", "Self-employment"
    SELF_EMPLOYMENT_WITH_STUDY = "381", "Self-employment combined with study (regulated qualification)"
    WORK_BASED_LEARNING = "410", "EFA/SFA funded work-based learning"
    OTHER_TRAINING = "430", "Other training"
    DWP_PROGRAMME = "440", "DWP training and support programme"
    TRAINEESHIP = "450", "Traineeship"
    SUPPORTED_INTERNSHIP = "460", "Supported internship"
    RE_ENGAGEMENT = "530", "Re-engagement provision"
    WORKING_NOT_FOR_REWARD = "540", "Working not for reward"
    NOT_YET_READY = "610", "Not yet ready for work or learning"
    START_DATE_AGREED_OTHER = "615", "Start date agreed (other)"
    START_DATE_AGREED_RPA = "616", "Start date agreed (RPA compliant)"
    SEEKING = "619", "Seeking employment, education or training"
    YOUNG_CARER = "620", "Not available to labour market/learning - young carer"
    TEENAGE_PARENT = "630", "Not available - teenage parent"
    ILLNESS = "640", "Not available - illness"
    PREGNANCY = "650", "Not available - pregnancy"
    RELIGIOUS_GROUNDS = "660", "Not available - religious grounds"
    UNLIKELY_ECONOMICALLY_ACTIVE = "670", "Not available - unlikely ever to be economically active"
    NOT_AVAILABLE_OTHER = "680", "Not available - other reason"
    CUSTODY = "710", "Custody (young adult offender)"
    NOT_KNOWN = "810", "Current situation not known"
    CANNOT_BE_CONTACTED = "820", "Cannot be contacted - no current address"
    REFUSED = "830", "Refused to disclose activity"


class NCCISGroup(StrEnum):
    """The Department's higher-level grouping of the NCCIS codes."""

    PRE_16 = "pre_16"
    EDUCATION = "education"
    EMPLOYMENT = "employment"
    TRAINING = "training"
    RE_ENGAGEMENT = "re_engagement"
    NEET = "neet"
    OTHER = "other"
    NOT_KNOWN = "not_known"


NCCIS_GROUP_LABELS: dict[NCCISGroup, str] = {
    NCCISGroup.PRE_16: "Below compulsory school leaving age",
    NCCISGroup.EDUCATION: "Education",
    NCCISGroup.EMPLOYMENT: "Employment",
    NCCISGroup.TRAINING: "Training",
    NCCISGroup.RE_ENGAGEMENT: "Re-engagement",
    NCCISGroup.NEET: "Not in education, employment or training",
    NCCISGroup.OTHER: "Other (custody)",
    NCCISGroup.NOT_KNOWN: "Not known",
}


def nccis_group(code: str) -> NCCISGroup:
    """The group of an NCCIS activity code (by its hundreds, with 530 and 540 as the Department places them)."""
    if code == NCCISActivity.RE_ENGAGEMENT:
        return NCCISGroup.RE_ENGAGEMENT
    if code == NCCISActivity.WORKING_NOT_FOR_REWARD:
        return NCCISGroup.NEET
    return {
        "1": NCCISGroup.PRE_16,
        "2": NCCISGroup.EDUCATION,
        "3": NCCISGroup.EMPLOYMENT,
        "4": NCCISGroup.TRAINING,
        "6": NCCISGroup.NEET,
        "7": NCCISGroup.OTHER,
        "8": NCCISGroup.NOT_KNOWN,
    }[code[0]]


NCCIS_PARTICIPATING = frozenset(
    {"210", "220", "230", "240", "250", "270", "280", "290", "310", "320", "381", "410", "430", "440", "450", "460"}
)
"""Codes that count as participating in education or training (the Department's definition: full- and
part-time education, apprenticeships, employment or self-employment combined with regulated study, and
training; not gap years, re-engagement, an agreed start date or employment without regulated study)."""

NCCIS_PART_TIME: dict[str, str] = {
    EETActivity.FURTHER_EDUCATION: NCCISActivity.PART_TIME_EDUCATION,
    EETActivity.HIGHER_EDUCATION: NCCISActivity.PART_TIME_EDUCATION,
}
"""Where part-time study has a code of its own (NCCIS 250); otherwise ``ActivityInfo.nccis``."""


def nccis_code(activity: str | None, *, part_time: bool = False) -> str:
    """The one NCCIS activity code for an EET record (810, not known, when there is none)."""
    if not activity:
        return NCCISActivity.NOT_KNOWN.value
    if part_time and activity in NCCIS_PART_TIME:
        return NCCIS_PART_TIME[activity]
    return ACTIVITY_INFO[activity].nccis


class ActivitySource(models.TextChoices):
    WORKER = "worker", "Recorded by a worker"
    PARTNER = "partner", "Reported by a partner organisation"
    IMPORT = "import", "Imported"
    YOUNG_PERSON = "young_person", "Told us by the young person"
