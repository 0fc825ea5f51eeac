"""The guides inside the service: every role's menu leads to its guide, each screen a guide explains
links to it, and no guide links to a page that no longer exists, nor a page to a guide that is missing."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.template.loader import get_template
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from onward.accounts.permissions import ROLES
from onward.core import help as core_help
from onward.guides import catalogue
from tests.conftest import Tenant, sign_in
from tests.test_url_access import all_url_names

TEMPLATES = Path(django_settings.BASE_DIR) / "onward" / "templates"
HELP = "Help with this page"


class Links(HTMLParser):
    """Every link's address and every element id on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.hrefs.append(str(found["href"]))
        if found.get("id"):
            self.ids.add(str(found["id"]))


def parse(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def broken_links(html: str, anchors: dict[str, set[str]]) -> list[str]:
    """Each link in ``html`` to a page of the service that does not exist, or to a missing part of a page.

    ``anchors`` gives, for a path, the ids on that page (links into it with ``#id`` must find one).
    """
    broken = []
    for href in parse(html).hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith("mailto:"):
            continue  # outside the service
        if not parts.path:
            continue  # a link within the same page
        try:
            resolve(parts.path)
        except Resolver404:
            broken.append(href)
            continue
        if parts.fragment and parts.path in anchors and parts.fragment not in anchors[parts.path]:
            broken.append(href)
    return broken


def missing_guides(hrefs: list[str]) -> list[str]:
    """Each guide address (``/guides/<slug>/``) whose guide does not exist."""
    missing = []
    for href in hrefs:
        match = resolve(urlsplit(href).path)
        if match.view_name != "guides:guide" or match.kwargs["slug"] not in catalogue.GUIDES_BY_SLUG:
            missing.append(href)
    return missing


def every_guide_page() -> list[str]:
    return [
        reverse("guides:index"),
        reverse("guides:glossary"),
        *(reverse("guides:role", kwargs={"role": role.key}) for role in ROLES),
        *(reverse("guides:guide", kwargs={"slug": guide.slug}) for guide in catalogue.GUIDES),
    ]


def test_every_guide_names_only_pages_that_exist_and_has_its_text() -> None:
    """A guide that explains a page removed from the service, or that has no text, fails here."""
    names = all_url_names()
    for guide in catalogue.GUIDES:
        assert guide.roles, guide.slug
        get_template(guide.template)
        for view_name, _ in guide.page_views():
            assert view_name in names, f"{guide.slug} explains {view_name}, which no longer exists"


def test_every_role_has_a_guide_with_tasks() -> None:
    """Each role's guide lists at least one task, and every guide is for roles that exist."""
    keys = {role.key for role in ROLES}
    for role in ROLES:
        assert catalogue.guides_for_role(role.key), f"No guide for the {role.name}"
    for guide in catalogue.GUIDES:
        assert set(guide.roles) <= keys, guide.slug


@pytest.mark.django_db
def test_no_guide_links_to_a_page_that_does_not_exist(world: dict[str, Tenant]) -> None:
    """Every guide page answers, and every link in it leads to a page of the service (and a glossary
    link to a term that is there)."""
    client = sign_in(Client(), world["A"].users["performance_officer"])
    glossary = reverse("guides:glossary")
    pages = {}
    for path in every_guide_page():
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.content.decode()
    anchors = {glossary: parse(pages[glossary]).ids}
    for term in catalogue.GLOSSARY:
        assert term.anchor in anchors[glossary]
    for path, html in pages.items():
        assert broken_links(html, anchors) == [], f"{path} links to pages that do not exist"


def test_the_link_check_finds_a_link_to_a_page_that_no_longer_exists() -> None:
    """The check itself: a removed page, and a glossary term that is not there, are both reported."""
    html = (
        '<a href="/people/">fine</a><a href="/no-such-page/">gone</a>'
        '<a href="/guides/glossary/#pep">term</a><a href="/guides/glossary/#no-term">no term</a>'
        '<a href="https://www.gov.uk/">outside</a><a href="#top">same page</a>'
    )
    anchors = {"/guides/glossary/": {"pep"}}
    assert broken_links(html, anchors) == ["/no-such-page/", "/guides/glossary/#no-term"]


def test_no_page_names_a_guide_that_is_missing() -> None:
    """Every "Help with this page" link, and every link to a guide written in a template, names a guide
    that exists."""
    hrefs = [entry.href for entry in core_help.registered()]
    assert hrefs
    pattern = re.compile(r"""\{%\s*url\s+['"]guides:guide['"]\s+['"]([^'"]+)['"]""")
    for template in TEMPLATES.rglob("*.html"):
        for slug in pattern.findall(template.read_text()):
            assert slug in catalogue.GUIDES_BY_SLUG, f"{template.relative_to(TEMPLATES)} names a missing guide {slug}"
    assert missing_guides(hrefs) == []
    assert missing_guides(["/guides/no-such-guide/"]) == ["/guides/no-such-guide/"]


def test_each_page_is_explained_by_one_guide() -> None:
    """Two guides claiming the same page would leave it unclear which "Help with this page" means."""
    with pytest.raises(ValueError, match="Two guides explain people:caseload"):
        core_help.register(view_name="people:caseload", href="/guides/other/")


@pytest.mark.django_db
def test_every_roles_menu_leads_to_its_guide(world: dict[str, Tenant]) -> None:
    """Signed in as each role, the menu has Guides, and the guides page leads to the role's own guide."""
    for role in ROLES:
        user = world["A"].users[role.key]
        client = sign_in(Client(), user)
        home = client.get(reverse("core:home"))
        assert reverse("guides:index") in parse(home.content.decode()).hrefs, role.key
        index = client.get(reverse("guides:index"))
        own = reverse("guides:role", kwargs={"role": role.key})
        assert own in parse(index.content.decode()).hrefs, role.key
        page = client.get(own).content.decode()
        for guide in catalogue.guides_for_role(role.key):
            assert reverse("guides:guide", kwargs={"slug": guide.slug}) in parse(page).hrefs


@pytest.mark.django_db
def test_screens_link_to_the_guide_that_explains_them(world: dict[str, Tenant]) -> None:
    """The young person's page and each record form show "Help with this page" leading to their guide;
    a page no guide explains shows none."""
    tenant = world["A"]
    client = sign_in(Client(), tenant.users["personal_adviser"])
    assert tenant.person is not None
    person = tenant.person.pk

    def help_target(path: str) -> str | None:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        if HELP not in html:
            return None
        match = re.search(r'<a class="govuk-link" href="([^"]+)">' + HELP, html)
        assert match, path
        return match.group(1)

    def guide(slug: str) -> str:
        return reverse("guides:guide", kwargs={"slug": slug})

    assert help_target(reverse("people:person-detail", kwargs={"pk": person})) == guide("find-a-young-person")
    record = "people:record-add"
    assert help_target(reverse(record, kwargs={"pk": person, "kind": "eet"})) == guide("record-a-change")
    assert help_target(reverse(record, kwargs={"pk": person, "kind": "contact"})) == guide("record-a-change")
    assert help_target(reverse(record, kwargs={"pk": person, "kind": "pep"})) == guide("record-education")
    assert help_target(reverse("referrals:referral-create", kwargs={"person_pk": person})) == guide("make-a-referral")
    assert help_target(reverse("accounts:account")) is None


@pytest.mark.django_db
def test_a_missing_role_or_guide_is_not_found(world: dict[str, Tenant]) -> None:
    client = sign_in(Client(), world["A"].users["personal_adviser"])
    assert client.get(reverse("guides:role", kwargs={"role": "no-such-role"})).status_code == 404
    assert client.get(reverse("guides:guide", kwargs={"slug": "no-such-guide"})).status_code == 404


@pytest.mark.django_db
def test_the_triage_guide_gives_the_councils_own_time_limit(world: dict[str, Tenant], settings: Any) -> None:
    """The time limit in the triage guide is the one the service applies (ONWARD_TRIAGE_WORKING_DAYS)."""
    settings.ONWARD_TRIAGE_WORKING_DAYS = 7
    client = sign_in(Client(), world["A"].users["triage_coordinator"])
    html = client.get(reverse("guides:guide", kwargs={"slug": "triage-a-referral"})).content.decode()
    assert "within 7 working days" in html


def test_every_screenshot_a_guide_shows_is_made_by_the_browser_tests() -> None:
    """A guide shows only screenshots the browser tests make from the demo (so none goes stale), each
    of them is in the static files, and each one made is shown by a guide."""
    from django.contrib.staticfiles import finders

    from tests.e2e.test_guide_screenshots import SHOT_NAMES

    pattern = re.compile(r'include "guides/_screenshot.html" with name="([^"]+)"')
    shown = set()
    for template in (TEMPLATES / "guides" / "pages").glob("*.html"):
        shown |= set(pattern.findall(template.read_text()))
    assert shown == SHOT_NAMES
    for name in shown:
        assert finders.find(f"guides/images/{name}.png"), name


@pytest.mark.django_db
def test_a_guide_links_to_a_menu_page_only_for_readers_whose_menu_has_it(world: dict[str, Tenant]) -> None:
    """A councillor reading how to find a young person sees the page's name but no link to the list of
    young people; a personal adviser gets the link."""
    path = reverse("guides:guide", kwargs={"slug": "find-a-young-person"})
    caseload = reverse("people:caseload")
    councillor = sign_in(Client(), world["A"].users["councillor"]).get(path).content.decode()
    adviser = sign_in(Client(), world["A"].users["personal_adviser"]).get(path).content.decode()
    assert caseload not in parse(councillor).hrefs
    assert "Young people" in councillor
    assert caseload in parse(adviser).hrefs
