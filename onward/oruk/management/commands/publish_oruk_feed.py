"""Publish a council's provision directory as an Open Referral UK feed; print its address."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from onward.accounts.models import Organisation
from onward.oruk import services


class Command(BaseCommand):
    help = "Publish a council's directory at /oruk/<slug>/ (Open Referral UK) and print the feed's address."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--council", required=True, help="The council's name, as Onward has it.")
        parser.add_argument("--slug", default="", help="Its name in the address (default: from the council's name).")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Where the service is reached.")

    def handle(self, *args: Any, **options: Any) -> None:
        council = Organisation.objects.filter(name=options["council"], kind=Organisation.Kind.COUNCIL).first()
        if council is None:
            raise CommandError(f"There is no council called {options['council']!r}.")
        try:
            feed = services.feed_publish(council=council, slug=options["slug"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"{council.name}'s directory is published at {options['base_url'].rstrip('/')}/oruk/{feed.slug}/"
        )
