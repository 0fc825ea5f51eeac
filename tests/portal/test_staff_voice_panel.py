"""The staff record page's panel of what the young person said in their own page: each thing said,
with the service, opportunity and member of staff it names, read in a number of queries that does
not grow with how much they said."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onward.portal import selectors
from onward.portal.models import Goal, Statement
from tests.conftest import Tenant
from tests.portal.conftest import open_account

pytestmark = pytest.mark.django_db


def _say(tenant: Tenant, number: int) -> None:
    """``number`` pieces of feedback on the tenant's send and interest in its opportunity, each dealt
    with by the adviser, and a goal with a step done by the adviser."""
    assert tenant.person is not None and tenant.send is not None and tenant.opportunity is not None
    adviser = tenant.users["personal_adviser"]
    for n in range(number):
        Statement.objects.create(
            council=tenant.council,
            person=tenant.person,
            kind=Statement.Kind.SERVICE_FEEDBACK,
            text=f"Feedback number {n}",
            send=tenant.send,
            rating=4,
            resolved_at=timezone.now(),
            resolved_by=adviser,
            response="Thank you",
        )
        Statement.objects.create(
            council=tenant.council,
            person=tenant.person,
            kind=Statement.Kind.INTERESTED,
            opportunity=tenant.opportunity,
        )
        goal = Goal.objects.create(
            person=tenant.person, area="employment", text=f"Goal number {n}", owner="adviser", added_by=adviser
        )
        Goal.objects.create(
            person=tenant.person,
            goal=goal,
            area="employment",
            text=f"Step number {n}",
            owner="adviser",
            added_by=adviser,
            done_at=timezone.now(),
            done_by=adviser,
        )


def _page(client: Any, tenant: Tenant) -> tuple[str, int]:
    assert tenant.person is not None
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("people:person-detail", kwargs={"pk": tenant.person.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index('id="their-own-page"') :], len(queries)


def test_what_they_said_shows_whom_it_names_in_queries_that_do_not_grow(
    world: dict[str, Tenant], signed_in: Any
) -> None:
    tenant = world["A"]
    open_account(tenant)
    client = signed_in(tenant.users["personal_adviser"])
    _page(client, tenant)  # the session and anything a first view keeps
    _say(tenant, 2)
    panel, few = _page(client, tenant)
    assert tenant.send is not None and tenant.opportunity is not None
    assert f"{tenant.send.service.name} (4 out of 5)" in panel
    assert f"Interested in an opportunity: {tenant.opportunity.title}" in panel
    assert f"{tenant.users['personal_adviser'].full_name}: Thank you" in panel
    assert "Step towards “Goal number 1”: Step number 1" in panel
    assert panel.count(f"by {tenant.users['personal_adviser'].full_name}") == 6  # 4 added, 2 done
    _say(tenant, 4)
    panel, many = _page(client, tenant)
    assert "Feedback number 3" in panel
    assert many == few


def test_the_panel_reads_with_sql_compiled_once_what_the_orm_reads(world: dict[str, Tenant]) -> None:
    """Each of the panel's reads runs SQL compiled once a process: the same records, in the same order,
    with the same values, as the query built for the young person; another's are never among them."""
    tenant, other = world["A"], world["B"]
    open_account(tenant)
    _say(tenant, 3)
    for person in (tenant.person, other.person):
        assert person is not None
        for kind, read in enumerate(selectors._VOICE_KINDS):
            assert selectors.VOICE_READS[kind].compiled() is not None
            found = selectors._read(kind, person.pk)
            expected = list(read(person.pk))
            assert [vars_of(r) for r in found] == [vars_of(r) for r in expected]
            assert all(r.person_id == person.pk for r in found)
    assert tenant.person is not None
    voice = selectors.voice_of(tenant.person)
    assert (len(voice.statements), len(voice.goals), voice.account is not None) == (6, 6, True)


def vars_of(record: Any) -> dict[str, Any]:
    return {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}
