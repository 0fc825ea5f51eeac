"""Write docs/permissions.md from the permission catalogue (or check it is up to date)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from onward.accounts.permissions import render_permissions_doc


class Command(BaseCommand):
    help = "Write docs/permissions.md from onward/accounts/permissions.py."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the file is out of date; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "permissions.md"
        text = render_permissions_doc()
        if options["check"]:
            if not path.exists() or path.read_text() != text:
                raise CommandError("docs/permissions.md is out of date: run python manage.py permissions_doc")
            return
        path.write_text(text)
        self.stdout.write(f"Wrote {path}")
