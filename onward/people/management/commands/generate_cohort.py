"""Generate synthetic young people: `python manage.py generate_cohort --council NAME --size N --seed S`."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from onward.accounts import services as account_services
from onward.accounts.models import Organisation
from onward.core.bulk import analyze_loaded
from onward.people.generator import generate_council
from onward.people.models import YoungPerson


class Command(BaseCommand):
    help = "Generate a synthetic cohort (deterministic for a seed). --councils K spreads it over K councils."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--council", required=True)
        parser.add_argument("--size", required=True, type=int)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--councils",
            type=int,
            default=1,
            help="Spread the young people over this many councils, named NAME 001 onwards",
        )
        parser.add_argument("--replace", action="store_true", help="Delete the councils' young people first")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help="Histories reach this date (YYYY-MM-DD, today or earlier): the councils as they stood then",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size, count = options["size"], options["councils"]
        if size < 1 or count < 1:
            raise CommandError("--size and --councils must be at least 1")
        as_of = None
        if options.get("as_of"):
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError("--as-of must be a date like 2025-05-15") from None
            if as_of > timezone.localdate():
                raise CommandError("--as-of must be today or earlier: histories cannot reach the future")
        names = [options["council"]] if count == 1 else [f"{options['council']} {n:03d}" for n in range(1, count + 1)]
        started = time.perf_counter()
        totals: dict[str, int] = {}
        loaded: dict[type[Model], int] = {}  # analysed once, when every council is done
        for n, name in enumerate(names):
            council = Organisation.objects.filter(name=name, kind=Organisation.Kind.COUNCIL).first()
            if council is None:
                council = account_services.council_create(name=name)
            if YoungPerson.objects.filter(council=council).exists():
                if not options["replace"]:
                    raise CommandError(f"{name} already has young people: add --replace to generate them again")
                with transaction.atomic():
                    for model in (
                        "peps",
                        "pathway_reviews",
                        "contacts",
                        "accommodation_spells",
                        "eet_spells",
                        "episodes",
                        "allocations",
                        "aspirations",
                        "destinations",
                        "closures",
                        "support_requests",
                    ):
                        getattr(YoungPerson, model).field.model.objects.filter(person__council=council).delete()
                    YoungPerson.objects.filter(council=council).delete()
            share = size // count + (1 if n < size % count else 0)
            counts = generate_council(
                council=council, size=share, seed=options["seed"] * 1000 + n, as_of=as_of, loaded=loaded
            )
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value
        analyze_loaded(loaded)
        history = sum(v for k, v in totals.items() if k != "YoungPerson")
        self.stdout.write(
            f"Generated {totals.get('YoungPerson', 0)} young people and {history} history records "
            f"in {len(names)} council{'s' if len(names) != 1 else ''} in {time.perf_counter() - started:.1f}s"
        )
