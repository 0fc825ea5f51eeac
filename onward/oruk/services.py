"""Writes for the Open Referral UK feed: publishing a council's directory at an address."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from onward.accounts.models import Organisation
from onward.audit.models import AuditEvent
from onward.audit.services import audit_record
from onward.oruk.models import Feed


@transaction.atomic
def feed_publish(*, council: Organisation, slug: str = "") -> Feed:
    """Publish ``council``'s directory at ``/oruk/<slug>/`` (the slug defaults to the council's name).

    Run by the platform operator (``manage.py publish_oruk_feed``) or the demo. A council has one
    feed; publishing it again keeps the address it has, so consumers' saved addresses keep working.
    """
    if not council.is_council:
        raise ValidationError("Only a council publishes a directory feed.")
    existing = Feed.objects.filter(council=council).first()
    if existing is not None:
        return existing
    feed = Feed(council=council, slug=slugify(slug or council.name)[:60])
    feed.full_clean()
    feed.save()
    audit_record(
        actor=None,
        action=AuditEvent.Action.CREATE,
        council=council,
        obj=feed,
        summary=f"Directory published as Open Referral UK at /oruk/{feed.slug}/",
    )
    return feed
