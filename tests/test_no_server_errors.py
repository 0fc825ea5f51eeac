"""No page answers bad input with a server error, and refused input changes nothing (property-based).

Every page in ``RULES`` of ``tests/test_url_access.py`` is opened, pointing at the council's records
in the ``world`` fixture, by a role that may see it (under the ``thorough`` profile, by every role
that may; under ``ci``, by one of them, the same on every run, spread over the roles); it reads the forms off each page (their fields, options and file inputs), then
Hypothesis sends hostile values: NUL bytes, very long strings, unicode oddities, negative and huge
numbers, malformed and out-of-range dates, several values where one is expected, missing fields,
and hostile files (empty, binary, UTF-16 without a byte order mark, NUL bytes, a small XLSX
declaring a million rows, the wrong extension). Query strings get the same treatment.

It checks that no answer is a 5xx, and that when a POST is refused (the form shown again with 200,
or a 400 page) no record of any kind was added or removed (audit entries of views and lists aside).
Each example runs in a savepoint rolled back afterwards, so every example starts from the same world.

Bounded for CI by the Hypothesis profile (``HYPOTHESIS_PROFILE``: ``ci``, the default, tries a few
examples per form and query string, derandomised; ``thorough`` tries many). The number of examples
tried and server errors found is printed and written to ``benchmarks/results/no_server_errors-<database>.json``.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from onward.accounts.permissions import ROLES
from onward.audit.models import AuditEvent
from onward.people.views import RECORD_KINDS
from tests.conftest import Tenant, sign_in
from tests.test_url_access import ANONYMOUS, RULES, url_for

settings.register_profile(
    "ci",
    max_examples=2,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "thorough", max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
RESULTS_DIR = Path(__file__).resolve().parent.parent / "benchmarks" / "results"

# Pages whose forms sign the visitor out or only keep the session alive: nothing to learn there.
SKIP_ACTIONS = ("/accounts/sign-out/", "/accounts/keep-alive/")
# Query parameters pages read without a form on the page saying so.
COMMON_PARAMS = ("as_at", "q", "page", "scope", "year", "sort", "role", "indicator", "by", "value", "part", "section")
# Records whose number may change on a refused request: who viewed what, sign-in attempts, sessions.
UNCOUNTED = {"audit.auditevent", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog", "sessions.session"}


# Reading forms off a page -------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, radio, checkbox, hidden, file, number, email, ...
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def has_files(self) -> bool:
        return any(f.kind == "file" for f in self.fields.values())


class FormParser(HTMLParser):
    """Collects every form on a page with its fields (inputs, selects with options, textareas)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self.current = Form(self.page, action, (a.get("method") or "get").lower())
            self.forms.append(self.current)
        elif self.current is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            existing = self.current.fields.get(a["name"])
            if existing is not None and kind in ("radio", "checkbox"):
                existing.options.append(a.get("value", "on"))
            else:
                self.current.fields[a["name"]] = Field(
                    a["name"], kind, a.get("value", ""), [a.get("value", "on")] if kind in ("radio", "checkbox") else []
                )
        elif tag == "textarea":
            self.current.fields[a["name"]] = Field(a["name"], "textarea")
        elif tag == "select":
            self.select = Field(a["name"], "select")
            self.current.fields[a["name"]] = self.select
        if tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def forms_on(page: str, html: str) -> list[Form]:
    parser = FormParser(page)
    parser.feed(html)
    return [f for f in parser.forms if urlsplit(f.action).path not in SKIP_ACTIONS]


# Hostile values --------------------------------------------------------------------------------

ODD_TEXT = st.sampled_from(
    [
        "\x00",
        "a\x00b",
        "x" * 5000,
        "y" * 100_001,
        "\u202e\u0301\ufeff\u200b",
        "Zo\u00eb \U0001f600 \u0000",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        '=HYPERLINK("http://x")',
        "../../etc/passwd",
        "%00",
        " ",
        "\r\n\t",
        "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    ]
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["-1", "0", "1e309", "NaN", "inf", "-0", "1.5", "99999999999999999999", "0x10", "١٢"]),
)
DATES = st.sampled_from(
    ["0001-01-01", "9999-12-31", "31/12/9999", "2025-02-30", "1899-12-31", "2025-13-01", "yesterday", "2025-1-1T00:00"]
)
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
HOSTILE = st.one_of(ODD_TEXT, NUMBERS, DATES, TEXT)


def _xlsx_declaring(rows: int) -> bytes:
    """A tiny workbook whose sheet declares ``rows`` rows (and holds a few): a zip bomb in spirit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Items" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:XFD{rows}"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Child ID</t></is>'
            f'</c></row><row r="{rows}"><c r="A{rows}" t="inlineStr"><is><t>X</t></is></c></row></sheetData></worksheet>',
        )
    return buffer.getvalue()


HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nN1,M,01/10/2005,WBRI,,,\n"
FILES = st.sampled_from(
    [
        ("empty.csv", b""),
        ("empty.xlsx", b""),
        ("binary.csv", bytes(range(256)) * 8),
        ("binary.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        ("utf16.csv", HEADER.encode("utf-16-le")),
        ("nul.csv", HEADER.replace("N1", "N\x001").encode()),
        ("bomb.xlsx", _xlsx_declaring(1_048_576)),
        ("gaps.xlsx", _xlsx_declaring(900_000).replace(b"A1:XFD900000", b"A1:A1")),
        ("header.txt", HEADER.encode()),
        ("header.exe", b"MZ\x90\x00" * 50),
        ("zip.xlsx", b"PK\x05\x06" + b"\x00" * 18),
        ("\u202eslx.csv", HEADER.encode()),
        ("x" * 300 + ".csv", HEADER.encode()),
    ]
)


@st.composite
def hostile_data(draw: st.DrawFn, form: Form) -> tuple[dict[str, Any], dict[str, Any]]:
    """Values for each field of ``form``: left out, its own value, an offered option, or hostile."""
    data: dict[str, Any] = {}
    files: dict[str, Any] = {}
    for name, item in form.fields.items():
        if item.kind == "file":
            if draw(st.booleans()):
                file_name, content = draw(FILES)
                files[name] = SimpleUploadedFile(file_name, content)
            continue
        choice = draw(st.integers(min_value=0, max_value=5))
        if choice == 0:
            continue  # missing
        if choice == 1:
            value: Any = item.value
        elif choice == 2 and item.options:
            value = draw(st.sampled_from(item.options))
        elif choice == 3:
            value = draw(st.lists(HOSTILE, min_size=2, max_size=3))  # a list where one value is expected
        else:
            value = draw(HOSTILE)
        data[name] = value
    if draw(st.booleans()):
        data[draw(st.sampled_from(["version", "id", "pk", "council", "organisation"]))] = draw(HOSTILE)
    return data, files


# Record counts ---------------------------------------------------------------------------------


def counted_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.label_lower not in UNCOUNTED and model._meta.managed
    )


def record_counts() -> dict[str, int]:
    """The number of rows of every model (audit entries of views and lists aside), in one query."""
    tables = counted_tables()
    quote = connection.ops.quote_name
    action = quote("action")
    audit = quote(AuditEvent._meta.db_table)
    columns = [f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables]  # noqa: S608 - model tables
    columns.append(f"(SELECT COUNT(*) FROM {audit} WHERE {action} NOT IN (%s, %s))")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), [AuditEvent.Action.VIEW, AuditEvent.Action.LIST])
        row = cursor.fetchone()
    return dict(zip([*tables, "audit changes"], row, strict=True))


# The test ----------------------------------------------------------------------------------------


@dataclass
class Tally:
    examples: int = 0
    server_errors: list[str] = field(default_factory=list)
    changed_on_refusal: list[str] = field(default_factory=list)


def audiences_of(name: str, tenant: Tenant) -> list[str]:
    """The audiences that may open the page ``name`` (its rule in RULES answers 200 for them)."""
    rule = RULES[name]
    if rule.method != "get":
        return []
    return [
        audience
        for audience in (ANONYMOUS, *(role.key for role in ROLES))
        if rule.expect(None if audience == ANONYMOUS else tenant.users[audience]) == 200
    ]


def pages_for(tenant: Tenant, audience: str) -> list[str]:
    """The pages the audience tries: every page in RULES for the tenant's records, and every kind of record form.

    Under the ``thorough`` profile every audience tries every page it may open. Under ``ci`` each page
    is tried by ONE of the audiences that may open it, the same one on every run (chosen by a checksum
    of its address, so the pages are spread over the roles): the forms' checks are the same whoever
    sends them, and the access rules themselves are proved by tests/test_url_access.py.
    """
    urls: dict[str, list[str]] = {url_for(name, tenant): audiences_of(name, tenant) for name in RULES}
    assert tenant.person is not None
    readers = audiences_of("people:record-add", tenant)
    for kind in RECORD_KINDS:
        urls[reverse("people:record-add", kwargs={"pk": tenant.person.pk, "kind": kind})] = readers
    if PROFILE == "thorough":
        return sorted(urls)
    return sorted(url for url, allowed in urls.items() if allowed and chosen(url, allowed) == audience)


def chosen(url: str, allowed: list[str]) -> str:
    return allowed[zlib.crc32(url.encode()) % len(allowed)]


def record(tally: Tally, role: str) -> None:
    """Add the role's figures to ``benchmarks/results/no_server_errors-<database>.json`` (shared by the workers)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    results_file = RESULTS_DIR / f"no_server_errors-{connection.vendor}.json"
    with open(RESULTS_DIR / ".no_server_errors.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        results = json.loads(results_file.read_text()) if results_file.exists() else {"roles": {}}
        results["profile"] = PROFILE
        results["database"] = connection.vendor
        results["roles"][role] = {
            "examples": tally.examples,
            "server_errors": len(tally.server_errors),
            "changed_on_refusal": len(tally.changed_on_refusal),
        }
        results["examples"] = sum(r["examples"] for r in results["roles"].values())
        results["server_errors"] = sum(r["server_errors"] for r in results["roles"].values())
        results["summary"] = f"{results['examples']} examples tried, {results['server_errors']} server errors"
        results_file.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n{role}: {tally.examples} examples tried, {len(tally.server_errors)} server errors")


# Every form also gets these, each value in every field at once, so the classic troublemakers are
# always tried whatever Hypothesis draws.
EVERY_FIELD = ["0001-01-01", "99999999999999999999", "-1", "31/12/9999", "y" * 100_001]
HOSTILE_FILES = [
    ("utf16.csv", HEADER.encode("utf-16-le")),
    ("nul.csv", HEADER.replace("N1", "N\x001").encode()),
    ("binary.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
    ("bomb.xlsx", _xlsx_declaring(1_048_576)),
    ("empty.csv", b""),
]


def every_field(form: Form, value: Any, upload: tuple[str, bytes]) -> tuple[dict[str, Any], dict[str, Any]]:
    data = {name: value for name, item in form.fields.items() if item.kind != "file"}
    files = {name: SimpleUploadedFile(*upload) for name, item in form.fields.items() if item.kind == "file"}
    return data, files


def attempt(form: Form, send: Any) -> None:
    """Run the fixed hostile examples and the profile's number of Hypothesis examples against one form."""

    @settings(settings.get_profile(PROFILE))
    @given(hostile_data(form))
    def one(drawn: tuple[dict[str, Any], dict[str, Any]]) -> None:
        data, files = drawn
        for item in files.values():
            item.seek(0)
        send(form.method if form.method in ("get", "post") else "post", form.action, data, files)

    for value, upload in zip(EVERY_FIELD, HOSTILE_FILES, strict=True):
        one = example(every_field(form, value, upload))(one)
    one = example(every_field(form, ["1", "2"], HOSTILE_FILES[0]))(one)  # lists where one value is expected
    one()


@pytest.mark.parametrize("audience", [ANONYMOUS, *(role.key for role in ROLES)])
def test_no_server_error_and_no_change_on_refused_input(audience: str, world: dict[str, Tenant]) -> None:
    """Hostile values in every form, query string and upload a role can reach: never a 5xx; a refusal changes nothing."""
    tenant = world["A"]
    client = Client(raise_request_exception=False)
    if audience != ANONYMOUS:
        sign_in(client, tenant.users[audience])
    session = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
    tally = Tally()

    def restore_session() -> None:
        if session is not None:
            client.cookies[django_settings.SESSION_COOKIE_NAME] = session.value

    def send(method: str, url: str, data: dict[str, Any], files: dict[str, Any]) -> None:
        tally.examples += 1
        with transaction.atomic():
            before = record_counts() if method == "post" else {}
            if method == "post":
                response = client.post(url, {**data, **files})
            else:
                response = client.get(url + ("?" + urlencode(data, doseq=True) if data else ""))
            restore_session()
            where = f"{method.upper()} {url} {sorted(data)} {[f.name for f in files.values()]}"
            if response.status_code >= 500:
                error = getattr(response, "exc_info", None)
                tally.server_errors.append(f"{where}: {response.status_code} {error[1]!r}" if error else where)
            elif method == "post" and response.status_code in (200, 400):
                after = record_counts()
                changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
                if changed:
                    tally.changed_on_refusal.append(f"{where}: {changed}")
            transaction.set_rollback(True)

    for page in pages_for(tenant, audience):
        response = client.get(page)
        restore_session()
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        forms = forms_on(page, response.content.decode())
        common = {name: Field(name, "text") for name in COMMON_PARAMS}
        for form in forms:
            if form.method == "get":
                form = Form(page, form.action, "get", {**common, **form.fields})
            attempt(form, send)
        if not any(form.method == "get" for form in forms):
            # A page without a filter form still reads its address: the fixed examples only.
            for value in (*EVERY_FIELD, ["1", "2"]):
                send("get", page, dict.fromkeys(COMMON_PARAMS, value), {})

    record(tally, audience)
    assert not tally.server_errors, "\n".join(tally.server_errors[:30])
    assert not tally.changed_on_refusal, "\n".join(tally.changed_on_refusal[:30])
