"""Create a council (a new tenant) and its first administrator; print their set-password link."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from onward.accounts import services


class Command(BaseCommand):
    help = "Create a council and its first administrator, and print the administrator's set-password link."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", required=True, help="The council's name, for example 'Wexbridge City Council'.")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-given-name", required=True)
        parser.add_argument("--admin-family-name", required=True)
        parser.add_argument(
            "--domain",
            action="append",
            default=[],
            help="One of the council's own email domains, verified by the Onward service team (repeatable).",
        )
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Where the service is reached.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                council = services.council_create(name=options["name"])
                for domain in options["domain"]:
                    services.organisation_domain_add(
                        organisation=council, domain=domain, note="Given when the council was created"
                    )
                admin = services.user_create(
                    acting_user=None,
                    organisation=council,
                    email=options["admin_email"],
                    given_name=options["admin_given_name"],
                    family_name=options["admin_family_name"],
                    role_keys={"administrator"},
                )
                link = services.user_set_password_link(acting_user=None, user=admin)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {council.name} with administrator {admin.email}"))
        self.stdout.write(f"Give them this set-password link: {options['base_url'].rstrip('/')}{link}")
