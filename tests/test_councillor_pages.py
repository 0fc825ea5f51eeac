"""A councillor sees aggregate figures only: no small numbers, no young person's words, name or record.

The test walks every page a councillor can reach (every URL pattern, as ``test_url_access``
does, then every link on every page that answers 200) in a council seeded with distinctive
names and free text, and with services referred 1, 2, 3, 4 and 5 young people, and checks each
page for those names and words, for an exact count of 1 to 5, and for links to a young person.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import docx
import openpyxl
import pytest
from django.db import models
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from onward.people.categories import birthday
from onward.people.models import CareEpisode, Contact, EETSpell, SupportRequest, YoungPerson
from onward.people.services import refresh_care_summary
from onward.plans.models import Measure
from onward.portal.models import Statement
from onward.referrals.models import Consent, Event, Feedback, Referral, Send, Service
from tests.conftest import Tenant, sign_in
from tests.factories import YoungPersonFactory
from tests.test_tenant_isolation import Route, model_for
from tests.test_url_access import RULES, url_for

# Words no councillor may read: each is a young person's name or something written about them.
NAMES = [("Quillon", "Marchbankworth"), ("Ysolde", "Threadgoldie"), ("Peregrina", "Uxbridgeham")]
FREE_TEXT = {
    "feedback": "Zarquon said the mentor listened properly",
    "preferences": "Wants evening shifts near Fenwick Parade",
    "barriers": "Anxious on buses since the Tollgate incident",
    "triage_note": "Triage marker Oxbowlight",
    "event_note": "Event marker Glimmerstone",
    "decline_reason": "Declined marker Brackenfold",
    "contact_note": "Contact marker Wendlebury",
    "support_needs": "Support marker Hollowmere",
    "portal_feedback": "Own words marker Quillingford",
}
# Pages that list young people without an id in their path (the people app's pages are all about them).
PERSON_LISTS = {"performance:people"}
PERSON_APPS = {"people"}
PAGE_LIMIT = 800  # the URL patterns (333 in December 2026) and the links found on the pages


def seed(tenant: Tenant) -> list[str]:
    """Three NEET care leavers; services referred 1 to 5 young people each, with feedback and notes.

    Returns the words no councillor may read.
    """
    today = timezone.localdate()
    forbidden = list(FREE_TEXT.values())
    person = tenant.person
    assert person is not None
    forbidden += [person.legal_given_name + " " + person.legal_family_name, person.child_id]
    people = []
    dob = today.replace(year=today.year - 20) - datetime.timedelta(days=40)
    for given, family in NAMES:
        young = YoungPersonFactory(
            council=tenant.council,
            legal_given_name=given,
            legal_family_name=family,
            preferred_name=f"{given[:3]}zy",
            personal_adviser=tenant.users["personal_adviser"],
            team=tenant.team,
            date_of_birth=dob,
        )
        CareEpisode.objects.create(
            person=young,
            start=birthday(dob, 15),
            end=birthday(dob, 18),
            reason_new_episode="S",
            legal_status="C2",
            placement_type="U4",
            reason_ceased="E17",
        )
        refresh_care_summary(young)
        EETSpell.objects.create(person=young, activity="neet_seeking", start=today - datetime.timedelta(days=300))
        people.append(young)
        forbidden += [given, family, young.preferred_name, young.child_id]
    # A plan's success measures read live indicators: one counts the NEET cohort, 1 to 5 young people here.
    Measure.objects.create(item=tenant.plan_item, name="NEET care leavers (live)", indicator_code="neet_cohort_size")
    Measure.objects.create(item=tenant.plan_item, name="Aged 19 to 21 in EET (live)", indicator_code="eet_19_21")
    Contact.objects.create(person=people[0], date=today, note=FREE_TEXT["contact_note"])
    SupportRequest.objects.create(person=people[1], date=today, needs=FREE_TEXT["support_needs"])
    adviser = tenant.users["personal_adviser"]
    for size in range(1, 6):
        service = Service.objects.create(
            provider=tenant.partner,
            name=f"Seeded service {size}",
            kind=Service.Kind.EMPLOYABILITY,
            area="Citywide",
            active_from=today - datetime.timedelta(days=400),
        )
        for index in range(size):
            young = people[index % len(people)]
            referral = Referral.objects.create(
                council=tenant.council,
                person=young,
                made_by=adviser,
                needs=["job_search"],
                status=Referral.Status.REFERRED,
                triage_due=today,
                preferences=FREE_TEXT["preferences"],
                barriers=FREE_TEXT["barriers"],
                triage_note=FREE_TEXT["triage_note"],
            )
            consent = Consent.objects.create(
                referral=referral,
                given_by="young_person",
                given_on=today,
                method="in_person",
                shared_fields=["needs"],
                purpose="To find work",
                expires_on=today + datetime.timedelta(days=365),
                recorded_by=adviser,
            )
            consent.organisations.add(tenant.partner)
            send = Send.objects.create(
                referral=referral,
                service=service,
                sent_by=tenant.users["triage_coordinator"],
                status=Send.Status.STARTED,
                first_contact_on=today - datetime.timedelta(days=150),
                started_on=today - datetime.timedelta(days=120),
                decline_reason=FREE_TEXT["decline_reason"],
            )
            Send.objects.filter(pk=send.pk).update(created_at=timezone.now() - datetime.timedelta(days=160))
            Event.objects.create(
                referral=referral,
                send=send,
                actor=adviser,
                from_status=Send.Status.SENT,
                to_status=Send.Status.ACCEPTED,
                note=FREE_TEXT["event_note"],
            )
            Feedback.objects.create(
                service=service,
                person=young,
                rating=Feedback.Rating.GOOD,
                comment=FREE_TEXT["feedback"],
                given_on=today - datetime.timedelta(days=size),
                recorded_by=adviser,
            )
            # The young person's own rating in their own service, with words shared with the partner.
            Statement.objects.create(
                council=tenant.council,
                person=young,
                kind=Statement.Kind.SERVICE_FEEDBACK,
                send=send,
                rating=index % 5 + 1,
                text=FREE_TEXT["portal_feedback"],
                shared_with_service=True,
            )
    return forbidden


# Columns of published or chosen figures, not counts of the council's young people (and the directory's
# own services, places and waits on needs against provision).
NOT_COUNTED = re.compile(r"national|neighbour|england|target|benchmark|directory", re.IGNORECASE)
# Pages whose numbers count plan items (actions, recommendations), not young people.
PLAN_ITEM_COUNTS = {"plans:plan-list", "plans:plan-detail", "plans:document", "plans:round-document"}


@dataclass
class Page:
    """The text a page shows, split where the markup splits it; the texts that could be counts; its links."""

    texts: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    """Reads a page's text; figures are texts outside forms, charts' axes and columns of published figures."""

    SKIP = {"script", "style", "option", "title"}
    NOT_FIGURES = {"svg", "label", "legend", "select", "textarea", "button"}

    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self._skipping = 0
        self._not_figures = 0
        self._header: list[str] = []
        self._row: list[str] = []
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        if tag in self.NOT_FIGURES:
            self._not_figures += 1
        if tag == "table":
            self._header = []
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        for name, value in attrs:
            if name == "href" and value:
                self.page.links.append(value)
            if name in ("value", "aria-label", "title") and value:
                self.page.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        if tag in self.NOT_FIGURES and self._not_figures:
            self._not_figures -= 1
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            text = " ".join(self._cell)
            if self._in_head:
                self._header.append(text)
            self._row.append(text)
            self._cell = None

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not text or self._skipping:
            return
        self.page.texts.append(text)
        if self._cell is not None:
            self._cell.append(text)
            column = len(self._row)
            if not self._in_head and column < len(self._header) and NOT_COUNTED.search(self._header[column]):
                return
        if not self._not_figures:
            self.page.figures.append(text)


def read(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    return reader.page


def table_page(rows: list[list[str]]) -> Page:
    """A page made of a download's rows; a row naming published figures marks those columns as not counts."""
    page = Page()
    skip: set[int] = set()
    for row in rows:
        page.texts += [cell for cell in row if cell]
        marked = {i for i, cell in enumerate(row) if NOT_COUNTED.search(cell)}
        if marked:
            skip = marked
            continue
        page.figures += [cell for i, cell in enumerate(row) if cell and i not in skip]
    return page


# A piece of text that is a count: "3", "3 of 40", "(3)", "3 young people", "4.0 out of 5 (3)".
COUNT_TEXT = re.compile(r"(?:^|\(|\bof\s)(\d[\d,]*)(?:\)|$|\s(?:of|young|people|referr|started|sustain))")


def small_counts(page: Page) -> list[str]:
    """Texts on the page that state an exact count of 1 to 5."""
    found = []
    for text in page.figures:
        for match in COUNT_TEXT.finditer(text):
            if 1 <= int(match.group(1).replace(",", "")) <= 5:
                found.append(text)
                break
    return found


def download_page(response: HttpResponse) -> Page:
    """The text in a download: each cell of a spreadsheet or table, each paragraph, or each line."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        rows = [
            ["" if v is None else str(v) for v in row] for sheet in book for row in sheet.iter_rows(values_only=True)
        ]
        return table_page(rows)
    if "wordprocessingml" in kind:
        document = docx.Document(io.BytesIO(content))
        rows = [[p.text] for p in document.paragraphs]
        rows += [[c.text for c in row.cells] for table in document.tables for row in table.rows]
        return table_page(rows)
    if kind.startswith("text/") or "csv" in kind or "json" in kind:
        return table_page([line.split(",") for line in content.decode("utf-8", "replace").splitlines()])
    return Page(texts=[content.decode("latin-1")])


def _about_a_young_person(model: type[models.Model], depth: int = 3) -> bool:
    """Whether a record is a young person or hangs off one (a referral, a send, an application...)."""
    if model is YoungPerson:
        return True
    if depth == 0:
        return False
    return any(
        (field.many_to_one or field.one_to_one)
        and field.concrete
        and field.related_model is not None
        and _about_a_young_person(field.related_model, depth - 1)
        for field in model._meta.get_fields()
    )


def leads_to_a_young_person(href: str) -> bool:
    """Whether a link opens a young person's record, a list of young people, or a record about one.

    The record an id in the path names is found as the cross-council test finds it (through the
    view's access function), so a new page about young people is caught without listing it here.
    """
    try:
        match = resolve(urlsplit(href).path)
    except Resolver404:
        return False
    if match.view_name in PERSON_LISTS or match.app_name in PERSON_APPS:
        return True
    route = Route(match.view_name, tuple(match.kwargs), match.func)
    for kwarg in route.id_kwargs:
        found = model_for(route, kwarg, dict(match.kwargs))
        if found is None or _about_a_young_person(found[0]):
            return True
    return False


def councillor_pages(client: Client, tenant: Tenant) -> dict[str, Page]:
    """Every page the client can open: each URL pattern, then every link on a page that opened."""
    start = [url_for(name, tenant) for name in sorted(RULES)]
    queue = list(dict.fromkeys(start))
    seen = set(queue)
    pages: dict[str, Page] = {}
    while queue and len(seen) < PAGE_LIMIT:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            pages[url] = download_page(response)
            continue
        page = read(response.content.decode())
        pages[url] = page
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or "sign-out" in parts.path:
                continue
            try:
                resolve(parts.path)
            except Resolver404:
                continue  # a static file
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    assert len(seen) < PAGE_LIMIT, "The walk reached its page limit: raise PAGE_LIMIT"
    return pages


@pytest.fixture
def councillor_world(world: dict[str, Tenant]) -> tuple[dict[str, Page], list[str]]:
    tenant = world["A"]
    forbidden = seed(tenant)
    client = sign_in(Client(), tenant.users["councillor"])
    return councillor_pages(client, tenant), forbidden


def test_the_walk_reaches_the_councillors_pages(councillor_world) -> None:
    """The walk opens the pages a councillor works from, so the checks below look at something."""
    pages, _ = councillor_world
    opened = {resolve(urlsplit(url).path).view_name for url in pages}
    assert {"performance:dashboard", "performance:quarterly", "referrals:monitoring", "plans:plan-list"} <= opened


def test_no_page_a_councillor_can_open_shows_a_young_persons_name_or_words(councillor_world) -> None:
    """Names, identifiers, feedback, notes and needs written about young people appear on no councillor's page."""
    pages, forbidden = councillor_world
    shown = [
        f"{url}: {word!r}"
        for url, page in pages.items()
        for word in forbidden
        if any(word.lower() in text.lower() for text in page.texts)
    ]
    assert not shown, "\n".join(shown)


def test_no_page_a_councillor_can_open_shows_an_exact_small_count(councillor_world) -> None:
    """Counts of 1 to 5 are shown as "c" to a councillor, on every page."""
    pages, _ = councillor_world
    shown = [
        f"{url}: {text!r}"
        for url, page in pages.items()
        if resolve(urlsplit(url).path).view_name not in PLAN_ITEM_COUNTS
        for text in small_counts(page)
    ]
    assert not shown, "\n".join(shown)


def test_no_page_a_councillor_can_open_links_to_a_young_person(councillor_world) -> None:
    """No link on a councillor's page opens a young person's record or a list of young people."""
    pages, _ = councillor_world
    links = [f"{url}: {href}" for url, page in pages.items() for href in page.links if leads_to_a_young_person(href)]
    assert not links, "\n".join(links)


def test_the_checks_catch_what_they_look_for() -> None:
    """The page reader finds small counts, names and person links where a page would show them."""
    page = read(
        '<table><td class="govuk-table__cell--numeric">3</td><td>12 Mar 2026</td><td>40</td>'
        "<td>4.0 out of 5 (2)</td><td>1 of 20</td></table><p>Zarquon said hi</p>"
        '<a href="/people/1/">x</a><a href="/performance/">y</a>'
    )
    assert small_counts(page) == ["3", "4.0 out of 5 (2)", "1 of 20"]
    assert "Zarquon said hi" in page.texts
    assert [leads_to_a_young_person(href) for href in page.links] == [True, False]
    assert leads_to_a_young_person("/referrals/1/")
    assert leads_to_a_young_person("/opportunities/applications/1/")
    assert not leads_to_a_young_person("/plans/1/")
