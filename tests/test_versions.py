"""Two people editing one record never silently overwrite each other, and a form without a version changes nothing.

Every model with a ``version`` field has at least one case below, and every edit page (a URL named
``*-update``) is one of the cases: both are checked, so a new editable record or edit page cannot
be added without proving it is versioned. Each case opens the real page as two users of the same
role, as a browser would (every input the page renders, hidden ones included), and posts it back.
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from onward.accounts.models import IdentityProvider, Partnership, Team, User
from onward.network.models import Agreement, Setting, WorkCoach
from onward.opportunities.models import Application, Employer, Opportunity, SustainmentCheck
from onward.people.models import YoungPerson
from onward.performance.models import ReportCommentary, Target
from onward.plans.models import Item, Measure, Meeting, Plan, RatingScheme, Section
from onward.portal.models import LocalOffer, Theme
from onward.referrals import services as referral_services
from onward.referrals.models import Referral, Send, Service
from onward.returns.models import ColumnMapping
from tests.conftest import Tenant, sign_in
from tests.factories import UserFactory, verified_domains
from tests.network.records import world_agreement, world_coach, world_setting

STALE = "while you were"
MISSING = "Your changes have not been saved: open the"


# Reading a page's forms as a browser would --------------------------------------------------------


@dataclass
class PageForm:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    inputs: set[str] = field(default_factory=set)

    def names(self) -> set[str]:
        """Every named control, sent or not (an unchosen radio is still the form's)."""
        return self.inputs | {name for name, _ in self.buttons}


class FormReader(HTMLParser):
    """Every form on a page with what a browser would submit from it unchanged (first named button)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = PageForm(action=a.get("action", ""))
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        name = a.get("name", "")
        if tag in ("input", "textarea", "select") and name:
            self._form.inputs.add(name)
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
            elif kind in ("submit", "button", "image"):
                self._form.buttons.append((name, a.get("value", "")))
            elif kind != "file":
                self._form.fields.append((name, a.get("value", "")))
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            self._form.buttons.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._select[1].append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea[1])
            self._form.fields.append((self._textarea[0], text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, options = self._select
            chosen = [value for value, selected in options if selected] or [value for value, _ in options[:1]]
            self._form.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "form":
            self._form = None


def open_form(client: Client, url: str, marker: str) -> tuple[str, dict[str, list[str]]]:
    """The URL a page's form posts to and what it would send, for the form holding a field named ``marker``."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    reader = FormReader()
    reader.feed(response.content.decode())
    form = next((f for f in reader.forms if marker in f.names()), None)
    assert form is not None, f"no form with {marker} on {url}"
    data: dict[str, list[str]] = {}
    for name, value in form.fields:
        data.setdefault(name, []).append(value)
    for name, value in form.buttons[:1]:
        data.setdefault(name, []).append(value)
    return form.action or url, data


def changed(data: dict[str, list[str]], changes: dict[str, str | None]) -> dict[str, list[str]]:
    out = dict(data)
    for name, value in changes.items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = [value]
    return out


# The cases ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One edit page of a versioned record: who edits it, two different changes, and how to read the result."""

    id: str
    model: type[models.Model]
    url_name: str
    role: str
    record: Callable[[Tenant], models.Model]
    first: dict[str, str | None]
    second: dict[str, str | None]
    read: Callable[[Any], object]
    kwargs: Callable[[Any], dict[str, Any]] = lambda record: {"pk": record.pk}
    marker: str = "version"


def _date(field_name: str, day: datetime.date) -> dict[str, str | None]:
    return {f"{field_name}_0": str(day.day), f"{field_name}_1": str(day.month), f"{field_name}_2": str(day.year)}


def _identity_provider(tenant: Tenant) -> IdentityProvider:
    domain = f"sso{tenant.council.pk}.example"
    verified_domains(tenant.council, domain)  # the form saves only the organisation's own domains
    return IdentityProvider.objects.get_or_create(
        organisation=tenant.council,
        defaults={
            "issuer": "https://login.sso.example",
            "client_id": "start",
            "client_secret_env": "ONWARD_OIDC_SECRET_TEST",
            "allowed_domains": domain,
            "enabled": False,
        },
    )[0]


def _meeting(tenant: Tenant) -> Meeting:
    from tests.test_url_access import world_meeting

    meeting: Meeting = world_meeting(tenant)
    return meeting


def _commentary(tenant: Tenant) -> ReportCommentary:
    from onward.performance.quarterly import last_complete_quarter

    return ReportCommentary.objects.get_or_create(
        council=tenant.council,
        quarter_end=last_complete_quarter(timezone.localdate()),
        section=ReportCommentary.Section.EET,
        defaults={"text": "First words", "author": tenant.users["performance_officer"]},
    )[0]


def _target(tenant: Tenant) -> Target:
    return Target.objects.get_or_create(council=tenant.council, indicator="eet_19_21")[0]


def _referral_awaiting_triage(tenant: Tenant) -> Referral:
    today = timezone.localdate()
    return Referral.objects.filter(status=Referral.Status.AWAITING_TRIAGE, council=tenant.council).first() or (
        referral_services.referral_create(
            acting_user=tenant.users["personal_adviser"],
            person=tenant.person,  # type: ignore[arg-type]
            needs=["job_search"],
            preferences="Warehouse work",
            barriers="",
            availability="Weekdays",
            priority="normal",
            consent={
                "given_by": "young_person",
                "given_on": today,
                "method": "in_person",
                "organisations": [tenant.partner],
                "shared_fields": ["needs"],
                "purpose": "Find work",
                "expires_on": today + datetime.timedelta(days=200),
            },
        )
    )


def _send_with_somewhere_to_go(tenant: Tenant) -> Send:
    Service.objects.get_or_create(
        provider=tenant.partner,
        name="Forklift training",
        defaults={"kind": "traineeship", "area": "City", "active_from": timezone.localdate()},
    )
    assert tenant.send is not None
    return tenant.send


def _forklift(tenant: Tenant) -> str:
    return str(Service.objects.get(provider=tenant.partner, name="Forklift training").pk)


def _check_due(tenant: Tenant) -> SustainmentCheck:
    """The 4-week check of the tenant's application, started 40 days ago: due and not yet recorded."""
    today = timezone.localdate()
    Application.objects.filter(pk=tenant.application.pk).update(  # type: ignore[union-attr]
        status=Application.Status.STARTED, started_on=today - datetime.timedelta(days=40)
    )
    return SustainmentCheck.objects.get_or_create(
        application=tenant.application, point="4_weeks", defaults={"due_on": today - datetime.timedelta(days=12)}
    )[0]


NEXT_YEAR = timezone.localdate().replace(day=1) + datetime.timedelta(days=400)


def _portal(tenant: Tenant) -> dict[str, Any]:
    from tests.test_url_access import portal_records

    return portal_records(tenant)


CASES = [
    Case(
        "young-person",
        YoungPerson,
        "people:person-update",
        "team_manager",
        lambda t: t.person,  # type: ignore[arg-type,return-value]
        {"preferred_name": "Alpha"},
        {"preferred_name": "Bravo"},
        lambda r: r.preferred_name,
    ),
    Case(
        "partnership",
        Partnership,
        "accounts:partner-detail",
        "administrator",
        lambda t: Partnership.objects.get(council=t.council, partner=t.partner),
        {"action": "end"},
        {"action": "end"},
        lambda r: r.status,
        kwargs=lambda r: {"pk": r.partner_id},
        marker="action",
    ),
    Case(
        "team",
        Team,
        "accounts:team-update",
        "administrator",
        lambda t: t.team,
        {"description": "Alpha"},
        {"description": "Bravo"},
        lambda r: r.description,
    ),
    Case(
        "user",
        User,
        "accounts:user-update",
        "administrator",
        lambda t: t.users["councillor"],
        {"job_title": "Alpha"},
        {"job_title": "Bravo"},
        lambda r: r.job_title,
    ),
    Case(
        "plan",
        Plan,
        "plans:plan-update",
        "performance_officer",
        lambda t: t.plan,  # type: ignore[arg-type,return-value]
        {"aim": "Alpha"},
        {"aim": "Bravo"},
        lambda r: r.aim,
    ),
    Case(
        "section",
        Section,
        "plans:section-update",
        "performance_officer",
        lambda t: t.plan.sections.get(),  # type: ignore[union-attr]
        {"aim": "Alpha"},
        {"aim": "Bravo"},
        lambda r: r.aim,
        kwargs=lambda r: {"pk": r.plan_id, "section_pk": r.pk},
    ),
    Case(
        "item",
        Item,
        "plans:item-update",
        "performance_officer",
        lambda t: t.plan_item,  # type: ignore[arg-type,return-value]
        {"agreed_action": "Alpha"},
        {"agreed_action": "Bravo"},
        lambda r: r.agreed_action,
    ),
    Case(
        "item-status",
        Item,
        "plans:item-status",
        "performance_officer",
        lambda t: t.plan_item,  # type: ignore[arg-type,return-value]
        {"status": "achieved", "reason": "Alpha"},
        {"status": "withdrawn", "reason": "Bravo"},
        lambda r: r.status_reason,
    ),
    Case(
        "measure",
        Measure,
        "plans:measure-update",
        "performance_officer",
        lambda t: t.plan_measure,  # type: ignore[arg-type,return-value]
        {"name": "Alpha"},
        {"name": "Bravo"},
        lambda r: r.name,
    ),
    Case(
        "measure-target",
        Measure,
        "plans:measure-detail",
        "performance_officer",
        lambda t: t.plan_measure,  # type: ignore[arg-type,return-value]
        {**_date("due_on", NEXT_YEAR), "kind": "absolute", "value": "40"},
        {**_date("due_on", NEXT_YEAR), "kind": "absolute", "value": "60"},
        lambda r: [str(v) for v in r.targets.values_list("value", flat=True)],
        marker="target",
    ),
    Case(
        "meeting",
        Meeting,
        "plans:meeting-update",
        "performance_officer",
        _meeting,
        {"theme": "Alpha"},
        {"theme": "Bravo"},
        lambda r: r.theme,
        kwargs=lambda r: {"pk": r.plan_id, "meeting_pk": r.pk},
    ),
    Case(
        "report-commentary",
        ReportCommentary,
        "performance:quarterly-commentary",
        "performance_officer",
        _commentary,
        {"text": "Alpha"},
        {"text": "Bravo"},
        lambda r: r.text,
        kwargs=lambda r: {"quarter": r.quarter_end.isoformat(), "section": r.section},
    ),
    Case(
        "rating-scheme",
        RatingScheme,
        "plans:scheme-update",
        "performance_officer",
        lambda t: t.rating_scheme,  # type: ignore[arg-type,return-value]
        {"description": "Alpha"},
        {"description": "Bravo"},
        lambda r: r.description,
    ),
    Case(
        "column-mapping",
        ColumnMapping,
        "returns:mapping-update",
        "performance_officer",
        lambda t: t.mapping,  # type: ignore[arg-type,return-value]
        {"name": "Alpha"},
        {"name": "Bravo"},
        lambda r: r.name,
    ),
    Case(
        "target",
        Target,
        "performance:target-update",
        "performance_officer",
        _target,
        {"notes": "Alpha"},
        {"notes": "Bravo"},
        lambda r: r.notes,
    ),
    Case(
        "target-step",
        Target,
        "performance:target-detail",
        "performance_officer",
        _target,
        {**_date("by_date", NEXT_YEAR), "kind": "absolute", "value": "40"},
        {**_date("by_date", NEXT_YEAR + datetime.timedelta(days=365)), "kind": "absolute", "value": "60"},
        lambda r: [str(v) for v in r.steps.values_list("value", flat=True)],
        marker="by_date_0",
    ),
    Case(
        "service",
        Service,
        "referrals:service-update",
        "partner_provider",
        lambda t: t.service,  # type: ignore[arg-type,return-value]
        {"area": "Alpha"},
        {"area": "Bravo"},
        lambda r: r.area,
    ),
    Case(
        "referral-triage",
        Referral,
        "referrals:referral-detail",
        "triage_coordinator",
        _referral_awaiting_triage,
        {"decision": "more_info", "note": "Alpha"},
        {"decision": "decline", "note": "Bravo"},
        lambda r: r.triage_note,
        marker="decision",
    ),
    Case(
        "send-progress",
        Send,
        "referrals:received-detail",
        "partner_provider",
        lambda t: t.send,  # type: ignore[arg-type,return-value]
        {"to_status": "accepted"},
        {"to_status": "declined", "reason": "Bravo"},
        lambda r: r.status,
        marker="to_status",
    ),
    Case(
        "send-onward",
        Send,
        "referrals:received-detail",
        "partner_provider",
        _send_with_somewhere_to_go,
        {"service": "forklift", "current": "ended"},
        {"service": "forklift", "current": "continues"},
        lambda r: Send.objects.filter(previous=r).count(),
        marker="onward",
    ),
    Case(
        "employer",
        Employer,
        "opportunities:employer-update",
        "employer_engagement_worker",
        lambda t: t.employer,  # type: ignore[arg-type,return-value]
        {"notes": "Alpha"},
        {"notes": "Bravo"},
        lambda r: r.notes,
    ),
    Case(
        "opportunity",
        Opportunity,
        "opportunities:opportunity-update",
        "employer_engagement_worker",
        lambda t: t.opportunity,  # type: ignore[arg-type,return-value]
        {"description": "Alpha"},
        {"description": "Bravo"},
        lambda r: r.description,
    ),
    Case(
        "application",
        Application,
        "opportunities:application-detail",
        "employer_engagement_worker",
        lambda t: t.application,  # type: ignore[arg-type,return-value]
        {"to_status": "applied"},
        {"to_status": "withdrawn", "reason": "Bravo"},
        lambda r: r.status,
        marker="to_status",
    ),
    Case(
        "sustainment-check",
        SustainmentCheck,
        "opportunities:application-detail",
        "employer_engagement_worker",
        _check_due,
        {**_date("checked_on", timezone.localdate()), "still_there": "yes", "note": "Alpha"},
        {**_date("checked_on", timezone.localdate()), "still_there": "no", "note": "Bravo"},
        lambda r: r.note,
        kwargs=lambda r: {"pk": r.application_id},
        marker="check_id",
    ),
    Case(
        "identity-provider",
        IdentityProvider,
        "accounts:sign-in-settings",
        "administrator",
        _identity_provider,
        {"client_id": "Alpha"},
        {"client_id": "Bravo"},
        lambda r: r.client_id,
        kwargs=lambda r: {},
    ),
    # The network (onward/network): settings, agreements and work coaches several people keep.
    Case(
        "setting",
        Setting,
        "network:setting-update",
        "performance_officer",
        lambda t: world_setting(t),
        {"postcode": "AB1 2CD"},
        {"postcode": "EF3 4GH"},
        lambda r: r.postcode,
    ),
    Case(
        "agreement",
        Agreement,
        "network:agreement-update",
        "performance_officer",
        lambda t: world_agreement(t),
        {"purpose": "Alpha"},
        {"purpose": "Bravo"},
        lambda r: r.purpose,
    ),
    Case(
        "work-coach",
        WorkCoach,
        "network:work-coach-update",
        "performance_officer",
        lambda t: world_coach(t),
        {"phone": "01632 960001"},
        {"phone": "01632 960002"},
        lambda r: r.phone,
    ),
    # The young people's own service (onward/portal): a draft of the local offer and a "You said, we did" theme.
    Case(
        "local-offer",
        LocalOffer,
        "portal:offer-edit",
        "team_manager",
        lambda t: _portal(t)["offer_draft"],
        {"introduction": "Alpha"},
        {"introduction": "Bravo"},
        lambda r: r.introduction,
    ),
    Case(
        "theme",
        Theme,
        "portal:theme-update",
        "team_manager",
        lambda t: Theme.objects.get_or_create(
            council=t.council, title="Money", defaults={"created_by": t.users["team_manager"]}
        )[0],
        {"title": "Alpha"},
        {"title": "Bravo"},
        lambda r: r.title,
    ),
]


# The supporters' versioned records (onward/supporters): their cases live beside the app's tests.
from tests.supporters.world import version_cases  # noqa: E402

CASES.extend(version_cases(Case))
# Financial support for EET (onward/finance, ADR 34).
from tests.finance.world import version_cases as finance_version_cases  # noqa: E402

CASES.extend(finance_version_cases(Case))

# A plan's structure (onward/plans, ADR 35): its cases live beside the plans tests.
from tests.plans.structure_world import version_cases as structure_version_cases  # noqa: E402

CASES.extend(structure_version_cases(Case))


def _values(tenant: Tenant, changes: dict[str, str | None]) -> dict[str, str | None]:
    """Stand-ins in a case's changes that depend on the data (the service to refer on to)."""
    return {k: (_forklift(tenant) if v == "forklift" else v) for k, v in changes.items()}


def _editors(tenant: Tenant, role: str) -> tuple[Client, Client]:
    """Two signed-in users with ``role`` in the same organisation and team."""
    first = tenant.users[role]
    second = UserFactory(
        email=f"second-{role}@{tenant.council.pk}.example",
        organisation=first.organisation,
        roles=[role],
        teams=list(first.teams.all()),
    )
    return sign_in(Client(), first), sign_in(Client(), second)


def _fresh(case: Case, record: models.Model) -> models.Model:
    return case.model._default_manager.get(pk=record.pk)


# The tests ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_second_of_two_editors_is_refused_and_the_first_change_stays(world, case: Case) -> None:
    """A and B open the same form; A saves; B's save, from the version B opened, is refused and A's change stays."""
    tenant = world["A"]
    record = case.record(tenant)
    url = reverse(case.url_name, kwargs=case.kwargs(record))
    client_a, client_b = _editors(tenant, case.role)
    action_a, seen_by_a = open_form(client_a, url, case.marker)
    action_b, seen_by_b = open_form(client_b, url, case.marker)
    assert "version" in seen_by_a, "the form must send back the version its editor opened"
    before = case.read(_fresh(case, record))

    client_a.post(action_a, changed(seen_by_a, _values(tenant, case.first)), follow=True)
    after_first = case.read(_fresh(case, record))
    version_after_first = _fresh(case, record).version  # type: ignore[attr-defined]
    assert after_first != before, "the first editor's change was not saved"

    response = client_b.post(action_b, changed(seen_by_b, _values(tenant, case.second)), follow=True)
    assert STALE in response.content.decode()
    assert case.read(_fresh(case, record)) == after_first
    assert _fresh(case, record).version == version_after_first  # type: ignore[attr-defined]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_change_without_the_version_is_refused_and_changes_nothing(world, case: Case) -> None:
    """A form posted without its version field is refused with a message, and the record is as it was."""
    tenant = world["A"]
    record = case.record(tenant)
    url = reverse(case.url_name, kwargs=case.kwargs(record))
    client_a, _client_b = _editors(tenant, case.role)
    action, seen = open_form(client_a, url, case.marker)
    before = (case.read(_fresh(case, record)), _fresh(case, record).version)  # type: ignore[attr-defined]

    response = client_a.post(action, changed(seen, {**_values(tenant, case.first), "version": None}), follow=True)
    assert MISSING in response.content.decode()
    assert (case.read(_fresh(case, record)), _fresh(case, record).version) == before  # type: ignore[attr-defined]

    response = client_a.post(action, changed(seen, {**_values(tenant, case.first), "version": "x"}), follow=True)
    assert MISSING in response.content.decode()
    assert (case.read(_fresh(case, record)), _fresh(case, record).version) == before  # type: ignore[attr-defined]


def _versioned_models() -> set[type[models.Model]]:
    return {
        model
        for model in apps.get_models()
        if model.__module__.startswith("onward.") and any(f.name == "version" for f in model._meta.get_fields())
    }


def test_every_versioned_record_has_a_case() -> None:
    """Every model with a ``version`` has an edit page above that proves a stale or missing version is refused."""
    assert _versioned_models() - {case.model for case in CASES} == set()


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_edit_page_is_a_case() -> None:
    """Every page that changes an existing record (named ``*-update``) is a case above, so its record has a version."""
    edit_pages = {name for name in _url_names(get_resolver()) if name.endswith("-update")}
    assert edit_pages, "no edit pages found: the naming convention changed"
    assert edit_pages - {case.url_name for case in CASES} == set()


# Services that change an existing record by name, and why some need no version.
NOT_VERSIONED = {
    "onward.accounts.services.directory_user_update": "the organisation's directory (SCIM) is the source of the "
    "details it sends and sends no version; RFC 7644's ETags are optional and not offered (ADR 24)",
    "onward.people.services.episode_update": "no page edits care episodes; they come from SSDA903 imports",
    "onward.performance.services.benchmark_save": "saves an uploaded file once; its status refuses a second save",
    "onward.returns.services.ssda903_save": "saves an import preview once; its status refuses a second save",
    "onward.returns.services.case_save": "saves a case-system import preview once; its status refuses a second save",
    "onward.network.services.roll_list_save": "saves a setting's previewed list once; its status refuses a second save",
}


def test_every_service_that_changes_a_record_requires_a_version() -> None:
    """``*_update``, ``*_save`` and ``*_set_status`` services take a keyword-only ``version`` (an int)."""
    missing = []
    for config in apps.get_app_configs():
        if not config.name.startswith("onward."):
            continue
        try:
            module = import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or not name.endswith(("_update", "_save", "_set_status")):
                continue
            qualified = f"{module.__name__}.{name}"
            if qualified in NOT_VERSIONED:
                continue
            parameter = inspect.signature(function).parameters.get("version")
            if (
                parameter is None
                or parameter.kind is not inspect.Parameter.KEYWORD_ONLY
                or "int" not in str(parameter.annotation)
            ):
                missing.append(qualified)
                continue
            if name.endswith(("_update", "_set_status")) and parameter.default is not inspect.Parameter.empty:
                missing.append(f"{qualified} (a change needs the version: no default)")
    assert missing == []


@pytest.mark.django_db
def test_a_record_removed_while_open_is_refused_not_an_error() -> None:
    """Saving a record someone else removed meanwhile is refused with a message, not a server error."""
    from onward.core.concurrency import StaleRecordError, lock_for_change

    with pytest.raises(StaleRecordError, match="this team no longer exists"):
        lock_for_change(Team, 987654321, 1, "team")
