"""The quarterly care leavers report: numbers, age profile, pathway plans, accommodation and EET.

Figures are the live snapshot (``selectors.headline``) at the quarter's end, each set against the
national figure, the statistical neighbours' average and the council's target, with the figures at
the last four quarter ends as the trend. Quarters are the financial year's: they end on 30 June,
30 September, 31 December and 31 March.

The report holds aggregates only, shown as the dashboard shows them to councillors
(``display.py``: counts of 1 to 5 suppressed, other counts rounded to the nearest 10, whole
percentages), before anything is shown or written, so councillors can have it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from onward.accounts.models import Organisation
from onward.core import documents
from onward.core.codelists import AccommodationType
from onward.people.models import AccommodationSpell
from onward.performance import benchmarks, charts, comparisons, display, indicators, live, selectors
from onward.performance.indicators import Figure
from onward.performance.models import Method, ReportCommentary
from onward.performance.targets import Rating

QUARTER_MONTHS = (3, 6, 9, 12)
AGE_GROUPS = (
    ("16", "Aged 16"),
    ("17", "Aged 17"),
    ("18", "Aged 18"),
    ("19_21", "Aged 19 to 21"),
    ("22_25", "Aged 22 to 25"),
)
EET_CODES = {
    "19_21": (
        "eet_19_21",
        "neet_19_21",
        "neet_illness_19_21",
        "neet_other_19_21",
        "neet_parenting_19_21",
        "he_19_21",
        "not_known_19_21",
    ),
    "17_18": ("eet_17_18", "neet_17_18", "he_17_18", "not_known_17_18"),
}
ACCOMMODATION_CODES = ("suitable_accommodation_19_21", "suitable_accommodation_17_18")
PLAN_CODE = "pathway_plan_in_date"
SUPPRESSED = display.SUPPRESSED
NOT_APPLICABLE = "z"


# Quarters ---------------------------------------------------------------------------------------


def quarter_end_on_or_before(day: datetime.date) -> datetime.date:
    month = max((m for m in QUARTER_MONTHS if m <= day.month), default=0)
    if month == 0:
        return datetime.date(day.year - 1, 12, 31)
    end = indicators.month_end(datetime.date(day.year, month, 1))
    return end if end <= day else quarter_end_on_or_before(datetime.date(day.year, month, 1) - datetime.timedelta(1))


def last_complete_quarter(today: datetime.date) -> datetime.date:
    """The latest quarter that ended before ``today``."""
    return quarter_end_on_or_before(today - datetime.timedelta(days=1))


def quarter_ends(end: datetime.date, count: int = 4) -> list[datetime.date]:
    """The ``count`` quarter ends up to ``end``, oldest first."""
    ends = [end]
    while len(ends) < count:
        ends.append(quarter_end_on_or_before(ends[-1].replace(day=1) - datetime.timedelta(days=1)))
    return list(reversed(ends))


def quarter_label(end: datetime.date) -> str:
    """'Quarter 2, 2025 to 2026 (July to September 2025)'."""
    start_year = end.year if end.month > 3 else end.year - 1
    number = {6: 1, 9: 2, 12: 3, 3: 4}[end.month]
    first = datetime.date(end.year, end.month - 2, 1)
    return f"Quarter {number}, {start_year} to {start_year + 1} ({first:%B} to {end:%B %Y})"


def quarter_choices(today: datetime.date, count: int = 8) -> list[tuple[str, str]]:
    return [
        (end.isoformat(), quarter_label(end)) for end in reversed(quarter_ends(last_complete_quarter(today), count))
    ]


# Suppression ----------------------------------------------------------------------------------------


def suppress_count(count: int) -> str:
    """A count as the dashboard shows it to councillors: 1 to 5 suppressed (``c``), others rounded to 10."""
    return display.count_text(count, aggregate=True)


def suppress_rate(figure: Figure) -> str:
    """A percentage as the dashboard shows it to councillors (whole, ``c`` when made from small numbers)."""
    if figure.value is None:
        return NOT_APPLICABLE
    return display.percentage_text(figure, aggregate=True).rstrip("%")


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


# The report's figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One indicator at the quarter's end, with its comparators, target and trend."""

    code: str
    name: str
    figure: Figure
    national: Decimal | None
    neighbours: Decimal | None
    target: Decimal | None
    rating: Rating | None
    trend: list[Figure]

    @property
    def shown(self) -> str:
        return suppress_rate(self.figure)

    @property
    def shown_trend(self) -> list[str]:
        return [suppress_rate(f) for f in self.trend]

    @property
    def shown_rating(self) -> str:
        if self.rating is None or self.shown in (SUPPRESSED, NOT_APPLICABLE):
            return ""
        return self.rating.label


@dataclass
class QuarterlyReport:
    council: Organisation
    quarter_end: datetime.date
    ends: list[datetime.date]
    care_leavers: int
    ages: list[tuple[str, int]]
    plans: Line
    accommodation: list[tuple[str, str, int, int]]
    accommodation_lines: list[Line]
    eet: dict[str, list[Line]] = field(default_factory=dict)
    commentary: dict[str, ReportCommentary] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return quarter_label(self.quarter_end)


def _series(council: Organisation, ends: list[datetime.date]) -> dict[datetime.date, dict[str, Figure]]:
    found = selectors.stored(council, Method.SNAPSHOT, ends)
    return {end: (found.get(end) or selectors.headline(council, end, Method.SNAPSHOT)) for end in ends}


def build(council: Organisation, quarter_end: datetime.date) -> QuarterlyReport:
    """Every figure of the report for ``council`` at ``quarter_end``."""
    ends = quarter_ends(quarter_end)
    series = _series(council, ends)
    current = series[quarter_end]
    codes = [PLAN_CODE, *ACCOMMODATION_CODES, *(c for band in EET_CODES.values() for c in band)]
    comparators = comparisons.benchmarks_for_all(council, codes, quarter_end)
    targets = comparisons.targets_for(council)

    def line(code: str) -> Line:
        figure = current[code]
        bench = comparators[code]
        status = comparisons.target_status_of(targets.get(code), code, quarter_end, figure.value, bench)
        return Line(
            code=code,
            name=indicators.get(code).name,
            figure=figure,
            national=bench.national,
            neighbours=bench.neighbours,
            target=status.target if status else None,
            rating=status.rating if status else None,
            trend=[series[end][code] for end in ends],
        )

    facts = live.live_facts(selectors.council_people(council), quarter_end)
    leavers = {pk: f for pk, f in facts.items() if f["cl"]}
    ages: Counter[str] = Counter()
    for f in leavers.values():
        group = str(f["age"]) if f["band"] in ("16", "17_18") else f["band"]
        ages[group] += 1
    latest: dict[int, tuple[str, str]] = {}
    spells = AccommodationSpell.objects.filter(AccommodationSpell.covering(quarter_end), person_id__in=list(leavers))
    for person_id, kind, suitability in spells.order_by("start", "id").values_list(
        "person_id", "accommodation_type", "suitability"
    ):
        latest[person_id] = (kind, suitability)
    by_type: Counter[str] = Counter(kind for kind, _ in latest.values())
    suitable: Counter[str] = Counter(
        kind for kind, suitability in latest.values() if suitability == AccommodationSpell.Suitability.SUITABLE
    )
    accommodation = [
        (letter.value, letter.label, by_type[letter.value], suitable[letter.value])
        for letter in AccommodationType
        if by_type[letter.value]
    ]
    not_recorded = len(leavers) - len(latest)
    if not_recorded:
        accommodation.append(("", "Not recorded", not_recorded, 0))
    return QuarterlyReport(
        council=council,
        quarter_end=quarter_end,
        ends=ends,
        care_leavers=len(leavers),
        ages=[(label, ages[key]) for key, label in AGE_GROUPS],
        plans=line(PLAN_CODE),
        accommodation=accommodation,
        accommodation_lines=[line(code) for code in ACCOMMODATION_CODES],
        eet={band: [line(code) for code in band_codes] for band, band_codes in EET_CODES.items()},
        commentary={
            c.section: c
            for c in ReportCommentary.objects.filter(council=council, quarter_end=quarter_end).select_related("author")
        },
    )


# The charts -------------------------------------------------------------------------------------------

CHART_BANDS = (("19_21", "Care leavers aged 19 to 21"), ("17_18", "Care leavers aged 17 to 18"))
CHART_SERIES = {"eet": "In education, employment or training", "neet": "Not in education, employment or training"}


@dataclass(frozen=True)
class TrendChart:
    caption: str
    svg: str  # without a CSP nonce: the page adds its own, the documents need none


def trend_charts(quarterly: QuarterlyReport) -> list[TrendChart]:
    """EET and NEET at the last four quarter ends, with the EET target in force at each, per age band.

    The same SVG is shown on the page, drawn into the PDF and, as a PNG made from it, into the DOCX.
    Values are the suppressed ones the tables show, so a chart never says more than its table.
    """
    targets = comparisons.targets_for(quarterly.council)
    labels = [end.strftime("%b %Y") for end in quarterly.ends]
    result = []
    for band, title in CHART_BANDS:
        series: dict[str, list[float | None]] = {}
        for line in quarterly.eet[band]:
            for prefix, name in CHART_SERIES.items():
                if line.code == f"{prefix}_{band}":
                    series[name] = [display.chart_value(f, aggregate=True) for f in line.trend]
        goal = comparisons.target_line(quarterly.council, f"eet_{band}", quarterly.ends, targets)
        if any(value is not None for value in goal):
            series["EET target"] = goal
        caption = f"{title}: EET and NEET at the last four quarter ends, as in the table above"
        result.append(
            TrendChart(caption, charts.line_svg(label=caption, x_labels=labels, series=series, unit="percent"))
        )
    return result


# The document ---------------------------------------------------------------------------------------


def _comparison_table(doc: documents.Document, caption: str, lines: list[Line], ends: list[datetime.date]) -> None:
    header = [
        "Indicator",
        "This quarter (%)",
        "National (%)",
        "Statistical neighbours (%)",
        "Target (%)",
        "Against target",
        *(f"{end:%b %Y} (%)" for end in ends),
    ]
    rows = [
        [
            ln.name,
            ln.shown,
            _number(ln.national) or "no figure",
            _number(ln.neighbours) or "not loaded",
            _number(ln.target) or "no target",
            ln.shown_rating,
            *ln.shown_trend,
        ]
        for ln in lines
    ]
    numeric = frozenset({1, 2, 3, 4, *range(6, 6 + len(ends))})
    doc.table(caption, header, rows, numeric=numeric)


def _commentary(doc: documents.Document, quarterly: QuarterlyReport, section: str) -> None:
    written = quarterly.commentary.get(section)
    if written is not None:
        dated = timezone.localdate(written.updated_at)
        doc.commentary(written.text, written.author.full_name, f"{dated:%-d %B %Y}")


def document(quarterly: QuarterlyReport) -> documents.Document:
    """The report as a document, small numbers suppressed, with its charts and each section's commentary."""
    sections = ReportCommentary.Section
    doc = documents.Document(
        title="Care leavers quarterly report",
        subtitle=f"{quarterly.council.name}: {quarterly.label}. Figures as at {quarterly.quarter_end:%-d %B %Y}.",
        footer=f"{quarterly.council.name}, care leavers quarterly report, {quarterly.quarter_end:%-d %B %Y}.",
    )
    doc.heading("Number of care leavers")
    doc.paragraph(
        f"{suppress_count(quarterly.care_leavers)} care leavers aged 16 to 25 were supported on "
        f"{quarterly.quarter_end:%-d %B %Y}."
    )
    doc.table(
        "Care leavers by age",
        ["Age", "Care leavers"],
        [[label, suppress_count(count)] for label, count in quarterly.ages],
        numeric=frozenset({1}),
        sheet="Age profile",
    )
    _commentary(doc, quarterly, sections.NUMBERS)
    doc.heading("Pathway plans")
    plans = quarterly.plans
    doc.paragraph(
        f"Pathway plans in date: {plans.shown}% of {suppress_count(plans.figure.denominator or 0)} young people "
        "who need one."
    )
    _comparison_table(doc, "Pathway plans in date", [plans], quarterly.ends)
    _commentary(doc, quarterly, sections.PATHWAY_PLANS)
    doc.heading("Accommodation")
    doc.table(
        "Care leavers by type of accommodation",
        ["Type of accommodation", "Code", "Care leavers", "Of whom in suitable accommodation"],
        [
            [label, letter, suppress_count(count), suppress_count(good)]
            for letter, label, count, good in quarterly.accommodation
        ],
        numeric=frozenset({2, 3}),
        sheet="Accommodation by type",
    )
    _comparison_table(doc, "Care leavers in suitable accommodation", quarterly.accommodation_lines, quarterly.ends)
    _commentary(doc, quarterly, sections.ACCOMMODATION)
    doc.heading("Education, employment and training")
    for band, caption in CHART_BANDS:
        _comparison_table(doc, caption, quarterly.eet[band], quarterly.ends)
    doc.paragraph("The charts show the figures in the tables above, and the EET target in force at each quarter end.")
    for chart in trend_charts(quarterly):
        doc.chart(chart.caption, chart.svg)
    _commentary(doc, quarterly, sections.EET)
    doc.heading("Notes")
    doc.paragraph(
        "Figures are counted from the register as at each date for care leavers aged 16 to 25, after the national "
        "exclusions. As in the national statistics, numbers are rounded to the nearest 10 and percentages to whole "
        "numbers, so a total need not equal the sum of the rows above it; 'c' marks a figure withheld because it "
        "is made from 5 young people or fewer, 'k' a percentage below 0.5, and 'z' a figure that cannot be worked "
        "out because nobody was counted."
    )
    doc.paragraph(
        f"National figures: {benchmarks.national_source_text()}; the latest year published on the quarter's end. "
        "Statistical neighbours: the average of the published figures loaded by the council."
    )
    return doc
