"""The Onward service team records which email domains are an organisation's own (audited).

    manage.py organisation_domains list [--organisation NAME]
    manage.py organisation_domains add --organisation NAME --domain example.gov.uk --note "how it was verified"
    manage.py organisation_domains remove --organisation NAME --domain example.gov.uk

An organisation's administrator cannot do this in the app: an identity provider may allow only
its organisation's verified domains, and sign-in is routed by them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from onward.accounts import services
from onward.accounts.models import Organisation, OrganisationDomain


class Command(BaseCommand):
    help = "List, add or remove an organisation's verified email domains (the Onward service team's job)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["list", "add", "remove"])
        parser.add_argument("--organisation", default="", help="The organisation's name, exactly as in Onward.")
        parser.add_argument("--domain", default="", help="The email domain, for example wexbridge.gov.uk.")
        parser.add_argument("--note", default="", help="How the domain was verified (kept in the record and trail).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list(options["organisation"])
            return
        if not options["organisation"] or not options["domain"]:
            raise CommandError("Give the --organisation and the --domain")
        organisation = Organisation.objects.filter(name__iexact=options["organisation"].strip()).first()
        if organisation is None:
            raise CommandError(f"No organisation is called {options['organisation']!r}")
        try:
            if options["action"] == "add":
                record = services.organisation_domain_add(
                    organisation=organisation, domain=options["domain"], note=options["note"]
                )
                self.stdout.write(self.style.SUCCESS(f"{record.domain} is now {organisation.name}'s email domain"))
            else:
                services.organisation_domain_remove(organisation=organisation, domain=options["domain"])
                self.stdout.write(self.style.SUCCESS(f"{options['domain']} is no longer {organisation.name}'s"))
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        except IntegrityError as error:  # the same domain recorded at the same moment by another command
            raise CommandError(
                "The domain was recorded by someone else at the same time: list and try again"
            ) from error

    def _list(self, name: str) -> None:
        records = OrganisationDomain.objects.select_related("organisation").order_by("organisation__name", "domain")
        if name:
            records = records.filter(organisation__name__iexact=name.strip())
        for record in records:
            self.stdout.write(
                f"{record.organisation.name}\t{record.domain}\t{record.get_source_display()}"
                + (f"\t{record.note}" if record.note else "")
            )
