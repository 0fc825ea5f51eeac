"""Case-system exports: a saved column mapping, then the same preview and all-or-nothing commit."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from onward.people.models import AccommodationSpell, Contact, EETSpell
from onward.returns.models import ColumnMapping, ImportRun


def save_mapping(client, **overrides: str):  # type: ignore[no-untyped-def]
    form = {
        "name": "Mosaic EET report",
        "record_type": "eet",
        "date_format": "%d/%m/%Y",
        "col_child_id": "Client ID",
        "col_activity": "Current Activity",
        "col_start": "Activity Start",
        "col_provider": "Provider",
        "translations": "activity: FE College = further_education\nactivity: Job seeking = neet_seeking",
        **overrides,
    }
    return client.post(reverse("returns:mapping-create"), form)


def test_a_mapping_is_saved_with_its_translations(world, signed_in) -> None:
    client = signed_in(world["A"].users["performance_officer"])
    assert save_mapping(client).status_code == 302
    mapping = ColumnMapping.objects.get(name="Mosaic EET report")
    assert mapping.columns["activity"] == "Current Activity"
    assert mapping.values == {"activity": {"FE College": "further_education", "Job seeking": "neet_seeking"}}


def test_a_mapping_with_mistakes_is_refused_with_clear_messages(world, signed_in) -> None:
    client = signed_in(world["A"].users["performance_officer"])
    content = save_mapping(
        client, col_activity="", translations="activity: Gap year = gap_year\nnonsense line"
    ).content.decode()
    assert "Enter the column with the activity" in content
    assert "gap_year is not one of Onward&#x27;s codes for activity" in content
    assert "Line 2 must be written as field: value = code" in content
    assert not ColumnMapping.objects.filter(name="Mosaic EET report").exists()


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("report.csv", text.encode(), content_type="text/csv")


def test_an_eet_export_is_previewed_then_imported(world, signed_in) -> None:
    """Rows map to EET records; the preview saves nothing; the commit records each activity."""
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    save_mapping(client)
    mapping = ColumnMapping.objects.get(name="Mosaic EET report")
    child = a.person.child_id
    text = f"Client ID,Current Activity,Activity Start,Provider\n{child},Job seeking,01/10/2026,\n{child},FE College,03/11/2026,Wexbridge College\n"
    response = client.post(reverse("returns:case-upload"), {"mapping": mapping.pk, "upload": csv_file(text)})
    run = ImportRun.objects.get(kind=ImportRun.Kind.CASE_SYSTEM, council=a.council)
    assert response["Location"] == reverse("returns:import-detail", kwargs={"pk": run.pk})
    assert run.status == ImportRun.Status.PREVIEWED, run.problems
    assert run.summary["records_new"] == 2
    assert not EETSpell.objects.filter(person=a.person, activity="neet_seeking").exists()
    client.post(reverse("returns:import-commit", kwargs={"pk": run.pk}))
    spells = list(EETSpell.objects.filter(person=a.person, superseded_at__isnull=True).order_by("start"))
    assert [s.activity for s in spells][-2:] == ["neet_seeking", "further_education"]
    assert spells[-2].end == datetime.date(2026, 11, 2)
    assert spells[-1].source == "import"


def test_a_bad_export_reports_every_row_and_saves_nothing(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    save_mapping(client)
    mapping = ColumnMapping.objects.get(name="Mosaic EET report")
    text = f"Client ID,Current Activity,Activity Start,Provider\n{a.person.child_id},Gap year,01/10/2026,\nNOBODY,FE College,2026-10-01,\n"
    client.post(reverse("returns:case-upload"), {"mapping": mapping.pk, "upload": csv_file(text)})
    run = ImportRun.objects.get(kind=ImportRun.Kind.CASE_SYSTEM)
    assert run.status == ImportRun.Status.REJECTED
    messages = [(p["row"], p["message"]) for p in run.problems]
    assert (1, "Gap year is not a value the mapping knows for activity") in messages
    assert (2, "2026-10-01 is not a date in the form 27/03/2025") in messages
    missing_column = client.post(
        reverse("returns:case-upload"), {"mapping": mapping.pk, "upload": csv_file("Client,Activity\nX,Y\n")}
    )
    latest = ImportRun.objects.filter(kind=ImportRun.Kind.CASE_SYSTEM).order_by("-id").first()
    assert missing_column.status_code == 302
    assert any("The file has no column called Client ID" in p["message"] for p in latest.problems)
    assert not EETSpell.objects.filter(source="import").exists()


def test_accommodation_and_contacts_import_from_xlsx(world, signed_in) -> None:
    """An XLSX export of contacts and one of accommodation, through their own mappings."""
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    save_mapping(
        client,
        name="Contacts",
        record_type="contact",
        col_date="Seen",
        col_in_touch="Status",
        col_activity="",
        col_start="",
        translations="in_touch: Seen = YES",
    )
    save_mapping(
        client,
        name="Housing",
        record_type="accommodation",
        col_accommodation_type="Type",
        col_suitability="OK",
        col_start="From",
        col_activity="",
        translations="accommodation_type: Own flat = U\nsuitability: Y = suitable",
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["Client ID", "Seen", "Status"])
    sheet.append([a.person.child_id, datetime.date(2026, 11, 1), "Seen"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("contacts.xlsx", buffer.getvalue())
    client.post(
        reverse("returns:case-upload"), {"mapping": ColumnMapping.objects.get(name="Contacts").pk, "upload": upload}
    )
    run = ImportRun.objects.get(mapping__name="Contacts")
    assert run.status == ImportRun.Status.PREVIEWED, run.problems
    client.post(reverse("returns:import-commit", kwargs={"pk": run.pk}))
    assert Contact.objects.get(person=a.person, date=datetime.date(2026, 11, 1)).in_touch == "YES"
    text = f"Client ID,Type,OK,From\n{a.person.child_id},Own flat,Y,01/06/2026\n"
    client.post(
        reverse("returns:case-upload"),
        {"mapping": ColumnMapping.objects.get(name="Housing").pk, "upload": csv_file(text)},
    )
    run = ImportRun.objects.get(mapping__name="Housing")
    client.post(reverse("returns:import-commit", kwargs={"pk": run.pk}))
    stay = AccommodationSpell.objects.get(person=a.person)
    assert (stay.accommodation_type, stay.suitability) == ("U", "suitable")


def test_a_mapping_needs_no_translations(world, signed_in) -> None:
    """Values already written as Onward's codes or labels need no translation lines."""
    client = signed_in(world["A"].users["performance_officer"])
    assert save_mapping(client, translations="").status_code == 302
    assert ColumnMapping.objects.get(name="Mosaic EET report").values == {}
