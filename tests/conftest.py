"""Shared fixtures: a world of two councils with one user per role in each, and signed-in clients."""

from __future__ import annotations

import datetime
import fcntl
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from onward.accounts.models import Organisation, Team, User
from onward.accounts.permissions import ROLES
from onward.opportunities.models import Application, Employer, Opportunity
from onward.participation.models import CareersReturn
from onward.people.categories import birthday
from onward.people.models import Allocation, CareEpisode, EETSpell, SupportRequest, YoungPerson
from onward.people.services import refresh_care_summary
from onward.plans.models import Item, Measure, Plan, Rating, RatingScheme, ReviewRound, Section
from onward.referrals.models import Consent, Referral, Send, Service
from onward.returns.models import ColumnMapping, ImportRun
from tests.factories import CouncilFactory, PartnerFactory, TeamFactory, UserFactory, YoungPersonFactory

PASSWORD = "correct-horse-battery-staple"


def _watched() -> tuple[type, ...]:
    """The tables the stored per-person figures are made from (``people.stored``, ADR 36)."""
    from onward.people import stored

    return (YoungPerson, *stored.SOURCES, Referral, Send)


@pytest.fixture(autouse=True, scope="session")
def _updates_move_updated_at():  # type: ignore[no-untyped-def]
    """Every ``update`` or ``bulk_update`` by Onward's code of a table the stored figures read must move
    ``updated_at`` (``core.models.touched``): ``save`` does, these do not by themselves, and a change
    that leaves it behind is never seen by ``people.stored.keep_current``. Any code path the suite runs
    that breaks this fails here (tests' own set-up, which back-dates rows on purpose, is not checked)."""
    import sys

    from django.conf import settings
    from django.db.models import QuerySet

    watched = _watched()
    product = str(settings.BASE_DIR / "onward")
    update, bulk_update = QuerySet.update, QuerySet.bulk_update

    def by_onward() -> bool:
        return sys._getframe(2).f_code.co_filename.startswith(product)

    def checked_update(self, **kwargs):  # type: ignore[no-untyped-def]
        if issubclass(self.model, watched) and "updated_at" not in kwargs and by_onward():
            raise AssertionError(f"{self.model.__name__} updated without updated_at: use core.models.touched")
        return update(self, **kwargs)

    def checked_bulk_update(self, objs, fields, batch_size=None):  # type: ignore[no-untyped-def]
        if issubclass(self.model, watched) and "updated_at" not in fields and by_onward():
            raise AssertionError(
                f"{self.model.__name__} bulk-updated without updated_at: use core.models.touched_fields"
            )
        return bulk_update(self, objs, fields, batch_size)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(QuerySet, "update", checked_update)
        patch.setattr(QuerySet, "bulk_update", checked_bulk_update)
        yield


# Tables a flush leaves alone: Django's post_migrate signal, sent after every flush, would only put
# the same rows back (one per model, and four permissions each), after looking each model's rows
# up again, app by app.
KEPT_BY_FLUSH = frozenset({"django_content_type", "auth_permission"})


@pytest.fixture(autouse=True, scope="session")
def _quick_flush():  # type: ignore[no-untyped-def]
    """After a test that commits (``transaction=True``: the browser tests, the live server), Django
    empties every table, then sends post_migrate. Two things make that slow, and are changed here:

    - On PostgreSQL the emptying is one ``TRUNCATE`` of some 140 tables, which makes new files for
      each: 1.5 to 4 seconds after every such test, for tables of a few rows. A ``DELETE`` of each
      table in one transaction leaves the same empty tables in milliseconds; every foreign key is
      checked only at the commit (Django makes them ``DEFERRABLE INITIALLY DEFERRED``), so the order
      does not matter. Resetting sequences or cascading still truncates.
    - Content types and permissions (``KEPT_BY_FLUSH``) are kept rather than deleted and made again.
    """
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

    PostgreSQL, SQLite = PostgreSQLWrapper.ops_class, SQLiteWrapper.ops_class

    def quicker(operations: type) -> object:
        flush = operations.sql_flush

        def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):  # type: ignore[no-untyped-def]
            tables = [table for table in tables if table not in KEPT_BY_FLUSH]
            if operations is not PostgreSQL or reset_sequences or allow_cascade:
                return flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
            return [
                f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables
            ]

        return sql_flush

    with pytest.MonkeyPatch.context() as patch:
        for operations in (PostgreSQL, SQLite):
            patch.setattr(operations, "sql_flush", quicker(operations))
        yield


@dataclass
class Tenant:
    council: Organisation
    partner: Organisation
    team: Team
    users: dict[str, User] = field(default_factory=dict)
    person: YoungPerson | None = None
    spell: EETSpell | None = None
    support: SupportRequest | None = None
    import_run: ImportRun | None = None
    mapping: ColumnMapping | None = None
    service: Service | None = None
    referral: Referral | None = None
    send: Send | None = None
    employer: Employer | None = None
    opportunity: Opportunity | None = None
    application: Application | None = None
    plan: Plan | None = None
    plan_item: Item | None = None
    review_round: ReviewRound | None = None
    plan_measure: Measure | None = None
    rating_scheme: RatingScheme | None = None
    careers_return: CareersReturn | None = None


def make_tenant(label: str, shared_partner: Organisation | None = None) -> Tenant:
    council = CouncilFactory(name=f"{label} Borough Council")
    partner = PartnerFactory(
        name=f"{label} Training Trust", kind=Organisation.Kind.TRAINING_PROVIDER, councils=[council]
    )
    if shared_partner is not None:
        from onward.accounts.models import Partnership

        Partnership.objects.create(council=council, partner=shared_partner, status=Partnership.Status.ACCEPTED)
    team = TeamFactory(council=council, name=f"{label} Leaving Care")
    tenant = Tenant(council=council, partner=partner, team=team)
    for role in ROLES:
        organisation = partner if role.for_partners else council
        tenant.users[role.key] = UserFactory(
            email=f"{role.key}@{label.lower()}.example",
            organisation=organisation,
            roles=[role.key],
            teams=[] if role.for_partners else [team],
        )
    add_young_person(tenant)
    tenant.import_run = ImportRun.objects.create(
        council=council,
        kind=ImportRun.Kind.SSDA903,
        year=2025,
        status=ImportRun.Status.REJECTED,
        file_names=["header.csv"],
        problems=[{"table": "header", "row": 1, "column": "SEX", "child": "X", "message": "Q is not a valid code"}],
    )
    tenant.mapping = ColumnMapping.objects.create(
        council=council,
        name="Case system EET report",
        record_type=ColumnMapping.RecordType.EET,
        columns={"child_id": "Child ID", "activity": "Activity", "start": "Start"},
    )
    add_referral(tenant)
    add_opportunity(tenant)
    add_plan(tenant)
    tenant.careers_return = CareersReturn.objects.create(
        council=council,
        uploaded_by=tenant.users["performance_officer"],
        file_name="return.csv",
        month_end=datetime.date(2026, 10, 31),
        rows=1,
        discrepancies=[{"row": 2, "id": "X1", "field": "", "problem": "Onward holds nobody with this ID in the month"}],
    )
    return tenant


def add_plan(tenant: Tenant) -> None:
    """An action plan (RAG) with one area, one action led by the plan lead, and an open review round."""
    today = timezone.localdate()
    tenant.plan = Plan.objects.create(
        council=tenant.council,
        title="Care leavers EET action plan",
        kind=Plan.Kind.ACTION_PLAN,
        owning_body="Corporate Parenting Panel",
        owner=tenant.users["performance_officer"],
        rating_scheme="rag",
    )
    section = Section.objects.create(
        plan=tenant.plan, title="Post-16 transitions", aim="Every young person has an offer"
    )
    tenant.plan_item = Item.objects.create(
        plan=tenant.plan, section=section, reference="1.1", text="Run a Year 11 careers guidance review"
    )
    tenant.plan_item.leads.add(tenant.users["plan_lead"])
    tenant.plan_measure = Measure.objects.create(item=tenant.plan_item, name="Year 11s with a guidance interview")
    tenant.rating_scheme = RatingScheme.objects.create(council=tenant.council, name="Traffic lights and blue")
    Rating.objects.create(scheme=tenant.rating_scheme, key="B", label="Blue", description="Complete", colour="blue")
    tenant.review_round = ReviewRound.objects.create(
        plan=tenant.plan,
        name="Spring review",
        opened_on=today,
        due_on=today + datetime.timedelta(days=14),
        opened_by=tenant.users["performance_officer"],
    )


def add_opportunity(tenant: Tenant) -> None:
    """An employer (the tenant's partner is not one), an apprenticeship, and the young person put forward."""
    today = timezone.localdate()
    tenant.employer = Employer.objects.create(
        council=tenant.council,
        name=f"{tenant.council.name} Depot",
        sector="logistics",
        location="Town centre",
        status="engaged",
    )
    tenant.opportunity = Opportunity.objects.create(
        council=tenant.council,
        employer=tenant.employer,
        title="Warehouse apprentice",
        kind="apprenticeship",
        location="Town centre",
        closing_on=today + datetime.timedelta(days=30),
    )
    tenant.application = Application.objects.create(
        opportunity=tenant.opportunity,
        person=tenant.person,
        put_forward_by=tenant.users["personal_adviser"],
        consent_given_on=today,
        consent_method="in_person",
    )


def add_referral(tenant: Tenant) -> None:
    """A service of the tenant's partner, and a referral sent to it with consent covering the partner."""
    today = timezone.localdate()
    tenant.service = Service.objects.create(
        provider=tenant.partner,
        name=f"{tenant.partner.name} Steps into Work",
        kind=Service.Kind.EMPLOYABILITY,
        area="Citywide",
        active_from=today - datetime.timedelta(days=365),
        needs_met=["job_search", "cv"],
    )
    assert tenant.person is not None
    referral = Referral.objects.create(
        council=tenant.council,
        person=tenant.person,
        made_by=tenant.users["personal_adviser"],
        needs=["job_search"],
        status=Referral.Status.REFERRED,
        triage_due=today + datetime.timedelta(days=7),
    )
    consent = Consent.objects.create(
        referral=referral,
        given_by="young_person",
        given_on=today,
        method="in_person",
        shared_fields=["needs"],
        purpose="To find work",
        expires_on=today + datetime.timedelta(days=365),
        recorded_by=tenant.users["personal_adviser"],
    )
    consent.organisations.add(tenant.partner)
    tenant.referral = referral
    tenant.send = Send.objects.create(
        referral=referral, service=tenant.service, sent_by=tenant.users["triage_coordinator"]
    )


def add_young_person(tenant: Tenant) -> None:
    """A 22-year-old former relevant care leaver allocated to the tenant's personal adviser."""
    today = timezone.localdate()
    dob = today.replace(year=today.year - 22) - datetime.timedelta(days=40)
    adviser = tenant.users["personal_adviser"]
    person = YoungPersonFactory(council=tenant.council, personal_adviser=adviser, team=tenant.team, date_of_birth=dob)
    CareEpisode.objects.create(
        person=person,
        start=birthday(dob, 15),
        end=birthday(dob, 18),
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
        reason_ceased="E17",
    )
    refresh_care_summary(person)
    Allocation.objects.create(
        person=person, role=Allocation.Role.PERSONAL_ADVISER, worker=adviser, team=tenant.team, start=birthday(dob, 16)
    )
    tenant.person = person
    tenant.spell = EETSpell.objects.create(
        person=person, activity="further_education", start=today - datetime.timedelta(days=200)
    )
    tenant.support = SupportRequest.objects.create(
        person=person, date=today - datetime.timedelta(days=3), needs="Help to find work"
    )


@pytest.fixture
def world(db: None) -> dict[str, Tenant]:
    """Council A and council B, each with a partner (an accepted link), a team and one user for every role
    (partner roles, such as the partner administrator, in the partner organisation)."""
    return {"A": make_tenant("Alderley"), "B": make_tenant("Brockmoor")}


def sign_in(client: Client, user: User) -> Client:
    """Sign ``user`` in on ``client`` with both factors done (a confirmed TOTP device, verified)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Test authenticator", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def signed_in_copy(signed: Client) -> Client:
    """A new client with a session of its own holding what ``signed``'s holds (the user, both factors
    done): as ``sign_in`` would leave it, for one insert rather than a whole sign-in. For walks that
    want a clean session for each request without signing in hundreds of times."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.update(dict(signed.session.items()))
    store.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client


@pytest.fixture
def signed_in(client: Client):  # type: ignore[no-untyped-def]
    """``signed_in(user)`` returns the test client signed in as ``user``, two-factor done."""

    def _sign_in(user: User) -> Client:
        return sign_in(client, user)

    return _sign_in


@pytest.fixture(autouse=True)
def _caches_start_empty() -> None:
    """Every test starts with empty caches: a test's rows are rolled back, and on SQLite the next
    test's rows can have the same ids and times, so a key made in one test could name another's."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _allow_sync_db_in_playwright() -> None:
    # Playwright's sync API runs an event loop in the test thread; Django's async-safety check
    # would otherwise refuse the database access the browser tests make to set up data.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database file migrated from empty (``manage.py migrate``, test settings), made once a run.

    The tests that start Onward in a subprocess on a database file of their own copy it rather than
    migrate one each (about 20 seconds of CPU a time). The xdist workers of one run share it: the
    first to ask builds it under a lock, the others wait and copy. Copy it; never write to it.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by every worker of this run
    made = root / "migrated.sqlite3"
    with (root / "migrated.sqlite3.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():
            building = root / "migrated.sqlite3.building"
            building.unlink(missing_ok=True)
            env = {
                **{key: value for key, value in os.environ.items() if key != "ONWARD_REPORTING_DATABASE_URL"},
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "DATABASE_URL": f"sqlite:///{building}",
            }
            manage = str(Path(__file__).resolve().parent.parent / "manage.py")
            done = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
                [sys.executable, manage, "migrate", "--no-input", "-v0"],
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            assert done.returncode == 0, done.stderr[-3000:]
            building.rename(made)
    return made


# The slowest tests, slowest first (seconds on a 2-core machine, from the run's --durations). The suite
# otherwise runs them where pytest-django's order puts them: the subprocess tests, which use no test
# database, come last, so one worker ran them alone at the end of the run while the other sat idle.
# They go to the front instead, dealt out to the xdist workers in turn. Tests marked
# `transaction=True` stay where they are (after the others on their worker: they empty the tables).
SLOW_FIRST = (
    "tests/test_tenant_isolation.py::test_council_b_records_are_not_found_or_changed_through_any_url",
    "tests/test_reporting_database.py::test_with_a_replica_set_the_reporting_selectors_read_from_it",
    "tests/test_production.py::test_production_settings_collect_static_files_and_serve_the_sign_in_page",
    "tests/returns/test_past_years.py::test_generated_councils_pass_the_departments_rules_in_every_year",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int | None:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction"):
            return None
        return next((i for i, prefix in enumerate(SLOW_FIRST) if item.nodeid.startswith(prefix)), None)

    ranked = sorted((r, n, item) for n, item in enumerate(items) if (r := rank(item)) is not None)
    if not ranked:
        return
    slow = [item for _, _, item in ranked]
    rest = [item for item in items if rank(item) is None]
    # xdist's `load` scheduling first sends each worker a run of consecutive tests (a quarter of its
    # share): start each worker's run with its turn of the slow tests.
    workers = max(int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")), 1)
    chunk = max(len(items) // workers // 4, 2)
    ordered: list[pytest.Item] = []
    for worker in range(workers):
        own = slow[worker::workers]
        ordered += own
        take = max(chunk - len(own), 0) if worker < workers - 1 else 0
        ordered += rest[:take]
        rest = rest[take:]
    items[:] = ordered + rest
