"""The Open Referral UK feed: each council's directory, open to anyone, valid ORUK 3.0, and nothing else."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onward.accounts.models import Organisation, Partnership
from onward.core.management.commands.load_demo import PARTNERS
from onward.oruk import mapping
from onward.oruk.models import Feed
from onward.oruk.services import feed_publish
from onward.people.models import YoungPerson
from onward.referrals.demo import EXTRA_PARTNERS, SERVICES
from onward.referrals.models import Feedback, Service
from tests.conftest import Tenant
from tests.factories import PartnerFactory
from tests.oruk.schema import check, check_page, check_root

KINDS = dict(PARTNERS + EXTRA_PARTNERS)


@pytest.fixture
def directory(world: dict[str, Tenant]) -> dict[str, Any]:
    """Council A publishes the demo's directory (its partners and services) beside the world's own service;
    council B publishes its own. Around them: an organisation A does not work with, a partner whose link
    ended, A's own service with an email address, a service that has ended and one not yet started."""
    a, b = world["A"], world["B"]
    today = timezone.localdate()
    providers: dict[str, Organisation] = {}
    for provider_name, name, kind, needs, area, (low, high), send_ok, leavers, wait in SERVICES:
        if provider_name not in providers:
            providers[provider_name] = PartnerFactory(
                name=provider_name, kind=KINDS[provider_name], councils=[a.council]
            )
        Service.objects.create(
            provider=providers[provider_name],
            name=name,
            kind=kind,
            needs_met=needs,
            area=area,
            min_age=low,
            max_age=high,
            send_suitable=send_ok,
            care_leavers_only=leavers,
            typical_wait_days=wait,
            active_from=today - datetime.timedelta(days=400),
            description=f"{name}, run by {provider_name}.",
            contact_name="Morag Pettigrew-Staff",
            contact_phone="01632 960001",
        )
    own = Service.objects.create(
        provider=a.council,
        name="Care leavers' apprenticeships at the council",
        kind=Service.Kind.APPRENTICESHIP,
        area="Town hall",
        care_leavers_only=True,
        contact_email="apprenticeships@alderley.example",
        active_from=today - datetime.timedelta(days=30),
    )
    ended = Service.objects.create(
        provider=a.partner,
        name="Summer work taster (ended)",
        kind=Service.Kind.VOLUNTEERING,
        area="Citywide",
        active_from=today - datetime.timedelta(days=300),
        active_to=today - datetime.timedelta(days=10),
    )
    future = Service.objects.create(
        provider=a.partner,
        name="Spring traineeship (not started)",
        kind=Service.Kind.TRAINEESHIP,
        area="Citywide",
        active_from=today + datetime.timedelta(days=10),
    )
    stranger = PartnerFactory(name="Unlinked Learning", kind=Organisation.Kind.CHARITY)
    Service.objects.create(
        provider=stranger, name="Not in the network", kind="mentoring", area="Anywhere", active_from=today
    )
    former = PartnerFactory(name="Former Partner Ltd", kind=Organisation.Kind.CHARITY, councils=[a.council])
    Partnership.objects.filter(partner=former).update(status=Partnership.Status.ENDED)
    Service.objects.create(provider=former, name="Link ended", kind="mentoring", area="Anywhere", active_from=today)
    feed_publish(council=a.council, slug="alderley")
    feed_publish(council=b.council, slug="brockmoor")
    expected = {name for _, name, *_ in SERVICES} | {a.service.name, own.name, ended.name, future.name}  # type: ignore[union-attr]
    return {"tenant": a, "other": b, "own": own, "ended": ended, "future": future, "expected": expected}


def url(name: str, slug: str = "alderley", **kwargs: str) -> str:
    return reverse(f"oruk:{name}", kwargs={"council": slug, **kwargs})


def get(client: Client, path: str, **params: Any) -> Any:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def all_services(client: Client, slug: str = "alderley", **params: Any) -> list[dict[str, Any]]:
    return get(client, url("services", slug), per_page=100, **params)["contents"]


def walk_every_endpoint(client: Client, slug: str = "alderley") -> list[Any]:
    """Every answer of the feed (all nine endpoints, every record), each checked against the schema."""
    answers: list[Any] = []
    root = get(client, url("root", slug))
    check_root(root)
    services = get(client, url("services", slug), per_page=100)
    check_page(services, "service")
    answers += [root, services]
    for service in services["contents"]:
        full = get(client, url("service", slug, service_id=service["id"]))
        check(full, "service")
        answers.append(full)
        for at_location in full.get("service_at_locations", []):
            nested = get(client, url("service-at-location", slug, service_at_location_id=at_location["id"]))
            check(nested, "service")
    at_locations = get(client, url("service-at-locations", slug), per_page=100)
    check_page(at_locations, "service_at_location")
    taxonomies = get(client, url("taxonomies", slug))
    check_page(taxonomies, "taxonomy")
    for taxonomy in taxonomies["contents"]:
        whole = get(client, url("taxonomy", slug, taxonomy_id=taxonomy["id"]))
        check(whole, "taxonomy")
        answers.append(whole)
    terms = get(client, url("taxonomy-terms", slug), per_page=100)
    check_page(terms, "taxonomy_term")
    for term in terms["contents"]:
        check(get(client, url("taxonomy-term", slug, term_id=term["id"])), "taxonomy_term")
    return [*answers, at_locations, taxonomies, terms]


def test_every_endpoint_answers_anonymously_with_valid_oruk(directory: dict[str, Any], client: Client) -> None:
    """Without signing in, each of the nine endpoints answers JSON that the ORUK 3.0 schema accepts."""
    answers = walk_every_endpoint(client)
    assert answers[0] == {
        "version": "HSDS-UK-3.0",
        "profile": "https://openreferraluk.org/developers/api",
        "openapi_url": "https://openreferraluk.org/specifications/3.0/openapi.json",
    }
    assert answers[1]["total_items"] == len(directory["expected"])


def test_the_directory_is_the_councils_and_its_partners_services_only(
    directory: dict[str, Any], client: Client
) -> None:
    """A's feed holds A's network's services; B's, an unlinked organisation's and an ended link's never appear."""
    names = {service["name"] for service in all_services(client)}
    assert names == directory["expected"]
    other = {service["name"] for service in all_services(client, "brockmoor")}
    assert other == {directory["other"].service.name}
    assert not names & other
    b_service_id = mapping.service_id(directory["other"].council, directory["other"].service)
    assert client.get(url("service", service_id=b_service_id)).status_code == 404


def test_a_service_maps_to_oruk_fields(directory: dict[str, Any], client: Client) -> None:
    """Provider to organization, where it runs to a location, ages, type, eligibility and needs to terms."""
    own = directory["own"]
    council = directory["tenant"].council
    service = get(client, url("service", service_id=mapping.service_id(council, own)))
    assert service["name"] == own.name
    assert service["status"] == "active"
    assert service["email"] == "apprenticeships@alderley.example"
    assert (service["minimum_age"], service["maximum_age"]) == (16, 25)
    assert service["organization"]["name"] == council.name
    assert service["organization_id"] == service["organization"]["id"]
    [at_location] = service["service_at_locations"]
    assert at_location["location"] == {
        "id": mapping.location_id(council, "Town hall"),
        "location_type": "physical",
        "name": "Town hall",
        "description": f"Where {council.name} runs services: Town hall.",
    }
    assert service["service_areas"][0]["name"] == "Town hall"
    terms = {attribute["taxonomy_term"]["name"] for attribute in service["attributes"]}
    assert terms == {"Apprenticeship programme", "Ages 16 to 17", "Ages 18 to 21", "Ages 22 to 25", "Care leavers only"}
    assert all(attribute["link_id"] == service["id"] for attribute in service["attributes"])
    by_name = {s["name"]: s for s in all_services(client)}
    assert by_name[directory["ended"].name]["status"] == "defunct"
    assert by_name[directory["future"].name]["status"] == "inactive"


def test_the_feed_never_says_who_the_contact_is_nor_capacity(directory: dict[str, Any], client: Client) -> None:
    """A service's contact person and phone number stay in Onward; only a service email is published."""
    body = json.dumps(walk_every_endpoint(client))
    assert "Morag Pettigrew-Staff" not in body
    assert "01632 960001" not in body
    assert "typical_wait" not in body


def test_ids_are_uuids_that_do_not_change_between_calls(directory: dict[str, Any], client: Client) -> None:
    """The same record has the same id on every call; ids are UUIDs, not database keys."""
    first = all_services(client)
    second = all_services(client)
    assert [s["id"] for s in first] == [s["id"] for s in second]
    assert [s["organization"]["id"] for s in first] == [s["organization"]["id"] for s in second]
    for service in first:
        assert uuid.UUID(service["id"]).version == 5
    assert len({s["id"] for s in first}) == len(first)
    terms_a = get(client, url("taxonomy-terms"), per_page=100)["contents"]
    terms_b = get(client, url("taxonomy-terms", "brockmoor"), per_page=100)["contents"]
    assert terms_a == terms_b, "a taxonomy is the same in every council's feed"


def test_paging(directory: dict[str, Any], client: Client) -> None:
    """Pages of per_page services, with ORUK's paging fields; together they hold every service once."""
    total = len(directory["expected"])
    seen: list[str] = []
    pages = -(-total // 3)
    for number in range(1, pages + 1):
        page = get(client, url("services"), page=number, per_page=3)
        check_page(page, "service")
        assert (page["total_items"], page["total_pages"], page["page_number"], page["size"]) == (
            total,
            pages,
            number,
            3,
        )
        assert page["first_page"] == (number == 1)
        assert page["last_page"] == (number == pages)
        assert page["empty"] is False
        seen += [service["id"] for service in page["contents"]]
    assert len(seen) == len(set(seen)) == total
    beyond = get(client, url("services"), page=pages + 1, per_page=3)
    assert (beyond["contents"], beyond["empty"], beyond["last_page"]) == ([], True, True)
    default = get(client, url("services"))
    assert (default["size"], default["page_number"]) == (50, 1)
    terms = get(client, url("taxonomy-terms"), per_page=5, page=2)
    check_page(terms, "taxonomy_term")
    assert len(terms["contents"]) == 5
    assert terms["total_items"] == len(mapping.TERMS)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "0"}, "page must be a whole number 1 or more"),
        ({"page": "two"}, "page must be a whole number 1 or more"),
        ({"per_page": "101"}, "per_page must be a whole number from 1 to 100"),
        ({"per_page": "-1"}, "per_page must be a whole number from 1 to 100"),
        ({"modified_after": "last Tuesday"}, "modified_after must be a date and time, like 2026-01-31T09:00:00Z"),
        (
            {"modified_after": "0001-01-01T00:00:00+05:00"},
            "modified_after must be a date and time, like 2026-01-31T09:00:00Z",
        ),
        ({"modified_after": "2026-13-45"}, "modified_after must be a date and time, like 2026-01-31T09:00:00Z"),
        ({"page": "9" * 5000}, "page must be a whole number 1 or more"),
    ],
)
def test_bad_parameters_get_a_clear_json_error(
    directory: dict[str, Any], client: Client, params: dict[str, str], message: str
) -> None:
    """A bad page, page size or date answers 400 with what is wrong, still open to any origin."""
    response = client.get(url("services"), params)
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {"status": 400, "title": "Bad request", "detail": message}


def test_modified_after(directory: dict[str, Any], client: Client) -> None:
    """Only services changed on or after the moment, or whose provider changed since, are listed."""
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Service.objects.update(updated_at=long_ago)
    Organisation.objects.update(updated_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).replace(microsecond=0)
    assert all_services(client, modified_after=since.isoformat()) == []
    own = directory["own"]
    Service.objects.filter(pk=own.pk).update(updated_at=timezone.now())
    changed = all_services(client, modified_after=since.isoformat())
    assert [s["name"] for s in changed] == [own.name]
    assert datetime.datetime.fromisoformat(changed[0]["last_modified"]) >= since
    partner = directory["tenant"].partner
    Organisation.objects.filter(pk=partner.pk).update(name="Renamed Trust", updated_at=timezone.now())
    changed_names = {s["name"] for s in all_services(client, modified_after=since.isoformat().replace("+00:00", "Z"))}
    assert changed_names == {own.name, *Service.objects.filter(provider=partner).values_list("name", flat=True)}
    every = all_services(client, modified_after=(long_ago - datetime.timedelta(days=1)).date().isoformat())
    assert len(every) == len(directory["expected"])
    assert len(get(client, url("service-at-locations"), modified_after=since.isoformat())["contents"]) == len(
        changed_names
    )


@pytest.mark.parametrize(
    "path",
    [
        url("root", "nowhere"),
        url("services", "nowhere"),
        url("service", service_id="59cff8af-be5c-4dc7-854f-ee53091e7fe6"),
        url("service", service_id="42"),
        url("service-at-location", service_at_location_id="7fb431c2-b7a2-4586-b324-fab297d3a93b"),
        url("taxonomy", taxonomy_id="71685a8b-2b69-4246-80e2-4f3adc568ab1"),
        url("taxonomy-term", term_id="not-a-term"),
    ],
)
def test_unknown_council_or_record_is_404(directory: dict[str, Any], client: Client, path: str) -> None:
    """A council that publishes no feed, or a record the feed does not hold, answers 404 in JSON."""
    response = client.get(path)
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["title"] == "Not found"


def test_a_council_that_has_not_published_answers_404(world: dict[str, Tenant], client: Client) -> None:
    """No feed until the council's directory is published."""
    assert client.get(url("services", "alderley")).status_code == 404
    feed_publish(council=world["A"].council, slug="alderley")
    assert client.get(url("services", "alderley")).status_code == 200


def test_the_feed_never_carries_a_young_persons_data(directory: dict[str, Any], client: Client) -> None:
    """A world with young people, referrals, sends and feedback: nothing of theirs is in any answer."""
    tenants: list[Tenant] = [directory["tenant"], directory["other"]]
    for given, tenant in zip(("Ysoldabeth", "Quorrinda"), tenants, strict=True):
        # A given name alone ("Ben") can be part of a word the feed carries ("Benefits"): these cannot.
        YoungPerson.objects.filter(pk=tenant.person.pk).update(legal_given_name=given)  # type: ignore[union-attr]
        tenant.person.refresh_from_db()  # type: ignore[union-attr]
        Feedback.objects.create(
            service=tenant.service,
            person=tenant.person,
            rating=Feedback.Rating.GOOD,
            comment="Zebedee-Quillfeather liked the sessions",
            given_on=timezone.localdate(),
            recorded_by=tenant.users["personal_adviser"],
        )
        tenant.referral.preferences = "Prefers mornings near Quillfeather Road"  # type: ignore[union-attr]
        tenant.referral.save()  # type: ignore[union-attr]
    body = json.dumps(walk_every_endpoint(client) + walk_every_endpoint(client, "brockmoor"))
    for tenant in tenants:
        person = tenant.person
        assert person is not None
        for value in (
            person.legal_given_name,
            person.legal_family_name,
            person.child_id,
            person.date_of_birth.isoformat(),
        ):
            assert value not in body
        for user in tenant.users.values():
            assert user.email not in body
            assert f"{user.given_name} {user.family_name}" not in body
    assert "Quillfeather" not in body
    for word in ("referral", "person", "feedback", "consent"):
        assert f'"{word}' not in body, f"a field named {word}... is in the feed"


def test_answers_are_cacheable_for_anonymous_visitors(directory: dict[str, Any], client: Client) -> None:
    """Public caching with an ETag; a cache asking again with the ETag gets 304 Not Modified."""
    response = client.get(url("services"))
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
    again = client.get(url("services"), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"
    assert client.get(url("services"), headers={"If-None-Match": f'"x", W/{response["ETag"]}'}).status_code == 304
    assert client.get(url("services"), headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_query_counts_do_not_grow_with_the_directory(
    directory: dict[str, Any], client: Client, django_assert_num_queries: Any
) -> None:
    """The feed (1 query), then the count and the page: the same however many services there are."""
    tenant = directory["tenant"]
    service_id = mapping.service_id(tenant.council, directory["own"])
    for _ in range(2):
        with django_assert_num_queries(3):
            get(client, url("services"), per_page=100)
        with django_assert_num_queries(3):
            get(client, url("service-at-locations"), per_page=100)
        with django_assert_num_queries(3):
            get(client, url("service", service_id=service_id))
        with django_assert_num_queries(1):
            get(client, url("taxonomy-terms"))
        with django_assert_num_queries(1):
            get(client, url("root"))
        for i in range(20):
            Service.objects.create(
                provider=tenant.partner,
                name=f"Extra course {i}",
                kind="college_course",
                area=f"Campus {i}",
                active_from=timezone.localdate(),
            )


def test_publishing_keeps_the_address_and_is_audited(world: dict[str, Tenant]) -> None:
    """Publishing twice keeps the first address; the audit trail records it; only a council publishes."""
    from django.core.exceptions import ValidationError

    from onward.audit.models import AuditEvent

    council = world["A"].council
    feed = feed_publish(council=council)
    assert feed.slug == "alderley-borough-council"
    assert feed_publish(council=council, slug="other").slug == "alderley-borough-council"
    assert Feed.objects.filter(council=council).count() == 1
    assert AuditEvent.objects.filter(council=council, object_type="oruk.Feed").count() == 1
    with pytest.raises(ValidationError):
        feed_publish(council=world["A"].partner)


def test_the_publish_command(world: dict[str, Tenant]) -> None:
    """The operator publishes a council's feed by name and is told its address; an unknown name is refused."""
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("publish_oruk_feed", council=world["B"].council.name, slug="brock", stdout=out)
    assert "http://127.0.0.1:8000/oruk/brock/" in out.getvalue()
    with pytest.raises(CommandError, match="no council called"):
        call_command("publish_oruk_feed", council=world["B"].partner.name)


def test_the_councils_page_gives_the_feed_address(directory: dict[str, Any], signed_in: Any) -> None:
    """Council staff see where their directory is published; the directory page links to it."""
    tenant = directory["tenant"]
    client = signed_in(tenant.users["triage_coordinator"])
    page = client.get(reverse("oruk:about")).content.decode()
    assert "http://testserver/oruk/alderley/" in page
    assert reverse("oruk:about") in client.get(reverse("referrals:directory")).content.decode()


def test_the_page_says_when_nothing_is_published(world: dict[str, Tenant], signed_in: Any) -> None:
    client = signed_in(world["A"].users["personal_adviser"])
    assert "not published in Open Referral UK yet" in client.get(reverse("oruk:about")).content.decode()


@pytest.mark.django_db
def test_the_demo_directory_is_published_and_valid(client: Client) -> None:
    """``load_demo`` publishes Wexbridge's directory at /oruk/wexbridge/: every endpoint answers
    anonymously with valid ORUK, and none of the demo's young people is in it."""
    from django.core.management import call_command

    from onward.people.models import YoungPerson

    call_command("load_demo", "--quiet")
    answers = walk_every_endpoint(client, "wexbridge")
    assert answers[1]["total_items"] >= len(SERVICES)
    body = json.dumps(answers)
    for given, family, child_id in YoungPerson.objects.values_list("legal_given_name", "legal_family_name", "child_id"):
        assert f"{given} {family}" not in body
        assert f'"{child_id}"' not in body


def test_a_browsers_preflight_is_answered(directory: dict[str, Any], client: Client) -> None:
    """Another site's script sending If-None-Match asks first (OPTIONS): the feed allows it; nothing else is allowed."""
    response = client.options(url("services"))
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert client.post(url("services")).status_code == 405
    assert client.get(url("services"))["Access-Control-Expose-Headers"] == "ETag"


def test_filter_by_taxonomy_term_matches_the_terms_each_service_carries(
    directory: dict[str, Any], client: Client
) -> None:
    """For every term, ?taxonomy_term_id= lists exactly the services whose attributes carry that term."""
    tagged: dict[str, set[str]] = {term.id: set() for term in mapping.TERMS}
    for service in all_services(client):
        full = get(client, url("service", service_id=service["id"]))
        for attribute in full.get("attributes", []):
            tagged[attribute["taxonomy_term_id"]].add(service["id"])
    assert any(tagged.values())
    for term in mapping.TERMS:
        listed = {s["id"] for s in all_services(client, taxonomy_term_id=term.id)}
        assert listed == tagged[term.id], term.name
    for taxonomy in mapping.TAXONOMIES:
        listed = {s["id"] for s in all_services(client, taxonomy_id=taxonomy.id)}
        assert listed == set().union(*(tagged[t.id] for t in mapping.TERMS if t.taxonomy == taxonomy.code))
    assert all_services(client, taxonomy_term_id=str(uuid.uuid4())) == []
    assert all_services(client, taxonomy_id="nonsense") == []


def test_filter_by_age_and_organization(directory: dict[str, Any], client: Client) -> None:
    """minimum_age: services starting at that age or older; maximum_age: ending at it or younger;
    organization_id: one provider's services."""
    every = all_services(client)
    assert 0 < len(all_services(client, minimum_age=19)) < len(every)
    assert 0 < len(all_services(client, maximum_age=21)) < len(every)
    assert {s["id"] for s in all_services(client, minimum_age=19)} == {s["id"] for s in every if s["minimum_age"] >= 19}
    assert {s["id"] for s in all_services(client, maximum_age=21)} == {s["id"] for s in every if s["maximum_age"] <= 21}
    council = directory["tenant"].council
    own = all_services(client, organization_id=mapping.organisation_id(council, council))
    assert [s["name"] for s in own] == [directory["own"].name]
    assert all_services(client, organization_id=str(uuid.uuid4())) == []
    response = client.get(url("services"), {"minimum_age": "old"})
    assert response.status_code == 400
    assert response.json()["detail"] == "minimum_age must be an age in years, like 18"
    assert client.get(url("services"), {"maximum_age": "nan"}).status_code == 400
