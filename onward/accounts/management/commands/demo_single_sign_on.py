"""The demo's single sign-on: connect the second demo council to a local OpenID Connect provider.

``--connect`` (after ``load_demo``) connects Harrowfield County Council and prints the steps;
``--serve`` runs the local provider on 127.0.0.1:8001 until stopped. ``make demo`` does both. Like
``load_demo``, it refuses production settings and databases holding other councils.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onward.accounts.demo import (
    DEMO_OIDC_SECRET,
    DEMO_OIDC_SECRET_ENV,
    demo_identity_provider,
    demo_local_provider,
    demo_sso_steps,
)
from onward.accounts.models import IdentityProvider
from onward.core.management.commands.load_demo import OTHER_COUNCIL, demo_refusal


class Command(BaseCommand):
    help = "Connect the demo's second council to a local OpenID Connect provider, print the steps, or serve it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--connect", action="store_true", help="Connect the council and print the steps.")
        parser.add_argument("--serve", action="store_true", help="Run the local provider until stopped.")

    def handle(self, *args: Any, **options: Any) -> None:
        refusal = demo_refusal()
        if refusal:
            raise CommandError(refusal.replace("The demo was not loaded", "The demo's single sign-on was not set up"))
        if not options["connect"] and not options["serve"]:
            raise CommandError("Say --connect, --serve or both.")
        if options["connect"]:
            provider = demo_identity_provider()
            for line in demo_sso_steps(provider):
                self.stdout.write(line)
        if options["serve"]:
            connected = (
                IdentityProvider.objects.select_related("organisation").filter(organisation__name=OTHER_COUNCIL).first()
            )
            if connected is None:
                raise CommandError("Run with --connect first (after load_demo).")
            secret = os.environ.get(DEMO_OIDC_SECRET_ENV, DEMO_OIDC_SECRET)
            demo_local_provider(connected, secret=secret).serve_forever()
