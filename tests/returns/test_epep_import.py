"""PEPs from the Virtual School's ePEP export, through a saved column mapping: previewed, imported all or
nothing, and idempotent (the same export again adds nothing)."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from onward.people.models import PEP
from onward.returns.models import ColumnMapping, ImportRun

MEETING = timezone.localdate() - datetime.timedelta(days=20)
EARLIER = MEETING - datetime.timedelta(days=150)


def _mapping(client) -> ColumnMapping:  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("returns:mapping-create"),
        {
            "name": "ePEP export",
            "record_type": "pep",
            "date_format": "%d/%m/%Y",
            "col_child_id": "LA Child ID",
            "col_date": "PEP Meeting Date",
            "col_school_year": "NC Year",
            "col_social_worker_attended": "SW Attended",
            "col_quality": "QA Rating",
            "translations": "quality: Amber = requires_improvement\nquality: Green = good\nsocial_worker_attended: Y = yes\nsocial_worker_attended: N = no",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ColumnMapping.objects.get(name="ePEP export")


def _upload(client, mapping: ColumnMapping, text: str) -> ImportRun:  # type: ignore[no-untyped-def]
    client.post(
        reverse("returns:case-upload"),
        {"mapping": mapping.pk, "upload": SimpleUploadedFile("epep.csv", text.encode(), content_type="text/csv")},
    )
    return ImportRun.objects.filter(kind=ImportRun.Kind.CASE_SYSTEM).latest("id")


def test_an_epep_export_is_previewed_imported_and_a_second_import_adds_nothing(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    mapping = _mapping(client)
    child = a.person.child_id
    text = (
        "LA Child ID,PEP Meeting Date,NC Year,SW Attended,QA Rating\n"
        f"{child},{EARLIER:%d/%m/%Y},Year 12,Y,Amber\n"
        f"{child},{MEETING:%d/%m/%Y},13,N,Green\n"
    )
    run = _upload(client, mapping, text)
    assert run.status == ImportRun.Status.PREVIEWED, run.problems
    assert not PEP.objects.filter(person=a.person).exists()  # the preview saves nothing
    client.post(reverse("returns:import-commit", kwargs={"pk": run.pk}))
    peps = list(PEP.objects.filter(person=a.person).order_by("date"))
    assert [(p.date, p.school_year, p.social_worker_attended, p.quality) for p in peps] == [
        (EARLIER, 12, True, "requires_improvement"),
        (MEETING, 13, False, "good"),
    ]
    assert peps[0].next_date == MEETING  # the history chain is kept (ADR 13)

    again = _upload(client, mapping, text)
    assert again.status == ImportRun.Status.PREVIEWED and again.summary["records_new"] == 0
    client.post(reverse("returns:import-commit", kwargs={"pk": again.pk}))
    assert PEP.objects.filter(person=a.person).count() == 2


def test_an_epep_export_with_any_bad_row_saves_nothing_and_reports_every_row(world, signed_in) -> None:
    a = world["A"]
    client = signed_in(a.users["performance_officer"])
    mapping = _mapping(client)
    child = a.person.child_id
    PEP.objects.create(person=a.person, date=EARLIER, school_year=12, social_worker_attended=True, quality="good")
    text = (
        "LA Child ID,PEP Meeting Date,NC Year,SW Attended,QA Rating\n"
        f"{child},{MEETING:%d/%m/%Y},13,Y,Green\n"
        f"{child},{EARLIER:%d/%m/%Y},12,Y,Amber\n"  # says otherwise than the PEP held on that date
        f"{child},{MEETING:%d/%m/%Y},Year 15,Y,Green\n"
        f"{child},{MEETING:%d/%m/%Y},13,Maybe,Green\n"
    )
    run = _upload(client, mapping, text)
    assert run.status == ImportRun.Status.REJECTED
    messages = {(p["row"], p["message"].split(":")[0]) for p in run.problems}
    assert (3, "Year 15 is not a school year from 1 to 13") in messages
    assert (4, "Maybe is not a value the mapping knows for social worker attended (yes or no)") in messages
    run = _upload(
        client,
        mapping,
        text.replace(f"{child},{MEETING:%d/%m/%Y},Year 15,Y,Green\n", "").replace(
            f"{child},{MEETING:%d/%m/%Y},13,Maybe,Green\n", ""
        ),
    )
    assert run.status == ImportRun.Status.REJECTED
    assert any("already holds a PEP" in p["message"] for p in run.problems)
    assert PEP.objects.filter(person=a.person).count() == 1
