"""Give a partner organisation an administrator (or a new link for one); print the set-password link.

For the platform operator: organisations that joined before partner administrators existed, and a
first administrator whose link expired before they used it (ADR 14).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from onward.accounts import services
from onward.accounts.models import Organisation, User


class Command(BaseCommand):
    help = "Add a partner administrator to a partner organisation (or reissue their link) and print the link."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organisation", required=True, help="The partner organisation's exact name.")
        parser.add_argument("--email", required=True)
        parser.add_argument("--given-name", default="")
        parser.add_argument("--family-name", default="")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Where the service is reached.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(name__iexact=options["organisation"].strip()).first()
        if organisation is None or organisation.is_council:
            raise CommandError("No partner organisation has that name")
        try:
            with transaction.atomic():
                user = User.objects.filter(email__iexact=options["email"].strip(), organisation=organisation).first()
                if user is None:
                    user = services.user_create(
                        acting_user=None,
                        organisation=organisation,
                        email=options["email"],
                        given_name=options["given_name"],
                        family_name=options["family_name"],
                        role_keys={"partner_administrator"},
                    )
                elif "partner_administrator" not in user.role_keys:
                    raise CommandError(f"{user.email} is not a partner administrator of {organisation.name}")
                link = services.user_set_password_link(acting_user=None, user=user)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"{user.email} is a partner administrator of {organisation.name}"))
        self.stdout.write(f"Give them this set-password link: {options['base_url'].rstrip('/')}{link}")
