"""The SSDA903 import streams (issue 17): its tables are read a row at a time and its records written a batch at
a time, so that an import's memory does not grow with the whole file. Nothing here measures time or memory: a
table is shown to read lazily, and an import to hold no more than a batch of young people's records at once
while it saves every one, across the batches' edges."""

from __future__ import annotations

import datetime
import inspect
import weakref
from collections.abc import Iterator

import pytest
from django.db.models.signals import post_init

from onward.people.models import AccommodationSpell, CareEpisode, Contact, EETSpell, YoungPerson
from onward.returns import services, ssda903
from onward.returns.models import ImportRun
from tests.returns.test_ssda903 import EPISODES, HEADER, OC3, YEAR


@pytest.fixture
def council(db):  # type: ignore[no-untyped-def]
    from tests.factories import CouncilFactory

    return CouncilFactory(name="Fernhill District Council")


def test_a_table_is_read_a_row_at_a_time_and_again_from_the_start(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Reading the first row reads the column line and that row, not the file; each reading starts afresh."""
    consumed: list[str] = []
    lines = ssda903._lines

    def counted(text: str) -> Iterator[str]:
        for line in lines(text):
            consumed.append(line)
            yield line

    monkeypatch.setattr(ssda903, "_lines", counted)
    text = HEADER + "".join(f"C{i},F,01/10/2005,WBRI,,,\n" for i in range(1000))
    table, rows, problem = ssda903.read_table("header.csv", text)
    assert (table, problem) == ("header", None)
    consumed.clear()
    reading = iter(rows)
    assert inspect.isgenerator(reading)
    assert next(reading) == {
        "CHILD": "C0",
        "SEX": "F",
        "DOB": "01/10/2005",
        "ETHNIC": "WBRI",
        "UPN": "",
        "MOTHER": "",
        "MC_DOB": "",
    }
    assert len(consumed) == 2
    assert [row["CHILD"] for row in rows][-1] == "C999"
    assert sum(1 for _ in rows) == 1000
    assert not hasattr(rows, "__dict__")  # it keeps its text, and nothing read from it


def test_lines_keep_their_endings_and_the_last_line_needs_none() -> None:
    assert list(ssda903._lines("A,B\r\n1,2\n3,4")) == ["A,B\r\n", "1,2\n", "3,4"]
    assert list(ssda903._lines("")) == []


def _files(children: int, *, ethnic: str = "WBRI", place: str = "U4") -> dict[str, str]:
    """Children in care (every third with two episodes) and, every fourth, a care leaver of 19 to 21."""
    header, episodes, oc3 = [HEADER], [EPISODES], [OC3]
    for i in range(children):
        child = f"S{i:03d}"
        if i % 4 == 0:
            dob = datetime.date(2005 - i % 3, 10, 1)  # 19 to 21 on 1 October 2024
            header.append(f"{child},F,{dob:%d/%m/%Y},{ethnic},,,\n")
            oc3.append(f"{child},{dob:%d/%m/%Y},YES,F2,U1\n")
            continue
        dob = datetime.date(2014, 1, 1) + datetime.timedelta(days=i)
        header.append(f"{child},M,{dob:%d/%m/%Y},{ethnic},,,\n")
        if i % 3 == 0:
            episodes.append(f"{child},01/01/2020,S,C2,N1,{place},PR1,01/06/2021,E13,,,,\n")
        episodes.append(f"{child},01/01/2022,S,C2,N1,{place},PR1,,,,,,\n")
    return {"header.csv": "".join(header), "episodes.csv": "".join(episodes), "oc3.csv": "".join(oc3)}


def test_an_import_holds_a_batch_of_records_at_a_time_and_saves_every_one(council, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With batches of 7 (OC3 rows 3 at a time), 40 children are saved whole, new and then changed."""
    monkeypatch.setattr(services, "BATCH", 7)
    monkeypatch.setattr(services, "OC3_BATCH", 3)
    # The records of each model alive at once, by identity (a record not yet saved cannot be hashed).
    live: dict[type, dict[int, weakref.ref]] = {YoungPerson: {}, CareEpisode: {}}
    most = dict.fromkeys(live, 0)

    def made(sender, instance, **kwargs) -> None:  # type: ignore[no-untyped-def]
        alive, key = live[sender], id(instance)
        alive[key] = weakref.ref(instance, lambda _gone: alive.pop(key, None))
        most[sender] = max(most[sender], len(alive))

    for model in live:
        post_init.connect(made, sender=model, weak=False)
    try:
        run = services.ssda903_import_now(acting_user=None, council=council, year=YEAR, files=_files(40))
        assert run.status == ImportRun.Status.COMMITTED, run.problems
        assert run.summary == {
            "people_new": 40,
            "people_updated": 0,
            "people_unchanged": 0,
            "episodes_new": 40,
            "episodes_updated": 0,
            "episodes_unchanged": 0,
            "oc3_new": 10,
            "oc3_unchanged": 0,
            "rejected": 0,
        }
        assert most[YoungPerson] <= 7 + 3  # a batch of new young people, or the OC3 rows' people
        people = YoungPerson.objects.filter(council=council)
        assert people.count() == 40
        assert CareEpisode.objects.filter(person__council=council).count() == 40
        assert sorted(people.filter(looked_after_now=True).values_list("child_id", flat=True)) == [
            f"S{i:03d}" for i in range(40) if i % 4
        ]
        leavers = people.filter(child_id__in=[f"S{i:03d}" for i in range(0, 40, 4)])
        assert all(p.recorded_care_leaver_from and p.eligible_from for p in leavers)
        for model in (Contact, EETSpell, AccommodationSpell):
            assert model.objects.filter(person__in=leavers).count() == 10
        assert len(run.changes) == 40 + 40 + 10
        assert run.changes[0] == {"child": "S000", "what": "New young person", "detail": "born 01/10/2005"}

        for seen in live.values():
            seen.clear()
        most.update(dict.fromkeys(live, 0))
        again = services.ssda903_import_now(
            acting_user=None, council=council, year=YEAR, files=_files(40, ethnic="WIRI", place="U6")
        )
        assert again.status == ImportRun.Status.COMMITTED, again.problems
        assert (again.summary["people_updated"], again.summary["episodes_updated"]) == (40, 40)
        assert again.summary["oc3_unchanged"] == 10 and again.summary["oc3_new"] == 0
        assert most[YoungPerson] <= 7
        assert most[CareEpisode] <= 7
        assert set(people.values_list("ethnicity", flat=True)) == {"WIRI"}
        assert set(CareEpisode.objects.filter(person__council=council).values_list("placement_type", flat=True)) == {
            "U6"
        }
        assert Contact.objects.filter(person__in=leavers).count() == 10
    finally:
        for model in live:
            post_init.disconnect(made, sender=model)
