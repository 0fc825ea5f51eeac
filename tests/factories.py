"""Factories for tests: synthetic organisations, teams and users (Faker en_GB; no real people)."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group
from faker import Faker

from onward.accounts.models import Organisation, Partnership, Team, User
from onward.people.models import YoungPerson

fake = Faker("en_GB")


def plain(name: str) -> str:
    """A made-up name without an apostrophe ("O'Connor"), so that tests can look for it in a page's HTML,
    where the apostrophe is escaped."""
    return name.replace("'", "")


def double_barrelled() -> str:
    """A double-barrelled made-up family name ("Young-Hall"). A single one can be a word the product's own
    pages use ("Young", "Page", "Ward"), and a test that looks for it where it must not be would then fail
    by chance."""
    return f"{plain(fake.last_name())}-{plain(fake.last_name())}"


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"{fake.city()} Council {n}")
    kind = Organisation.Kind.COUNCIL


class PartnerFactory(factory.django.DjangoModelFactory):
    """A partner organisation; pass ``councils=[...]`` for the councils it works with (accepted links)."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"{fake.city()} College {n}")
    kind = Organisation.Kind.COLLEGE

    @factory.post_generation
    def councils(self, create: bool, extracted: list[Organisation] | None, **kwargs: object) -> None:
        for council in extracted or []:
            Partnership.objects.create(council=council, partner=self, status=Partnership.Status.ACCEPTED)


def verified_domains(organisation: Organisation, *domains: str) -> None:
    """Record email domains as the organisation's own, as the Onward service team would (idempotent)."""
    from onward.accounts.models import OrganisationDomain

    for domain in domains:
        OrganisationDomain.objects.get_or_create(domain=domain.lower(), defaults={"organisation": organisation})


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Leaving Care Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user; pass ``roles=["personal_adviser", ...]`` and ``teams=[...]``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    given_name = factory.LazyFunction(lambda: plain(fake.first_name()))
    family_name = factory.LazyFunction(double_barrelled)
    organisation = factory.SubFactory(CouncilFactory)
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        for key in extracted or []:
            group, _ = Group.objects.get_or_create(name=key)
            self.groups.add(group)

    @factory.post_generation
    def teams(self, create: bool, extracted: list[Team] | None, **kwargs: object) -> None:
        for team in extracted or []:
            self.teams.add(team)


class YoungPersonFactory(factory.django.DjangoModelFactory):
    """A synthetic young person (no care history unless you add episodes)."""

    class Meta:
        model = YoungPerson

    council = factory.SubFactory(CouncilFactory)
    child_id = factory.Sequence(lambda n: f"C{n:06d}")
    legal_given_name = factory.LazyFunction(lambda: plain(fake.first_name()))
    legal_family_name = factory.LazyFunction(double_barrelled)
    date_of_birth = factory.LazyFunction(lambda: fake.date_of_birth(minimum_age=16, maximum_age=24))
    sex = "F"
    ethnicity = "WBRI"
