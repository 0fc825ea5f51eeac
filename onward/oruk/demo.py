"""The demo council's directory, published in Open Referral UK at ``/oruk/wexbridge/``."""

from __future__ import annotations

from onward.accounts.models import Organisation
from onward.oruk.services import feed_publish


def publish_demo_feed(council: Organisation) -> None:
    feed_publish(council=council, slug="wexbridge")
