"""A council is the tenant boundary: a user of council A never sees or changes council B's records.

The cross-council test is generated from the URL patterns: every pattern with an id in its path
(``pk`` or ``<thing>_pk``) is requested with council B's ids by every role of council A, with GET
and POST. Which record an id names is derived, not listed per URL:

1. the view fetches it with an access function (``access.access_<thing>(user, <kwarg>)``), whose
   return annotation is the model;
2. otherwise ``<thing>_pk`` names the model of the view's app whose name ends in ``<thing>``
   (``section_pk`` a ``Section``, ``round_pk`` a ``ReviewRound``);
3. otherwise ``DEPENDENT_KWARGS`` says, for a kwarg name in an app, which model it names given
   the other kwargs (a corrected record's model depends on its ``kind``).

The record is then the world's record of that model for the council (a ``Tenant`` field of that
type, or the first row whose council, found by following foreign keys, is that council). A URL
whose kwargs cannot be filled fails the test, so a new URL is covered the day it is added.
"""

from __future__ import annotations

import datetime
import hashlib
import inspect
import re
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from onward.accounts import access
from onward.accounts.models import Organisation, User
from onward.accounts.permissions import ROLES
from onward.api.models import Webhook
from onward.audit import access as audit_access
from onward.audit.services import audit_view
from tests.conftest import Tenant, sign_in

ORGANISATION_RECORDS: tuple[type[models.Model], ...] = (Webhook,)
ID_KWARG = re.compile(r"^(?:pk|(?P<thing>\w+)_pk)$")
# Values for the parts of a path that are not ids; the first that council A's URL answers to is used.
NON_ID_VALUES: dict[str, list[object]] = {
    "kind": ["eet", "accommodation", "contact"],
    "file_format": ["docx", "xlsx", "csv", "pdf"],
    "year": [2025],
    "code": ["eet_19_21"],
    "rule": ["care_record"],  # privacy:retention-delete (issue 22)
}


def _correctable_model(kwargs: dict[str, object]) -> type[models.Model] | None:
    from onward.people.views import CORRECTABLE

    found = CORRECTABLE.get(str(kwargs.get("kind")))
    return found[0] if found else None


# A kwarg whose model depends on the path's other kwargs, by (app label, kwarg name).
def _history_model(kwargs: dict[str, object]) -> type[models.Model] | None:
    from onward.privacy.access import HISTORY_MODELS

    return HISTORY_MODELS.get(str(kwargs.get("kind")))


DEPENDENT_KWARGS: dict[tuple[str, str], Callable[[dict[str, object]], type[models.Model] | None]] = {
    ("people", "record_pk"): _correctable_model,
    ("privacy", "record_pk"): _history_model,  # privacy:correct-record (issue 22)
}


@dataclass(frozen=True)
class Route:
    """A URL pattern: its name, its kwargs in order, and the view behind it."""

    name: str
    kwargs: tuple[str, ...]
    view: Callable[..., Any]

    @property
    def id_kwargs(self) -> list[str]:
        return [k for k in self.kwargs if ID_KWARG.match(k)]


def routes() -> Iterator[Route]:
    def walk(patterns: list[URLPattern | URLResolver], namespace: str | None, prefix: tuple[str, ...]):  # type: ignore[no-untyped-def]
        for pattern in patterns:
            found = tuple(pattern.pattern.converters) if hasattr(pattern.pattern, "converters") else ()
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
                yield from walk(pattern.url_patterns, inner, prefix + found)
            else:
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                yield Route(name, prefix + found, pattern.callback)

    yield from walk(get_resolver().url_patterns, None, ())


def _view_source(view: Callable[..., Any]) -> str:
    target = inspect.unwrap(getattr(view, "view_class", view))
    try:
        return inspect.getsource(target)
    except (OSError, TypeError):
        return ""


def _app_label(view: Callable[..., Any]) -> str:
    module = getattr(inspect.unwrap(getattr(view, "view_class", view)), "__module__", "")
    return module.split(".")[1] if module.startswith("onward.") else ""


def model_for(route: Route, kwarg: str, kwargs: dict[str, object]) -> tuple[type[models.Model], str] | None:
    """The model an id kwarg names, and the name of the access function that fetches it ("" if none)."""
    call = re.search(rf"(\w+)\.(access_\w+)\(\s*[\w.]+,\s*{kwarg}\b", _view_source(route.view))
    if call:
        # The access module the view imported under that name (an app may have its own, as privacy does).
        module = inspect.unwrap(getattr(route.view, "view_class", route.view)).__globals__.get(call.group(1), access)
        function = getattr(module, call.group(2))
        returned = typing.get_type_hints(function)["return"]
        return returned, call.group(2)
    app = _app_label(route.view)
    dependent = DEPENDENT_KWARGS.get((app, kwarg))
    if dependent is not None:
        model = dependent(kwargs)
        return (model, "") if model is not None else None
    match = ID_KWARG.match(kwarg)
    thing = match.group("thing") if match else None
    if thing and app:
        wanted = thing.replace("_", "").lower()
        for model in apps.get_app_config(app).get_models():
            if model.__name__.lower().endswith(wanted):
                return model, ""
    return None


def _council_path(model: type[models.Model], depth: int = 4) -> str | None:
    """The lookup from ``model`` to the council it belongs to, following foreign keys."""
    queue: list[tuple[type[models.Model], str, int]] = [(model, "", 0)]
    while queue:
        current, path, level = queue.pop(0)
        for field in current._meta.get_fields():
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                continue
            lookup = f"{path}{field.name}"
            if field.name == "council" and field.related_model is Organisation:
                return lookup
            if level < depth and field.related_model is not None and field.related_model is not Organisation:
                queue.append((field.related_model, lookup + "__", level + 1))
    return None


def _tenant_fields(model: type[models.Model]) -> list[str]:
    hints = typing.get_type_hints(Tenant)
    return [f.name for f in fields(Tenant) if model in typing.get_args(hints[f.name]) or hints[f.name] is model]


def record_of(tenant: Tenant, model: type[models.Model], hint: str) -> models.Model | None:
    """The tenant's record of ``model``: a field of the world's tenant of that type, or the council's first row."""
    if model is User:
        return tenant.users["personal_adviser"]
    if model in ORGANISATION_RECORDS:  # records of an organisation, not of a council's young people
        return model._default_manager.filter(organisation=tenant.council).order_by("pk").first()
    named = _tenant_fields(model)
    if len(named) > 1:
        named = [name for name in named if name in hint] or named
    if named:
        return getattr(tenant, named[0])
    path = _council_path(model)
    if path is None:
        return None
    return model._default_manager.filter(**{path: tenant.council}).order_by("pk").first()


class CannotFill(Exception):
    pass


def fill(route: Route, tenant: Tenant, non_ids: dict[str, object]) -> dict[str, object]:
    """The route's kwargs pointing at ``tenant``'s records; raises ``CannotFill`` saying why it cannot."""
    kwargs: dict[str, object] = dict(non_ids)
    for kwarg in route.kwargs:
        if kwarg in kwargs:
            continue
        if not ID_KWARG.match(kwarg):
            raise CannotFill(f"{route.name}: no value for {kwarg!r} (add it to NON_ID_VALUES)")
        found = model_for(route, kwarg, kwargs)
        if found is None:
            raise CannotFill(f"{route.name}: cannot tell which record {kwarg!r} names (see DEPENDENT_KWARGS)")
        model, access_name = found
        record = record_of(tenant, model, access_name or kwarg)
        if record is None:
            raise CannotFill(f"{route.name}: the world has no {model.__name__} of {tenant.council}")
        kwargs[kwarg] = record.pk
    return kwargs


def non_id_choices(route: Route) -> list[dict[str, object]]:
    names = [k for k in route.kwargs if not ID_KWARG.match(k) and k in NON_ID_VALUES]
    choices: list[dict[str, object]] = [{}]
    for name in names:
        choices = [{**c, name: value} for c in choices for value in NON_ID_VALUES.get(name, [])]
    return choices


def id_routes() -> list[Route]:
    # A young person's pages (``my:``) and the public local offer (``local-offer:``) are not staff pages:
    # tests/test_url_access.py gives another young person's ids 404 there (onward/portal, ADR 29).
    return sorted(
        (r for r in routes() if r.id_kwargs and not r.name.startswith(("my:", "local-offer:"))), key=lambda r: r.name
    )


def complete_world(world: dict[str, Tenant]) -> None:
    """Give each council the records the shared world lacks: a target with a step, a benchmark file, a
    plan import and a partner's list, a meeting of its plan's board, and a webhook of the API (ADR 27)."""
    from onward.performance.models import BenchmarkSet, Target, TargetStep
    from tests.network.records import network_kwargs
    from tests.test_url_access import world_meeting

    for tenant in world.values():
        Webhook.objects.create(
            organisation=tenant.council,
            user=tenant.users["personal_adviser"],
            name="Case system",
            url="https://case.example/hook",
            events=["referral"],
        )
        target = Target.objects.create(council=tenant.council, indicator="eet_19_21")
        TargetStep.objects.create(
            target=target, by_date=timezone.localdate() + datetime.timedelta(days=90), value=Decimal(60)
        )
        BenchmarkSet.objects.create(council=tenant.council, file_name="sn.csv", status="rejected", content="")
        # Imports in the core flow (ADR 30): a plan spreadsheet, and the partner's list sent back.
        from onward.plans.models import PlanImport
        from onward.referrals.models import PartnerListReturn

        PlanImport.objects.create(council=tenant.council, file_name="plan.csv", status="rejected")
        PartnerListReturn.objects.create(
            council=tenant.council, organisation=tenant.partner, file_name="roll.csv", status="committed"
        )
        world_meeting(tenant)
        from tests.plans.structure_world import structure_world

        structure_world(tenant)  # a plan's criteria, budget, board and report schedule (ADR 35)
        # A request for support again that matched no record (the portal's returners' form).
        from onward.portal.models import ReturnerEnquiry

        ReturnerEnquiry.objects.create(
            council=tenant.council,
            given_name="Sam",
            family_name="Unmatched",
            date_of_birth=datetime.date(2003, 3, 3),
            contact="07700 900111",
            needs="Help with a course",
            received_on=timezone.localdate(),
            reason=ReturnerEnquiry.Reason.NO_MATCH,
        )
        # Data protection records (issue 22), lifted so they hide nothing from the other checks.
        from onward.privacy import services as privacy_services

        officer = tenant.users["data_protection_officer"]
        sar = privacy_services.subject_access_request_create(young_person=tenant.person, via="email", logged_by=officer)
        privacy_services.subject_access_gather(request=sar, acting_user=officer)
        privacy_services.subject_access_review(request=sar, acting_user=officer, redactions=[])
        privacy_services.subject_access_approve(request=sar, acting_user=officer)  # so its bundle downloads
        restriction = privacy_services.restriction_place(
            acting_user=officer, person=tenant.person, reason="Accuracy contested", allowed_roles=[]
        )
        privacy_services.restriction_lift(acting_user=officer, restriction=restriction, reason="Corrected")
        hold = privacy_services.legal_hold_place(acting_user=officer, person=tenant.person, reason="A claim")
        privacy_services.legal_hold_lift(acting_user=officer, hold=hold)
        privacy_services.rectification_request_create(
            person=tenant.person, via="email", text="My address is wrong", logged_by=officer
        )
        from tests.supporters.world import supporters_world

        supporters_world(tenant)
        from tests.people.world import people_world

        people_world(tenant)  # careers guidance, a pathway plan audit, a higher education application (issue 26)
        from tests.finance.world import finance_world

        finance_world(tenant)  # financial support for EET (onward/finance)
        for name in ("network:roll-detail", "network:work-coach-update"):  # a setting, agreement, list, coach
            network_kwargs(name, tenant)
        from tests.test_url_access import portal_world

        portal_world(tenant)  # the young people's own service's records (onward/portal)


def answers(client: Client, url: str) -> int:
    """The status of GET, or of POST where the page takes only POST."""
    status = client.get(url).status_code
    return client.post(url, {}).status_code if status == 405 else status


@dataclass(frozen=True)
class Case:
    route: Route
    url_a: str
    url_b: str


def cases(world: dict[str, Tenant], clients: dict[str, Client]) -> tuple[list[Case], list[str]]:
    """For each id route: the URL at council A's records and at B's; and the routes that cannot be filled.

    The parts of a path that are not ids take the first value at which council A's URL is found
    by some role (not 404), so that a 404 at B's URL is about B's records and not a wrong ``kind``.
    """
    found, problems = [], []
    for route in id_routes():
        chosen = None
        for non_ids in non_id_choices(route):
            try:
                kwargs_a = fill(route, world["A"], non_ids)
                kwargs_b = fill(route, world["B"], non_ids)
            except CannotFill as error:
                problems.append(str(error))
                chosen = None
                break
            url_a = reverse(route.name, kwargs=kwargs_a)
            if any(answers(client, url_a) not in (403, 404) for client in clients.values()):
                chosen = Case(route, url_a, reverse(route.name, kwargs=kwargs_b))
                break
        else:
            if chosen is None:
                problems.append(f"{route.name}: no role of council A finds A's own record at this URL")
        if chosen is not None:
            found.append(chosen)
    return found, problems


def fingerprint() -> dict[str, tuple[int, str]]:
    """Every Onward table's row count and latest change (or a digest of its rows where it records no change)."""
    result = {}
    for model in apps.get_models():
        if not model.__module__.startswith("onward."):
            continue
        rows = model._default_manager.all()
        if any(f.name == "updated_at" for f in model._meta.get_fields()):
            latest = rows.aggregate(latest=models.Max("updated_at"))["latest"]
            versions = sum(rows.values_list("version", flat=True)) if hasattr(model, "version") else 0
            result[model._meta.label] = (rows.count(), f"{latest} v{versions}")
        else:
            digest = hashlib.sha256(repr(list(rows.order_by("pk").values_list())).encode()).hexdigest()
            result[model._meta.label] = (rows.count(), digest)
    return result


@pytest.fixture
def clients(world: dict[str, Tenant]) -> dict[str, Client]:
    """One signed-in client for every role of council A."""
    complete_world(world)
    return {role.key: sign_in(Client(), world["A"].users[role.key]) for role in ROLES}


def test_every_url_with_an_id_can_be_pointed_at_each_councils_records(world, clients) -> None:
    """Each URL pattern with an id in its path names a record the test can find for both councils.

    And council A's URL answers (not 403 or 404) for some role of A, so the ids are real records.
    """
    found, problems = cases(world, clients)
    assert not problems, "\n".join(problems)
    assert len(found) == len(id_routes())
    assert len(found) > 40


def test_council_b_records_are_not_found_or_changed_through_any_url_by_any_role_of_council_a(world, clients) -> None:
    """Every URL with an id, at council B's records, answers 403 or 404 to every role of A, GET or POST.

    A redirect to sign-in, or 405 for a method the page does not take, are the only other answers
    allowed. A 403 is allowed only where the role gets 403 at A's own record too, so it reveals
    nothing about B's. And nothing in any Onward table (rows, latest change, versions, the audit
    trail) changes through all of those requests.
    """
    found, problems = cases(world, clients)
    assert not problems, "\n".join(problems)
    before = fingerprint()
    wrong = []
    for role, client in clients.items():
        for case in found:
            for method in ("get", "post"):
                response = getattr(client, method)(case.url_b, {"version": "1"} if method == "post" else None)
                status = response.status_code
                to_sign_in = status == 302 and response["Location"].startswith(reverse("accounts:sign-in"))
                if status not in (403, 404, 405) and not to_sign_in:
                    wrong.append(f"{role} {method.upper()} {case.url_b} ({case.route.name}): {status}")
                elif method == "get" and status == 403 and client.get(case.url_a).status_code != 403:
                    wrong.append(f"{role} GET {case.url_b} ({case.route.name}): 403 where A's record is not 403")
    assert not wrong, "\n".join(wrong)
    after = fingerprint()
    changed = {label: (before[label], after[label]) for label in before if before[label] != after[label]}
    assert not changed, changed


def test_lists_show_only_the_users_own_council(world, signed_in) -> None:
    """User, team, partner and audit lists of council A contain nothing of council B."""
    a, b = world["A"], world["B"]
    with transaction.atomic():
        audit_view(actor=b.users["administrator"], council=b.council, obj=b.users["personal_adviser"])
    client = signed_in(a.users["administrator"])
    pages = {
        "accounts:user-list": [u.email for u in b.users.values()],
        "accounts:team-list": [b.team.name],
        "accounts:partner-list": [b.partner.name],
        "audit:event-list": [b.users["administrator"].email],
    }
    for name, forbidden in pages.items():
        content = client.get(reverse(name)).content.decode()
        for text in forbidden:
            assert text not in content, f"{text} appears in {name}"
    own = client.get(reverse("accounts:user-list")).content.decode()
    assert a.users["personal_adviser"].email in own


def test_access_functions_scope_every_queryset_to_the_council(world) -> None:
    """The access module's querysets never hold another council's rows."""
    a, b = world["A"], world["B"]
    admin = a.users["administrator"]
    # An administrator manages their own organisation's users only, not even their partners' (ADR 14).
    assert set(access.users_visible_to(admin)) == {u for u in a.users.values() if u.organisation == a.council}
    assert list(access.teams_visible_to(admin)) == [a.team]
    assert list(access.partner_organisations_visible_to(admin)) == [a.partner]
    assert not audit_access.audit_events_visible_to(admin).filter(council=b.council).exists()
    # A partner's user belongs to no council: they see no teams, users or audit entries.
    partner_user = a.users["partner_provider"]
    assert not access.teams_visible_to(partner_user).exists()
    assert not access.users_visible_to(partner_user).exists()
    assert list(access.councils_for(partner_user)) == [a.council]


def test_a_partner_working_with_two_councils_sees_both_councils_but_belongs_to_neither(world) -> None:
    """Organisations are shared: a college may work with several councils."""
    from onward.accounts.models import Partnership

    a, b = world["A"], world["B"]
    Partnership.objects.create(council=b.council, partner=a.partner, status=Partnership.Status.ACCEPTED)
    assert set(access.councils_for(a.users["partner_provider"])) == {a.council, b.council}
    assert access.council_of(a.users["partner_provider"]) is None


def test_the_fingerprint_sees_a_change_to_another_councils_record(world) -> None:
    """The "changes nothing" check can fail: saving one of B's records, or adding a row, changes the fingerprint."""
    before = fingerprint()
    team = world["B"].team
    team.name = "Renamed"
    team.save()
    assert fingerprint() != before
    before = fingerprint()
    audit_view(actor=world["B"].users["administrator"], council=world["B"].council, obj=world["B"].person)
    assert fingerprint() != before
