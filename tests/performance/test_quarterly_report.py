"""The quarterly care leavers report: its figures, and the same figures in the PDF, DOCX and XLSX."""

from __future__ import annotations

import datetime
import html
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from docx import Document as WordDocument
from openpyxl import load_workbook
from pypdf import PdfReader

from onward.accounts.models import Organisation
from onward.audit.models import AuditEvent
from onward.core import documents
from onward.people.categories import birthday
from onward.people.models import AccommodationSpell, CareEpisode, EETSpell, YoungPerson
from onward.people.services import refresh_care_summary
from onward.performance import quarterly, services
from onward.performance.targets import Rating
from tests.factories import YoungPersonFactory

QUARTER = datetime.date(2025, 9, 30)
SPELL_START = datetime.date(2025, 1, 1)


def leaver(council: Organisation, age: int, activity: str, accommodation: str = "U") -> YoungPerson:
    """A young person looked after from 14 to 18, aged ``age`` on QUARTER, with an activity and a home."""
    dob = datetime.date(QUARTER.year - age, 5, 15)
    person: YoungPerson = YoungPersonFactory(council=council, date_of_birth=dob)
    CareEpisode.objects.create(
        person=person,
        start=birthday(dob, 14),
        end=birthday(dob, 18) if age >= 18 else birthday(dob, 17) + datetime.timedelta(days=30),
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
        reason_ceased="E17",
    )
    refresh_care_summary(person)
    EETSpell.objects.create(person=person, activity=activity, start=SPELL_START)
    AccommodationSpell.objects.create(
        person=person, start=SPELL_START, accommodation_type=accommodation, suitability="suitable"
    )
    return person


@pytest.fixture
def cohort(world):  # type: ignore[no-untyped-def]
    """Council A: 20 care leavers aged 20 (10 employed, 5 at university, 5 NEET) and 3 aged 17 at college."""
    council = world["A"].council
    # The world's own young person is aged by today's date: take them out of the 16 to 25 range.
    YoungPerson.objects.filter(pk__in=[world["A"].person.pk, world["B"].person.pk]).update(
        date_of_birth=datetime.date(1990, 1, 1)
    )
    for _ in range(10):
        leaver(council, 20, "employment_full_time")
    for _ in range(5):
        leaver(council, 20, "higher_education")
    for _ in range(5):
        leaver(council, 20, "neet_other", accommodation="D")
    for _ in range(3):
        leaver(council, 17, "further_education", accommodation="Z")
    user = world["A"].users["performance_officer"]
    target = services.target_save(acting_user=user, council=council, target=None, indicator="eet_19_21", tolerance=None)
    services.target_step_add(
        acting_user=user,
        target=target,
        by_date=datetime.date(2025, 4, 1),
        kind="national",
        value=Decimal(5),
        version=target.version,
    )
    sn = b"year,la_code,la_name,comparator,indicator,value\n2024,E1,One,statistical neighbours,eet_19_21,50\n2024,E2,Two,statistical neighbours,eet_19_21,52\n"
    services.benchmark_save(
        acting_user=user,
        benchmark_set=services.benchmark_preview(acting_user=user, council=council, file_name="sn.csv", content=sn),
    )
    return world


class TestQuarters:
    def test_the_last_complete_quarter(self) -> None:
        """The default quarter is the latest one that has ended."""
        assert quarterly.last_complete_quarter(datetime.date(2025, 10, 15)) == QUARTER
        assert quarterly.last_complete_quarter(datetime.date(2025, 9, 30)) == datetime.date(2025, 6, 30)
        assert quarterly.last_complete_quarter(datetime.date(2026, 1, 1)) == datetime.date(2025, 12, 31)
        assert quarterly.last_complete_quarter(datetime.date(2026, 2, 10)) == datetime.date(2025, 12, 31)

    def test_four_quarter_ends_for_the_trend(self) -> None:
        """The trend runs over the last four quarter ends, oldest first."""
        assert quarterly.quarter_ends(QUARTER) == [
            datetime.date(2024, 12, 31),
            datetime.date(2025, 3, 31),
            datetime.date(2025, 6, 30),
            QUARTER,
        ]
        assert quarterly.quarter_label(QUARTER) == "Quarter 2, 2025 to 2026 (July to September 2025)"
        assert quarterly.quarter_label(datetime.date(2026, 3, 31)) == "Quarter 4, 2025 to 2026 (January to March 2026)"


@pytest.mark.django_db
class TestFigures:
    def test_numbers_ages_accommodation_and_eet(self, cohort) -> None:  # type: ignore[no-untyped-def]
        """The report counts the cohort by age and accommodation and rates EET against the target."""
        built = quarterly.build(cohort["A"].council, QUARTER)
        assert built.care_leavers == 23
        assert dict(built.ages) == {"Aged 16": 0, "Aged 17": 3, "Aged 18": 0, "Aged 19 to 21": 20, "Aged 22 to 25": 0}
        assert [(letter, count) for letter, _, count, _ in built.accommodation] == [("D", 5), ("U", 15), ("Z", 3)]
        eet = {line.code: line for line in built.eet["19_21"]}
        assert eet["eet_19_21"].figure.value == Decimal(75)
        assert eet["eet_19_21"].national == Decimal(54)  # 2024, the year published on 30 September 2025
        assert eet["eet_19_21"].neighbours == Decimal(51)
        assert eet["eet_19_21"].target == Decimal(59)
        assert eet["eet_19_21"].rating is Rating.ON
        assert eet["neet_other_19_21"].figure.value == Decimal(25)
        assert eet["he_19_21"].figure.value == Decimal(25)
        assert [f.value for f in eet["eet_19_21"].trend] == [Decimal(0), Decimal(75), Decimal(75), Decimal(75)]

    def test_small_numbers_are_suppressed(self, cohort) -> None:  # type: ignore[no-untyped-def]
        """As on the dashboard for councillors: 5 or fewer shown as 'c', other counts rounded to the nearest 10."""
        built = quarterly.build(cohort["A"].council, QUARTER)
        assert built.eet["17_18"][0].shown == "c"
        rows = {row[0]: row[1] for row in quarterly.document(built).tables[0].rows}
        assert rows["Aged 17"] == "c"
        assert rows["Aged 19 to 21"] == "20"
        by_type = {row[1]: row[2] for row in quarterly.document(built).tables[2].rows}
        assert by_type == {"D": "c", "U": "20", "Z": "c"}


@pytest.fixture
def files(cohort):  # type: ignore[no-untyped-def]
    doc = quarterly.document(quarterly.build(cohort["A"].council, QUARTER))
    return doc


@pytest.mark.django_db
class TestFiles:
    def test_docx_has_headings_tables_figures_and_page_numbers(self, files) -> None:  # type: ignore[no-untyped-def]
        """The Word document has real headings, tables with header rows, the figures and a PAGE field."""
        word = WordDocument(io.BytesIO(documents.to_docx(files)))
        headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
        assert headings == [
            "Number of care leavers",
            "Pathway plans",
            "Accommodation",
            "Education, employment and training",
            "Notes",
        ]
        assert len(word.tables) == len(files.tables)
        eet_table = word.tables[-2]
        assert [c.text for c in eet_table.rows[0].cells][:5] == [
            "Indicator",
            "This quarter (%)",
            "National (%)",
            "Statistical neighbours (%)",
            "Target (%)",
        ]
        assert "w:tblHeader" in eet_table.rows[0]._tr.xml
        first = [c.text for c in eet_table.rows[1].cells]
        assert first[:6] == [
            "Care leavers aged 19 to 21 in education, employment or training",
            "75",
            "54",
            "51",
            "59",
            "On target",
        ]
        assert "PAGE" in word.sections[0].footer.paragraphs[0]._p.xml

    def test_pdf_has_the_same_figures_and_page_numbers(self, files) -> None:  # type: ignore[no-untyped-def]
        """The PDF's text holds the headings, the figures and 'Page 1 of'."""
        pages = PdfReader(io.BytesIO(documents.to_pdf(files))).pages
        text = " ".join(" ".join(page.extract_text() for page in pages).split())
        assert "Care leavers quarterly report" in text
        assert "Education, employment and training" in text
        assert "Care leavers aged 19 to 21 in education, employment or training 75 54 51 59 On target" in text
        assert "Aged 17 c" in text
        assert f"Page 1 of {len(pages)}" in text

    def test_xlsx_has_a_sheet_per_table(self, files) -> None:  # type: ignore[no-untyped-def]
        """The workbook has a contents sheet and one sheet per table, numbers as numbers."""
        workbook = load_workbook(io.BytesIO(documents.to_xlsx(files)))
        assert workbook.sheetnames[:3] == ["Contents", "Age profile", "Pathway plans in date"]
        ages = {row[0]: row[1] for row in workbook["Age profile"].iter_rows(min_row=2, values_only=True)}
        assert ages["Aged 19 to 21"] == 20
        assert ages["Aged 17"] == "c"
        eet = list(workbook["Care leavers aged 19 to 21"].iter_rows(values_only=True))
        assert eet[1][:6] == (
            "Care leavers aged 19 to 21 in education, employment or training",
            75,
            54,
            51,
            59,
            "On target",
        )


@pytest.mark.django_db
class TestPages:
    @time_machine.travel(datetime.datetime(2025, 10, 15, 12, tzinfo=datetime.UTC), tick=False)
    def test_a_councillor_sees_the_report_and_downloads_it(self, cohort, signed_in) -> None:  # type: ignore[no-untyped-def]
        """The default quarter is the last complete one; a download is audited as an export."""
        client = signed_in(cohort["A"].users["councillor"])
        page = client.get(reverse("performance:quarterly")).content.decode()
        assert "Quarter 2, 2025 to 2026" in page
        assert "govuk-tag--green" in page
        chart = page[page.index("<svg") : page.index("</svg>")]
        assert 'role="img"' in chart and "EET target" in chart and "<script" not in chart
        response = client.get(reverse("performance:quarterly-download", args=["2025-09-30", "docx"]))
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith('.docx"')
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assert "Quarter 2, 2025 to 2026" in event.object_repr

    @time_machine.travel(datetime.datetime(2025, 10, 15, 12, tzinfo=datetime.UTC), tick=False)
    def test_another_quarter_and_a_bad_one(self, cohort, signed_in) -> None:  # type: ignore[no-untyped-def]
        """An earlier quarter can be chosen; a date that is not a quarter on offer is not found."""
        client = signed_in(cohort["A"].users["councillor"])
        page = client.get(reverse("performance:quarterly"), {"quarter": "2025-06-30"}).content.decode()
        assert "Quarter 1, 2025 to 2026" in page
        assert client.get(reverse("performance:quarterly-download", args=["2025-10-31", "pdf"])).status_code == 404
        assert client.get(reverse("performance:quarterly-download", args=["2025-09-30", "exe"])).status_code == 404

    @time_machine.travel(datetime.datetime(2025, 10, 15, 12, tzinfo=datetime.UTC), tick=False)
    def test_council_b_sees_only_its_own_figures(self, cohort, signed_in) -> None:  # type: ignore[no-untyped-def]
        """Another council's councillor sees none of council A's care leavers."""
        client = signed_in(cohort["B"].users["councillor"])
        response = client.get(reverse("performance:quarterly-download", args=["2025-09-30", "xlsx"]))
        workbook = load_workbook(io.BytesIO(response.content))
        ages = {row[0]: row[1] for row in workbook["Age profile"].iter_rows(min_row=2, values_only=True)}
        assert ages["Aged 19 to 21"] == 0


@pytest.mark.django_db
class TestDashboard:
    @time_machine.travel(datetime.datetime(2025, 10, 15, 12, tzinfo=datetime.UTC), tick=False)
    def test_headline_shows_neighbours_target_and_rating(self, cohort, signed_in) -> None:  # type: ignore[no-untyped-def]
        """The dashboard's headline table sets each figure beside national, neighbours and target."""
        client = signed_in(cohort["A"].users["performance_officer"])
        page = client.get(reverse("performance:dashboard"), {"date_0": "30", "date_1": "9", "date_2": "2025"})
        html = page.content.decode()
        assert "Statistical neighbours" in html
        row = html[html.index("Care leavers aged 19 to 21 in education, employment or training</a>") :]
        row = row[: row.index("</tr>")]
        assert "54%" in row and "51%" in row and "59%" in row
        assert "On target" in row

    @time_machine.travel(datetime.datetime(2025, 10, 15, 12, tzinfo=datetime.UTC), tick=False)
    def test_indicator_trend_has_a_target_line_and_column(self, cohort, signed_in) -> None:  # type: ignore[no-untyped-def]
        """An indicator with a target draws it on the trend chart and lists it in the chart's table."""
        client = signed_in(cohort["A"].users["performance_officer"])
        html = client.get(reverse("performance:indicator", args=["eet_19_21"])).content.decode()
        assert ">Target</th>" in html
        assert "59%" in html
        assert "Target" in html[html.index("<svg") : html.index("</svg>")]


@pytest.mark.django_db
def test_the_report_runs_a_fixed_number_of_queries(cohort) -> None:  # type: ignore[no-untyped-def]
    """The report's queries do not grow with the number of young people."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    council = cohort["A"].council
    with CaptureQueriesContext(connection) as first:
        quarterly.build(council, QUARTER)
    for _ in range(5):
        leaver(council, 19, "apprenticeship")
    with CaptureQueriesContext(connection) as second:
        built = quarterly.build(council, QUARTER)
    assert built.care_leavers == 28
    assert len(first) == len(second) <= 11  # the figures, and one query for the commentary


@pytest.mark.django_db
class TestChartsAndCommentary:
    def test_the_charts_are_drawn_into_the_pdf_and_the_docx(self, files) -> None:  # type: ignore[no-untyped-def]
        """The page's two SVG charts are drawn into the PDF, and into the Word file as PNG images of the same SVG."""
        assert [chart.caption.split(":")[0] for chart in files.charts] == [
            "Care leavers aged 19 to 21",
            "Care leavers aged 17 to 18",
        ]
        assert all("<script" not in chart.svg and 'role="img"' in chart.svg for chart in files.charts)
        assert "EET target" in files.charts[0].svg  # council A has a target for 19 to 21 only
        word = WordDocument(io.BytesIO(documents.to_docx(files)))
        assert len(word.inline_shapes) == 2
        images = [part for part in word.part.package.parts if part.content_type == "image/png"]
        assert len(images) == 2 and all(image.blob.startswith(b"\x89PNG") for image in images)
        captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
        assert all(chart.caption in captions for chart in files.charts)
        pages = PdfReader(io.BytesIO(documents.to_pdf(files))).pages
        text = " ".join(" ".join(page.extract_text() for page in pages).split())
        # Each chart's legend is drawn as text; "Not in education" is written nowhere else with a capital N.
        assert text.count("Not in education, employment or tr") == 2  # pygal shortens a long legend
        assert text.count("EET target") == 2  # the first chart's legend, and the sentence introducing the charts
        assert all(chart.caption in text for chart in files.charts)

    def test_the_performance_officer_writes_commentary_that_every_format_prints_with_author_and_date(
        self, cohort, signed_in
    ) -> None:  # type: ignore[no-untyped-def]
        """Commentary per section: written on its page, shown on screen and in the PDF and DOCX, with its author and date."""
        from django.utils import timezone

        officer = cohort["A"].users["performance_officer"]
        client = signed_in(officer)
        url = reverse("performance:quarterly-commentary", args=[QUARTER.isoformat(), "eet"])
        with time_machine.travel(datetime.datetime(2025, 10, 15, 12, tzinfo=datetime.UTC), tick=False):
            empty = client.post(url, {"text": "  "})
            assert "Enter the commentary" in empty.content.decode()
            response = client.post(url, {"text": "University starts rose after the taster days."})
            assert response.status_code == 302
            page = html.unescape(client.get(response["Location"]).content.decode())  # a name may hold an apostrophe
            today = timezone.localdate()
        byline = f"Commentary by {officer.full_name}, {today:%-d %B %Y}"
        assert "University starts rose after the taster days." in page and byline in page
        doc = quarterly.document(quarterly.build(cohort["A"].council, QUARTER))
        word = WordDocument(io.BytesIO(documents.to_docx(doc)))
        paragraphs = [p.text for p in word.paragraphs]
        at = paragraphs.index("University starts rose after the taster days.")
        assert paragraphs[at + 1] == byline
        assert paragraphs.index("Education, employment and training") < at < paragraphs.index("Notes")
        pdf = PdfReader(io.BytesIO(documents.to_pdf(doc)))
        text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
        assert f"University starts rose after the taster days. {byline}" in text

    def test_commentary_is_versioned_and_audited_and_only_the_performance_officer_writes_it(
        self, cohort, signed_in
    ) -> None:  # type: ignore[no-untyped-def]
        from onward.performance.models import ReportCommentary

        tenant = cohort["A"]
        officer = tenant.users["performance_officer"]
        url = reverse("performance:quarterly-commentary", args=[QUARTER.isoformat(), "pathway_plans"])
        assert signed_in(tenant.users["councillor"]).get(url).status_code == 403
        written = services.commentary_save(
            acting_user=officer, council=tenant.council, quarter_end=QUARTER, section="pathway_plans", text="First"
        )
        client = signed_in(officer)
        form = client.get(url).content.decode()
        assert f'name="version" value="{written.version}"' in form and "First" in form
        services.commentary_save(
            acting_user=officer,
            council=tenant.council,
            quarter_end=QUARTER,
            section="pathway_plans",
            text="Second",
            version=written.version,
        )
        stale = client.post(url, {"text": "Third", "version": written.version})
        assert "Someone else changed this commentary" in stale.content.decode()
        saved = ReportCommentary.objects.get(council=tenant.council, section="pathway_plans")
        assert (saved.text, saved.version) == ("Second", 2)
        change = AuditEvent.objects.filter(object_type="performance.ReportCommentary").latest("id")
        assert change.changes["text"] == ["First", "Second"]
        with pytest.raises(PermissionDenied):
            services.commentary_save(
                acting_user=tenant.users["councillor"],
                council=tenant.council,
                quarter_end=QUARTER,
                section="eet",
                text="Not mine to write",
            )
        with pytest.raises(PermissionDenied):
            services.commentary_save(
                acting_user=cohort["B"].users["performance_officer"],
                council=tenant.council,
                quarter_end=QUARTER,
                section="eet",
                text="Another council's",
            )
        bad = reverse("performance:quarterly-commentary", args=[QUARTER.isoformat(), "nothing"])
        assert client.get(bad).status_code == 404
