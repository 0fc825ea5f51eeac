"""Benchmarks: the national data file, and councils' comparator figures loaded from a CSV."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from onward.audit.models import AuditEvent
from onward.performance import benchmarks, comparisons, services
from onward.performance.models import BenchmarkSet, BenchmarkValue

GOOD = b"""year,la_code,la_name,comparator,indicator,value
2025,E06000001,Northwick,statistical neighbours,eet_19_21,56
2025,E06000002,Southmere,statistical neighbours,eet_19_21,51
2024,E06000001,Northwick,statistical neighbours,eet_19_21,40
2025,E06000003,Eastbrook,region,eet_19_21,58.4
2025,E06000004,Westfold,region,eet_19_21,60
2025,E06000005,Upton,Core cities,eet_19_21,48
"""


class TestNationalFile:
    def test_holds_the_published_2025_figures(self) -> None:
        """The 2025 national figures are those in the 2025 release."""
        assert benchmarks.national_for_year("eet_19_21", 2025) == Decimal(54)
        assert benchmarks.national_for_year("neet_19_21", 2025) == Decimal(40)
        assert benchmarks.national_for_year("suitable_accommodation_19_21", 2025) == Decimal(89)
        assert benchmarks.national_for_year("eet_17_18", 2025) == Decimal(64)
        assert benchmarks.national_for_year("neet_17_18", 2025) == Decimal(30)
        assert benchmarks.national_for_year("neet_illness_19_21", 2025) == Decimal(9)

    def test_holds_the_earlier_years_of_the_time_series(self) -> None:
        """Every year 2021 to 2025 is held, as revised in the 2025 release."""
        assert benchmarks.national_series("eet_19_21") == {
            2021: Decimal(52),
            2022: Decimal(55),
            2023: Decimal(56),
            2024: Decimal(54),
            2025: Decimal(54),
        }
        assert benchmarks.national_for_year("he_17_18", 2021) == Decimal(4)
        assert benchmarks.national_for_year("suitable_accommodation_17_18", 2022) == Decimal(90)

    def test_names_its_source_and_version(self) -> None:
        """The file says who published the figures, in which release, and how they were rounded."""
        data = benchmarks.national_data()
        assert data["source"]["publisher"] == "Department for Education"
        assert data["version"]
        assert any("rounded" in note for note in data["notes"])

    def test_a_figure_is_in_force_from_its_publication(self) -> None:
        """Before a year's release, the previous year's figure is the one quoted."""
        assert benchmarks.national("neet_19_21", datetime.date(2025, 6, 30)) == Decimal(39)
        assert benchmarks.national("neet_19_21", datetime.date(2026, 1, 31)) == Decimal(40)
        assert benchmarks.national("neet_19_21", datetime.date(2021, 6, 30)) is None

    def test_in_touch_has_no_national_figure(self) -> None:
        """An indicator without a published figure has none rather than a guess."""
        assert benchmarks.national("in_touch_19_21", datetime.date(2026, 1, 31)) is None
        assert benchmarks.national_reader("in_touch_19_21") is None


def check(content: bytes) -> benchmarks.CheckedFile:
    return benchmarks.check_csv(content, known_indicators={"eet_19_21", "neet_19_21"}, today=datetime.date(2026, 1, 1))


class TestCheckingTheCsv:
    def test_a_good_file_gives_every_row(self) -> None:
        """Each row of a good file is read, with its comparator kind."""
        checked = check(GOOD)
        assert checked.problems == []
        assert len(checked.rows) == 6
        assert [row["kind"] for row in checked.rows] == ["neighbours"] * 3 + ["region"] * 2 + ["other"]

    @pytest.mark.parametrize(
        ("row", "column", "words"),
        [
            (b"2025,E1,Northwick,region,eet_16,50", "indicator", "not an indicator code"),
            (b"20x5,E1,Northwick,region,eet_19_21,50", "year", "not a year"),
            (b"1999,E1,Northwick,region,eet_19_21,50", "year", "not a year with published figures"),
            (b"2025,E1,Northwick,region,eet_19_21,lots", "value", "not a number"),
            (b"2025,E1,Northwick,region,eet_19_21,101", "value", "from 0 to 100"),
            (b"2025,E1,Northwick,region,eet_19_21,-1", "value", "from 0 to 100"),
            (b"2025,E1,,region,eet_19_21,50", "la_name", "Enter the la name"),
        ],
    )
    def test_a_bad_row_is_refused_with_its_row_and_reason(self, row: bytes, column: str, words: str) -> None:
        """A malformed row is reported with its row number (the header is row 1), column and reason."""
        checked = check(
            b"year,la_code,la_name,comparator,indicator,value\n2025,E2,Southmere,region,eet_19_21,50\n" + row
        )
        assert len(checked.problems) == 1
        problem = checked.problems[0]
        assert (problem.row, problem.column) == (3, column)
        assert words in problem.message

    def test_missing_columns_are_named(self) -> None:
        """A header without a required column is refused, naming the column."""
        checked = check(b"year,la_code,comparator,indicator,value\n2025,E1,region,eet_19_21,50\n")
        assert checked.rows == []
        assert checked.problems[0].row == 1
        assert "la_name" in checked.problems[0].message

    def test_a_duplicate_row_is_refused(self) -> None:
        """The same authority, indicator, year and comparator twice is refused, naming the first row."""
        checked = check(GOOD + b"2025,e06000001,Northwick,Statistical Neighbours,eet_19_21,57\n")
        assert len(checked.problems) == 1
        assert checked.problems[0].row == 8
        assert "Duplicates row 2" in checked.problems[0].message

    def test_an_empty_file_is_refused(self) -> None:
        """An empty file, or one with only its header, is refused."""
        assert check(b"").problems[0].message == "The file is empty"
        assert "no figures" in check(b"year,la_code,la_name,comparator,indicator,value\n").problems[0].message


@pytest.mark.django_db
class TestLoadingTheCsv:
    def test_a_good_file_is_saved_and_averaged(self, world) -> None:  # type: ignore[no-untyped-def]
        """Saving a checked file makes its averages the council's neighbours and region figures."""
        council, user = world["A"].council, world["A"].users["performance_officer"]
        previewed = services.benchmark_preview(acting_user=user, council=council, file_name="sn.csv", content=GOOD)
        assert previewed.status == BenchmarkSet.Status.PREVIEWED
        assert not BenchmarkValue.objects.exists()
        services.benchmark_save(acting_user=user, benchmark_set=previewed)
        found = comparisons.benchmarks_for(council, "eet_19_21", datetime.date(2026, 1, 31))
        assert found.national == Decimal(54)
        assert (found.neighbours, found.neighbours_year, found.neighbours_count) == (Decimal("53.5"), 2025, 2)
        assert found.region == Decimal("59.2")
        assert found.others == {"Core cities": Decimal("48.0")}
        earlier = comparisons.benchmarks_for(council, "eet_19_21", datetime.date(2025, 6, 30))
        assert (earlier.neighbours, earlier.neighbours_year) == (Decimal("40.0"), 2024)
        assert (
            comparisons.benchmarks_for(world["B"].council, "eet_19_21", datetime.date(2026, 1, 31)).neighbours is None
        )

    def test_a_malformed_file_saves_nothing(self, world) -> None:  # type: ignore[no-untyped-def]
        """A file with one bad row is rejected whole: nothing is saved, every problem is kept."""
        council, user = world["A"].council, world["A"].users["performance_officer"]
        rejected = services.benchmark_preview(
            acting_user=user, council=council, file_name="sn.csv", content=GOOD + b"2025,E9,Nine,region,eet_19_21,x\n"
        )
        assert rejected.status == BenchmarkSet.Status.REJECTED
        assert rejected.problems == [{"row": 8, "column": "value", "message": "'x' is not a number"}]
        with pytest.raises(services.BenchmarkNotReady):
            services.benchmark_save(acting_user=user, benchmark_set=rejected)
        assert not BenchmarkValue.objects.exists()

    def test_a_new_file_replaces_the_one_in_use(self, world) -> None:  # type: ignore[no-untyped-def]
        """Saving a second file supersedes the first: only the new figures count."""
        council, user = world["A"].council, world["A"].users["performance_officer"]
        first = services.benchmark_preview(acting_user=user, council=council, file_name="a.csv", content=GOOD)
        services.benchmark_save(acting_user=user, benchmark_set=first)
        second_file = (
            b"year,la_code,la_name,comparator,indicator,value\n2025,E1,One,statistical neighbours,eet_19_21,70\n"
        )
        second = services.benchmark_preview(acting_user=user, council=council, file_name="b.csv", content=second_file)
        services.benchmark_save(acting_user=user, benchmark_set=second)
        first.refresh_from_db()
        assert first.status == BenchmarkSet.Status.SUPERSEDED
        assert comparisons.benchmarks_for(council, "eet_19_21", datetime.date(2026, 1, 31)).neighbours == Decimal(70)
        assert AuditEvent.objects.filter(object_type="performance.BenchmarkSet", action="change").count() == 2


@pytest.mark.django_db
class TestUploadPage:
    def test_upload_preview_and_save(self, world, signed_in) -> None:  # type: ignore[no-untyped-def]
        """The performance officer uploads a file, sees the preview, and saves it."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = signed_in(world["A"].users["performance_officer"])
        response = client.post(
            reverse("performance:benchmark-upload"), {"upload": SimpleUploadedFile("sn.csv", GOOD, "text/csv")}
        )
        benchmark_set = BenchmarkSet.objects.get()
        assert response.status_code == 302
        page = client.get(reverse("performance:benchmark-detail", args=[benchmark_set.pk]))
        assert b"Core cities" in page.content
        assert not BenchmarkValue.objects.exists()
        client.post(reverse("performance:benchmark-save", args=[benchmark_set.pk]))
        assert BenchmarkValue.objects.count() == 6

    def test_problems_are_listed_by_row(self, world, signed_in) -> None:  # type: ignore[no-untyped-def]
        """A malformed file's preview lists each problem with its row and column, and offers no save."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = signed_in(world["A"].users["performance_officer"])
        bad = GOOD + b"2025,E9,Nine,region,eet_99,50\n"
        client.post(reverse("performance:benchmark-upload"), {"upload": SimpleUploadedFile("sn.csv", bad, "text/csv")})
        page = client.get(reverse("performance:benchmark-detail", args=[BenchmarkSet.objects.get().pk]))
        text = page.content.decode()
        assert "is not an indicator code Onward knows" in text
        assert ">8<" in text
        assert "Save these figures" not in text

    def test_the_example_file_downloads_and_passes_its_own_checks(self, world, signed_in) -> None:  # type: ignore[no-untyped-def]
        """The example CSV on the upload page is a file the upload accepts."""
        client = signed_in(world["A"].users["performance_officer"])
        response = client.get(reverse("performance:benchmark-example"))
        assert response["Content-Type"].startswith("text/csv")
        assert check(response.content).problems == []


def test_national_figures_are_registered_on_the_binding_point() -> None:
    """Plans read the national figure through core.indicators; in touch has none registered."""
    from onward.core.indicators import indicator_source, read_national

    assert read_national("eet_19_21", as_at=datetime.date(2026, 1, 31)) == Decimal(54)
    assert read_national("suitable_accommodation_17_18", as_at=datetime.date(2026, 1, 31)) == Decimal(91)
    source = indicator_source("in_touch_19_21")
    assert source is not None
    assert source.national is None


@pytest.mark.django_db
def test_the_upload_form_refuses_a_missing_or_non_csv_file(world, signed_in) -> None:  # type: ignore[no-untyped-def]
    """No file, or a file that is not CSV, gets a GOV.UK error and nothing is kept."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(world["A"].users["performance_officer"])
    page = client.post(reverse("performance:benchmark-upload"), {}).content.decode()
    assert "govuk-error-summary" in page and "Select the file to upload" in page
    upload = SimpleUploadedFile("figures.xlsx", b"PK", "application/octet-stream")
    page = client.post(reverse("performance:benchmark-upload"), {"upload": upload}).content.decode()
    assert "The file must be a CSV file" in page
    assert not BenchmarkSet.objects.exists()


@pytest.mark.django_db
def test_a_councillor_cannot_load_benchmarks(world, signed_in) -> None:  # type: ignore[no-untyped-def]
    """Loading benchmark figures needs the permission to set targets."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(world["A"].users["councillor"])
    response = client.post(
        reverse("performance:benchmark-upload"), {"upload": SimpleUploadedFile("sn.csv", GOOD, "text/csv")}
    )
    assert response.status_code == 403
    assert not BenchmarkSet.objects.exists()
