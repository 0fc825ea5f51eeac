"""A plan in and out of a spreadsheet: the template, the export, and the all-or-nothing import."""

from __future__ import annotations

import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from onward.audit.models import AuditEvent
from onward.plans import interchange, schemes, selectors
from onward.plans.models import Item, Plan, Section, Update
from tests.conftest import Tenant, sign_in
from tests.plans.builders import build_plan

NEW_PLAN = {
    "title": "Routes into work plan",
    "kind": Plan.Kind.ACTION_PLAN,
    "owning_body": "Corporate Parenting Board",
    "rating_scheme": schemes.RAG,
}


def _csv(rows: list[dict[str, str]]) -> bytes:
    """A CSV in the template's columns; each row gives only the columns it needs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(interchange.header())
    for row in rows:
        writer.writerow([row.get(column.name, "") for column in interchange.COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _manager(world: dict[str, Tenant]) -> Client:
    return sign_in(Client(), world["A"].users["performance_officer"])


def _post_new(client: Client, name: str, content: bytes, **fields: str):  # type: ignore[no-untyped-def]
    data = {**NEW_PLAN, **fields, "upload": SimpleUploadedFile(name, content)}
    return client.post(reverse("plans:import-new"), data)


def _good_rows(tenant: Tenant) -> list[dict[str, str]]:
    lead = tenant.users["plan_lead"]
    return [
        {
            "Section reference": "1",
            "Section title": "Pre-16 transitions",
            "Section aim": "Every Year 11 has an offer of learning",
            "Item reference": "1.1",
            "Item text": "Audit the aspirations of every Year 9 pupil in care",
            "Leads": f"{lead.email}; Morgan Ellis",
            "Target dates": "31/03/2027 half the year group; 31/07/2027 all of it",
            "Agreed action": "The Virtual School runs the audit",
            "Success measure": "Every pupil's aspiration recorded",
            "Status": "open",
            "Rating": "A",
            "Achievements": "Questionnaire agreed\nFirst school visited",
            "Next steps": "Visit the remaining schools",
            "Evidence of progress": "Four schools of twelve done",
            "Update date": "01/09/2026",
        },
        {
            "Section reference": "1",
            "Section title": "Pre-16 transitions",
            "Item reference": "1.2",
            "Item text": "Careers guidance for every Year 11",
            "Status": "superseded",
            "Status reason": "Replaced by 2.1",
        },
        {
            "Section reference": "2",
            "Section title": "Post-16 support",
            "Item reference": "2.1",
            "Item text": "Offer a mentor to every care leaver at college",
            "Status": "Open",
            "Rating": "green",
        },
    ]


def test_a_good_file_makes_a_new_plan_with_everything_in_it_and_one_audit_entry(world) -> None:
    """Sections, items, leads (an officer by email, others by name), target dates, status and the latest update load."""
    tenant = world["A"]
    before = AuditEvent.objects.count()
    response = _post_new(_manager(world), "plan.csv", _csv(_good_rows(tenant)))
    assert response.status_code == 302
    plan = Plan.objects.get(title=NEW_PLAN["title"])
    assert plan.council == tenant.council
    assert [(s.reference, s.title, s.aim) for s in plan.sections.all()] == [
        ("1", "Pre-16 transitions", "Every Year 11 has an offer of learning"),
        ("2", "Post-16 support", ""),
    ]
    first = plan.items.get(reference="1.1")
    assert list(first.leads.all()) == [tenant.users["plan_lead"]]
    assert first.named_leads == "Morgan Ellis"
    assert [(t.due_on, t.description) for t in first.target_dates.all()] == [
        (datetime.date(2027, 3, 31), "half the year group"),
        (datetime.date(2027, 7, 31), "all of it"),
    ]
    update = first.updates.get()
    assert (update.rating, update.dated) == ("A", datetime.date(2026, 9, 1))
    assert update.achievements == ["Questionnaire agreed", "First school visited"]
    assert plan.items.get(reference="1.2").status == Item.Status.SUPERSEDED
    assert plan.items.get(reference="2.1").updates.get().rating == "G"
    assert AuditEvent.objects.count() == before + 1
    assert "Imported 3 items" in AuditEvent.objects.latest("id").summary


def test_a_file_with_errors_loads_nothing_and_reports_every_error_with_row_and_column(world) -> None:
    """Every problem in every row is listed as "Row N, Column: problem"; no plan, item or audit entry is saved."""
    tenant = world["A"]
    rows = _good_rows(tenant)
    rows[0]["Target dates"] = "31/03/2027; next spring"
    rows[0]["Rating"] = "Purple"
    rows[1]["Status reason"] = ""
    rows[2]["Item reference"] = "1.1"
    rows.append({"Section reference": "3", "Item reference": "3.1", "Status": "paused"})
    counts = (Plan.objects.count(), Item.objects.count(), Section.objects.count(), AuditEvent.objects.count())
    response = _post_new(_manager(world), "plan.csv", _csv(rows))
    assert response.status_code == 200
    page = response.content.decode()
    expected = [
        "Row 2, Target dates: enter a date in the format 31/03/2027",
        "Row 2, Rating: enter one of G (Green), A (Amber), R (Red), or leave it blank",
        "Row 3, Status reason: enter the reason the item was superseded",
        "Row 4, Item reference: 1.1 is already used in row 2",
        "Row 5, Item text: enter the item text",
        "Row 5, Status: enter open, achieved, superseded or withdrawn",
        "Row 5, Section title: enter the section title",
    ]
    for message in expected:
        assert message in page
    assert "The spreadsheet has 7 problems. Nothing has been imported." in page
    assert counts == (Plan.objects.count(), Item.objects.count(), Section.objects.count(), AuditEvent.objects.count())


def test_row_numbers_are_the_spreadsheets_even_after_blank_rows(world) -> None:
    """A blank line in the file does not shift the row numbers reported."""
    scheme = schemes.BUILT_IN[schemes.RAG]
    content = _csv([{"Item reference": "1", "Item text": "A", "Status": "open"}]) + b",,,\n"
    content += b",,,1.5,,,,,,open\n"
    rows = interchange.read_table("plan.csv", content)
    parsed = interchange.parse_rows(rows, scheme=scheme, today=timezone.localdate())
    assert [str(p) for p in parsed.problems] == ["Row 4, Item text: enter the item text"]


def test_a_missing_or_unknown_column_is_reported_on_the_header_row() -> None:
    """The header row is checked first: a required column missing, or one not in the template, is named."""
    scheme = schemes.BUILT_IN[schemes.GRADING]
    rows = [(1, ["Item reference", "Item text", "Colour"]), (2, ["1", "Something", "blue"])]
    parsed = interchange.parse_rows(rows, scheme=scheme, today=timezone.localdate())
    assert [str(p) for p in parsed.problems] == [
        "Row 1, Colour: this column is not one of the template's: remove it or correct its name",
        "Row 1, Status: the column is missing from the header row",
    ]


def test_export_then_import_gives_the_same_plan(world) -> None:
    """A plan exported as XLSX and imported as a new plan exports again to exactly the same rows."""
    tenant = world["A"]
    built = build_plan(council=tenant.council, officer=tenant.users["performance_officer"], sections=3, per_section=4)
    client = _manager(world)
    exported = client.get(reverse("plans:spreadsheet", kwargs={"pk": built.plan.pk, "file_format": "xlsx"}))
    assert exported.status_code == 200
    response = _post_new(client, "export.xlsx", exported.content, title="Copy", kind=built.plan.kind)
    assert response.status_code == 302, response.content.decode()[:2000]
    copy = Plan.objects.get(title="Copy")
    assert selectors.plan_export_rows(copy) == selectors.plan_export_rows(built.plan)
    assert copy.items.count() == 12
    assert copy.items.get(reference=built.superseded.reference).status == Item.Status.SUPERSEDED
    assert Update.objects.filter(item__plan=copy).count() == 11


def test_csv_export_round_trips_too(world) -> None:
    """The CSV export reads back into the same rows, and the export is in the audit trail."""
    tenant = world["A"]
    built = build_plan(council=tenant.council, officer=tenant.users["performance_officer"], sections=2, per_section=4)
    exported = _manager(world).get(reverse("plans:spreadsheet", kwargs={"pk": built.plan.pk, "file_format": "csv"}))
    rows = interchange.read_table("plan.csv", exported.content)
    assert [r for _n, r in rows[1:]] == selectors.plan_export_rows(built.plan)
    export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_id=str(built.plan.pk))
    assert export.summary == f"Exported the spreadsheet of {built.plan.title} as CSV"


def test_importing_into_an_existing_plan_adds_items_but_refuses_references_it_already_has(world) -> None:
    """New items join the plan (and its open round); a reference the plan already has stops the whole import."""
    tenant = world["A"]
    client = _manager(world)
    url = reverse("plans:import-into", kwargs={"pk": tenant.plan.pk})
    clash = _csv(
        [
            {"Item reference": "1.1", "Item text": "Again", "Status": "open"},
            {"Item reference": "9.9", "Item text": "New", "Status": "open"},
        ]
    )
    response = client.post(url, {"upload": SimpleUploadedFile("more.csv", clash)})
    assert "Row 2, Item reference: 1.1 is already an item in this plan" in response.content.decode()
    assert tenant.plan.items.count() == 1
    good = _csv(
        [
            {
                "Section title": "Post-16 transitions",
                "Item reference": "1.2",
                "Item text": "New",
                "Status": "open",
                "Rating": "R",
            }
        ]
    )
    response = client.post(url, {"upload": SimpleUploadedFile("more.csv", good)})
    assert response.status_code == 302
    added = tenant.plan.items.get(reference="1.2")
    assert added.section == tenant.plan_item.section
    assert added.updates.get().round == tenant.review_round


def test_wrong_empty_and_damaged_files_are_refused_clearly(world) -> None:
    """A file that is not CSV or XLSX, an empty one, one with only a header and a damaged XLSX each get their own message."""
    client = _manager(world)
    cases = [
        ("plan.docx", b"PK not a spreadsheet", "The selected file must be a CSV or XLSX file"),
        ("plan.csv", b"", "The selected file is empty"),
        ("plan.csv", _csv([]), "The selected file has a header row but no items"),
        ("plan.xlsx", b"this is not a workbook", "The selected file could not be read as an XLSX file"),
        ("plan.csv", "Item reference\n1\u00e9".encode("latin-1"), "The selected file must be saved as CSV UTF-8"),
    ]
    for name, content, message in cases:
        response = _post_new(client, name, content)
        assert response.status_code == 200
        assert message in response.content.decode(), name
    assert not Plan.objects.filter(title=NEW_PLAN["title"]).exists()


def test_the_template_has_the_header_row_and_a_notes_sheet_explaining_each_column(world) -> None:
    """The XLSX template's Items sheet has the header row; its Notes sheet explains every column and the allowed values."""
    client = sign_in(Client(), world["A"].users["councillor"])
    response = client.get(reverse("plans:import-template", kwargs={"file_format": "xlsx"}))
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["Items"][1]] == interchange.header()
    notes = {row[0]: row for row in book["Notes"].iter_rows(min_row=2, values_only=True)}
    for column in interchange.COLUMNS:
        assert column.name in notes
    assert "open, achieved, superseded, withdrawn" in notes["Status"][2]
    csv_response = client.get(reverse("plans:import-template", kwargs={"file_format": "csv"}))
    assert csv_response.content.decode("utf-8-sig").strip() == ",".join(interchange.header())


def test_an_xlsx_with_real_date_cells_reads_as_dates(world) -> None:
    """Target and update dates typed as dates in Excel (not text) are read as dd/mm/yyyy."""
    book = Workbook()
    sheet = book.active
    sheet.append(interchange.header())
    values = {
        "Item reference": "1",
        "Item text": "Something",
        "Status": "open",
        "Target dates": datetime.date(2027, 3, 31),
    }
    sheet.append([values.get(c.name) for c in interchange.COLUMNS])
    out = io.BytesIO()
    book.save(out)
    rows = interchange.read_table("plan.xlsx", out.getvalue())
    parsed = interchange.parse_rows(rows, scheme=schemes.BUILT_IN[schemes.RAG], today=timezone.localdate())
    assert not parsed.problems
    assert parsed.items[0].target_dates == [(datetime.date(2027, 3, 31), "")]


def test_text_that_looks_like_a_formula_is_exported_as_text_and_reads_back_unchanged(world) -> None:
    """An item text starting with "=" is a guarded string in the XLSX and the CSV; both import back as typed."""
    tenant = world["A"]
    text = '=HYPERLINK("http://example.org","Click")'
    tenant.plan_item.text = text
    tenant.plan_item.agreed_action = "- run the audit"
    tenant.plan_item.save()
    client = _manager(world)
    xlsx = client.get(reverse("plans:spreadsheet", kwargs={"pk": tenant.plan.pk, "file_format": "xlsx"})).content
    sheet = load_workbook(io.BytesIO(xlsx))["Items"]
    cell = sheet.cell(row=2, column=interchange.header().index("Item text") + 1)
    assert (cell.value, cell.data_type) == (f"'{text}", "s")
    csv_content = client.get(reverse("plans:spreadsheet", kwargs={"pk": tenant.plan.pk, "file_format": "csv"})).content
    assert b"'=HYPERLINK" in csv_content
    for name, content in (("plan.xlsx", xlsx), ("plan.csv", csv_content)):
        rows = interchange.read_table(name, content)
        assert [r for _n, r in rows[1:]] == selectors.plan_export_rows(tenant.plan)
