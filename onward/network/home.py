"""What the network app adds to the young person's page (registered in ``NetworkConfig.ready``)."""

from __future__ import annotations

import datetime

from onward.accounts.models import User
from onward.core.contributions import PageSection
from onward.people.models import YoungPerson


def person_network(user: User, person: YoungPerson, day: datetime.date) -> PageSection | None:
    """Links to the young person's schools and colleges, and their benefits and work coach."""
    return PageSection("network/_person_section.html", {})
