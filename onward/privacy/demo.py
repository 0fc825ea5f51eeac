"""Demo data protection records: two subject access requests, one from the portal (synthetic people only)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from onward.accounts.models import Organisation, User
from onward.people.models import YoungPerson
from onward.privacy import services
from onward.privacy.models import SubjectAccessRequest


def load_privacy_demo(council: Organisation) -> None:
    """Once: a request made in the portal today, and one received by email 20 days ago, gathered for review."""
    if SubjectAccessRequest.objects.filter(council=council).exists():
        return
    officer = User.objects.filter(organisation=council, groups__name="data_protection_officer").first()
    people = list(YoungPerson.objects.filter(council=council).order_by("child_id")[:2])
    if officer is None or len(people) < 2:
        return
    services.subject_access_request_create(young_person=people[0], via=SubjectAccessRequest.Via.PORTAL)
    emailed = services.subject_access_request_create(
        young_person=people[1],
        via=SubjectAccessRequest.Via.EMAIL,
        received_on=timezone.localdate() - datetime.timedelta(days=20),
        logged_by=officer,
    )
    services.subject_access_gather(request=emailed, acting_user=officer)
