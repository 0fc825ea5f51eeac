"""No CSV or XLSX file the service writes has a cell that a spreadsheet would run as a formula.

Every export goes through ``onward.core.exports``. The world here holds hostile text (formulas and
text starting ``=``, ``+``, ``-``, ``@`` or a tab) in every free-text field that reaches a file;
each download is fetched as a role that may use it and every cell of it is checked. ``EXPORTS``
lists the downloads; ``test_every_download_is_in_the_list`` fails when a URL answers with a CSV,
a spreadsheet or a ZIP, or says it is a download, and the list does not cover it.
"""

from __future__ import annotations

import csv
import datetime
import inspect
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from openpyxl import load_workbook

from onward.accounts.models import Organisation, Team, User
from onward.accounts.permissions import ROLES
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record
from onward.core import exports
from onward.core.codelists import InTouch
from onward.people.categories import birthday
from onward.people.models import AccommodationSpell, CareEpisode, Contact, EETSpell, YoungPerson
from onward.people.services import history_chain
from onward.plans.models import Item, Section
from onward.referrals.models import Service
from onward.returns.models import ImportRun
from tests.conftest import Tenant, sign_in
from tests.test_url_access import RULES, url_for

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = ('=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1")


@dataclass(frozen=True)
class Export:
    """A download: its URL name, a role that may use it, its format (if the URL takes one), its query."""

    name: str
    role: str
    file_format: str | None = None
    query: str = ""
    hostile: bool = True
    """Whether the world's hostile text reaches the file (a template or an example holds none)."""


EXPORTS: tuple[Export, ...] = (
    Export("people:caseload-export", "personal_adviser", "csv"),
    Export("people:caseload-export", "personal_adviser", "xlsx"),
    Export("audit:event-export", "administrator"),
    Export("referrals:partner-list", "partner_provider", query="download=csv"),
    Export("referrals:monitoring-export", "triage_coordinator", "csv"),
    Export("referrals:monitoring-export", "triage_coordinator", "xlsx"),
    Export("returns:import-problems-csv", "performance_officer"),
    Export("returns:export", "performance_officer"),
    Export("plans:spreadsheet", "performance_officer", "csv"),
    Export("plans:spreadsheet", "performance_officer", "xlsx"),
    Export("plans:import-template", "performance_officer", "csv", hostile=False),
    Export("plans:import-template", "performance_officer", "xlsx", hostile=False),
    Export("performance:quarterly-download", "performance_officer", "xlsx"),
    Export("performance:benchmark-example", "performance_officer", hostile=False),
    # The world's young person is 22: outside the NCCIS cohort and the survey (the feed's own tests
    # put hostile text in a cohort member's record).
    Export("participation:feed", "performance_officer", query="month=2026-11", hostile=False),
    Export("participation:survey", "performance_officer", query="year=2026", hostile=False),
    # Years 9 to 13 only: the aspiration pages' own tests put hostile text in a pupil's record.
    Export("participation:aspirations", "personal_adviser", query="format=csv", hostile=False),
    Export("participation:aspiration-sectors", "personal_adviser", query="format=csv", hostile=False),
    Export("participation:aspiration-destinations", "personal_adviser", query="format=csv", hostile=False),
    # Lists for settings and Jobcentre Plus leave only under an agreement in force (tests/network).
    Export("network:setting-send", "performance_officer", query="download=csv"),
    Export("network:jobcentre-send", "performance_officer", query="download=csv"),
    # Financial support for EET (onward/finance): totals by month and type, no free text.
    Export("finance:report-export", "performance_officer", hostile=False),
    # Needs against provision (issue 26): the directory's areas are free text.
    Export("referrals:needs-provision-export", "triage_coordinator"),
)
# Downloads that are documents (DOCX, PDF), not tables: they have no cells to run.
DOCUMENTS = {"plans:document", "plans:round-document"}
# A subject access bundle is JSON and PDF only, never a table (issue 22; its file test is in tests/privacy).
NOT_TABLES = {"privacy:request-bundle"}
TABULAR_TYPES = ("text/csv", "spreadsheetml", "application/zip")
LOOKS_LIKE_A_DOWNLOAD = re.compile(r"export|download|\.csv|\.xlsx|\.zip|file_format|spreadsheet|template|example|docu")


def _hostile_world(tenant: Tenant) -> None:
    """Put hostile text in every free-text field of the tenant that ends up in a download."""
    person = tenant.person
    month = datetime.timedelta(days=30)
    assert person is not None and tenant.plan_item is not None and tenant.import_run is not None
    YoungPerson.objects.filter(pk=person.pk).update(
        child_id="@SUM(A1)",
        legal_given_name=HOSTILE[0],
        legal_family_name=HOSTILE[1],
        preferred_name="",
        upn="-2+3",
    )
    CareEpisode.objects.filter(person=person).update(home_postcode="+1+1", placement_postcode="\t=1")
    # In touch, in education and housed around their 20th birthday, so the SSDA903 return holds them.
    twentieth = birthday(person.date_of_birth, 20)
    Contact.objects.create(person=person, date=twentieth, method="in_person", in_touch=InTouch.YES)
    EETSpell.objects.create(person=person, activity="further_education", start=twentieth - month, end=twentieth + month)
    AccommodationSpell.objects.create(
        person=person, accommodation_type="B", suitability="suitable", start=twentieth - month
    )
    history_chain(model=Contact, person_ids=[person.pk])
    User.objects.filter(pk=tenant.users["personal_adviser"].pk).update(given_name="-2+3", family_name="@SUM(A1)")
    User.objects.filter(pk=tenant.users["administrator"].pk).update(email="=1+1@alderley.example")
    Team.objects.filter(pk=tenant.team.pk).update(name="@SUM(A1)")
    Organisation.objects.filter(pk=tenant.council.pk).update(name=HOSTILE[0])
    Service.objects.filter(pk=tenant.service.pk).update(name="+1+1", area="=1+1")  # type: ignore[union-attr]
    ImportRun.objects.filter(pk=tenant.import_run.pk).update(
        problems=[
            {"table": HOSTILE[0], "row": "+1", "column": "-2+3", "child": "@SUM(A1)", "message": "\t=1"},
            {"table": "header", "row": 3, "column": "SEX", "child": "12", "message": "-2 is not a valid code"},
        ]
    )
    Section.objects.filter(pk=tenant.plan_item.section_id).update(reference="-2", title=HOSTILE[0], aim="+1+1")
    Item.objects.filter(pk=tenant.plan_item.pk).update(
        reference="@1", text=HOSTILE[0], agreed_action="-2+3", success_measure="\t=1"
    )
    with transaction.atomic():
        audit_record(
            actor=tenant.users["administrator"],
            action=AuditEvent.Action.CHANGE,
            council=tenant.council,
            object_type="people.YoungPerson",
            object_id="-2",
            object_repr=HOSTILE[0],
            summary="+1+1",
        )


def _return_year(tenant: Tenant) -> int:
    """The collection year (ending 31 March) in which the young person turned 20, so they are in OC3."""
    assert tenant.person is not None
    day = birthday(tenant.person.date_of_birth, 20)
    return day.year + 1 if day.month >= 4 else day.year


def export_url(export: Export, tenant: Tenant) -> str:
    kwargs = dict(resolve(url_for(export.name, tenant)).kwargs)
    if export.file_format is not None:
        kwargs["file_format"] = export.file_format
    if export.name == "returns:export":
        kwargs["year"] = _return_year(tenant)
    url = reverse(export.name, kwargs=kwargs)
    return f"{url}?{export.query}" if export.query else url


@dataclass(frozen=True)
class Found:
    where: str
    value: object
    data_type: str


def _csv_cells(where: str, content: bytes) -> list[Found]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    return [Found(f"{where} row {r}", value, "s") for r, row in enumerate(rows, start=1) for value in row]


def cells_of(content_type: str, content: bytes) -> list[Found]:
    """Every cell of a CSV, an XLSX workbook (every sheet) or a ZIP of CSV files."""
    if content_type.startswith("text/csv"):
        return _csv_cells("csv", content)
    if "spreadsheetml" in content_type:
        book = load_workbook(io.BytesIO(content))
        return [
            Found(f"{sheet.title}!{cell.coordinate}", cell.value, cell.data_type)
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
    if content_type == "application/zip":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return [cell for name in archive.namelist() for cell in _csv_cells(name, archive.read(name))]
    raise AssertionError(f"Not a table: {content_type}")


def _content(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: f"{e.name}-{e.file_format or e.query or 'file'}")
def test_no_cell_of_a_download_can_start_a_formula(export: Export, world: dict[str, Tenant]) -> None:
    """Hostile text arrives in the file as text with an apostrophe before it; no cell is a formula."""
    tenant = world["A"]
    _hostile_world(tenant)
    client = sign_in(Client(), tenant.users[export.role])
    response = client.get(export_url(export, tenant))
    assert response.status_code == 200
    cells = cells_of(response["Content-Type"], _content(response))
    assert cells
    formulas = [c for c in cells if c.data_type == "f"]
    assert not formulas, formulas
    starts = [c for c in cells if isinstance(c.value, str) and c.value.startswith(DANGEROUS)]
    assert not starts, starts
    if export.hostile:
        guarded = [c for c in cells if isinstance(c.value, str) and c.value[:1] == "'" and c.value[1:2] in DANGEROUS]
        assert guarded, "none of the hostile text reached the file, so the test proves nothing"
    assert "no-store" in response.get("Cache-Control", "")


def test_the_caseload_workbook_keeps_numbers_and_dates_typed(world: dict[str, Tenant]) -> None:
    """Guarding text leaves real values alone: ages are numbers and dates of birth are dates in the XLSX."""
    tenant = world["A"]
    _hostile_world(tenant)
    client = sign_in(Client(), tenant.users["personal_adviser"])
    response = client.get(reverse("people:caseload-export", kwargs={"file_format": "xlsx"}))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = sheet[2]
    age = row[header.index("Age")]
    born = row[header.index("Date of birth")]
    assert (age.data_type, age.value) == ("n", 22)
    assert born.is_date and born.value.date() == tenant.person.date_of_birth  # type: ignore[union-attr]
    assert row[header.index("Child identifier")].value == "'@SUM(A1)"


def _patterns() -> list[tuple[str, str, object]]:
    """(name, route, view) of every URL pattern."""
    found: list[tuple[str, str, object]] = []

    def walk(patterns: list[URLPattern | URLResolver], namespace: str | None, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
                walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
            else:
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                found.append((name, prefix + str(pattern.pattern), pattern.callback))

    walk(get_resolver().url_patterns, None, "")
    return found


def test_every_download_is_in_the_list(world: dict[str, Tenant]) -> None:
    """A URL whose name, path or view says it is a download, or that answers with a CSV, an XLSX or a ZIP
    (in any format it takes), is covered by EXPORTS (or is a DOCX/PDF document): a new export fails here."""
    covered = {e.name for e in EXPORTS}
    suspects = set()
    for name, route, view in _patterns():
        if not getattr(view, "__module__", "").startswith("onward."):
            continue  # the API's operations (django-ninja): JSON, and export jobs' files made by the guard
        source = inspect.getsource(inspect.unwrap(view))  # type: ignore[arg-type]
        if LOOKS_LIKE_A_DOWNLOAD.search(f"{name} {route}") or re.search(r"exports\.|attachment", source):
            suspects.add(name)
    assert suspects - covered - DOCUMENTS - NOT_TABLES == set()

    tenant = world["A"]
    tabular: set[tuple[str, str | None]] = set()
    for name, rule in sorted(RULES.items()):
        role = next((r.key for r in ROLES if rule.expect(tenant.users[r.key]) == 200), None)
        if role is None:
            continue
        client = sign_in(Client(), tenant.users[role])
        url = url_for(name, tenant)
        kwargs = resolve(url.split("?")[0]).kwargs
        for file_format in ("csv", "xlsx", "zip") if "file_format" in kwargs else (None,):
            if file_format is not None:
                url = reverse(name, kwargs={**kwargs, "file_format": file_format})
            response = client.get(url)
            if response.get("Content-Type", "").startswith(TABULAR_TYPES):
                tabular.add((name, file_format))
    listed = {(e.name, e.file_format) for e in EXPORTS if not e.query}
    assert tabular - listed == set()
    assert tabular, "no download answered at all, so the test proves nothing"


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_documents_are_never_tables(name: str, world: dict[str, Tenant]) -> None:
    """Committee documents come as DOCX or PDF only: asked for a CSV or an XLSX, there is none."""
    tenant = world["A"]
    client = sign_in(Client(), tenant.users["performance_officer"])
    kwargs = resolve(url_for(name, tenant)).kwargs
    for file_format in ("csv", "xlsx"):
        assert client.get(reverse(name, kwargs={**kwargs, "file_format": file_format})).status_code == 404


WRITERS = re.compile(
    r"csv\.writer|csv\.DictWriter|Workbook\(|import Workbook|WriteOnlyCell|text/csv;|spreadsheetml\.sheet|application/zip"
)


def test_only_the_export_guard_writes_csv_or_xlsx() -> None:
    """No module but onward/core/exports.py makes a CSV writer or a workbook, or sends one (or a ZIP) by type."""
    root = Path(settings.BASE_DIR) / "onward"
    guard = root / "core" / "exports.py"
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in sorted(root.rglob("*.py"))
        if path != guard and "migrations" not in path.parts
        for match in WRITERS.finditer(path.read_text())
    ]
    assert not offenders


# The guard itself ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("Plain text", "Plain text"),
        ("a=1", "a=1"),
        ("'quoted", "'quoted"),
        ("", ""),
        (None, None),
        (42, 42),
        (-3, -3),
        (-2.5, -2.5),
        (Decimal("-1.25"), Decimal("-1.25")),
        (0, 0),
        (datetime.date(2025, 3, 31), datetime.date(2025, 3, 31)),
        (True, "Yes"),
        (False, "No"),
    ],
)
def test_the_guard_keeps_values_typed_and_text_harmless(value: object, expected: object) -> None:
    """Numbers (negative ones too), dates and blanks stay as they are; text that could start a formula gets '."""
    assert exports.cell_value(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-3, "-3"),
        (-2.5, "-2.5"),
        (7, "7"),
        (None, ""),
        (datetime.date(2025, 3, 1), "01/03/2025"),
        ("-3", "'-3"),
        ("=A1", "'=A1"),
        ("Leeds", "Leeds"),
    ],
)
def test_the_guard_writes_csv_values(value: object, expected: str) -> None:
    """In a CSV, numbers are written as numbers (a negative number stays -3), dates as 31/03/2025."""
    assert exports.csv_value(value) == expected


def test_a_workbook_from_the_guard_has_no_formula_and_typed_values() -> None:
    """Strings are string cells, numbers numeric cells, dates date cells, whatever the text starts with."""
    content = exports.xlsx_bytes(
        [
            exports.Sheet(
                "Sheet",
                header=["text", "number", "date"],
                rows=[["=1+1", -4, datetime.date(2025, 1, 2)], ["@x", 2.5, None]],
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(content))["Sheet"]
    assert [(c.value, c.data_type) for c in sheet[2][:2]] == [("'=1+1", "s"), (-4, "n")]
    assert sheet["C2"].is_date
    assert [(c.value, c.data_type) for c in sheet[3][:2]] == [("'@x", "s"), (2.5, "n")]


def test_a_csv_from_the_guard_reads_back_guarded() -> None:
    """Text that could start a formula reads back with its apostrophe; numbers and dates as written."""
    text = exports.csv_text([["=1+1", -4, datetime.date(2025, 1, 2), "\t=1"]], header=["a", "b", "c", "d"])
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["a", "b", "c", "d"],
        ["'=1+1", "-4", "02/01/2025", "'\t=1"],
    ]
