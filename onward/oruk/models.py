"""A council's published Open Referral UK feed: the address its directory is published at."""

from __future__ import annotations

from django.db import models

from onward.core.models import TimeStampedModel


class Feed(TimeStampedModel):
    """A council publishes its provision directory at ``/oruk/<slug>/``.

    The slug is the council's public name in the feed's address: chosen once, it does not change
    when the council is renamed, so consumers' saved addresses keep working. A council with no feed
    publishes nothing (its address answers 404).
    """

    council = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="oruk_feed",
        limit_choices_to={"kind": "council"},
    )
    slug = models.SlugField(
        max_length=60, unique=True, help_text="The council's name in the feed's address, for example wexbridge"
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"Open Referral UK feed of {self.council} at /oruk/{self.slug}/"
