"""Who may read what in the Open Referral UK feed: anyone, a published council's directory, nothing else.

The feed is open (no sign-in), so this policy has no user: it says which records a council's feed
may show. Those are directory records only, services and the organisations that provide them,
never a referral, a send, feedback or anything else that names a young person. A council's
directory is what its own staff see in theirs: the services of the council and of the partners it
has a live link with (``accounts.access.partner_ids``, ADR 14).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from onward.accounts import access as accounts_access
from onward.accounts.models import Organisation
from onward.oruk.models import Feed
from onward.referrals.models import Service


def access_feed(slug: str) -> Feed:
    """The published feed at ``/oruk/<slug>/``; 404 when no council publishes there."""
    try:
        return Feed.objects.select_related("council").get(slug=slug, council__kind=Organisation.Kind.COUNCIL)
    except Feed.DoesNotExist:
        raise Http404 from None


def services_published_by(council: Organisation) -> QuerySet[Service]:
    """Every service in the council's published directory, with its provider, in name order."""
    return (
        Service.objects.filter(Q(provider=council) | Q(provider_id__in=accounts_access.partner_ids(council)))
        .select_related("provider")
        .order_by("name", "pk")
    )
