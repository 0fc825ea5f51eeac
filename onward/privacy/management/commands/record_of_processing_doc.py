"""Rewrite the generated record of processing in docs/privacy.md (between its markers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from onward.privacy.processing import replace_generated


class Command(BaseCommand):
    help = "Regenerate the record of processing in docs/privacy.md from the models, roles and rules."

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "privacy.md"
        path.write_text(replace_generated(path.read_text()))
        self.stdout.write(f"Wrote {path}")
