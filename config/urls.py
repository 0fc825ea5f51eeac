"""Every URL of the service. Each capability app mounts its own urls.py here.

Every page needs sign-in unless its view is marked ``login_not_required``; a test walks every
pattern for every role (tests/test_url_access.py) and fails on a pattern nobody has decided about.
"""

from django.urls import include, path

urlpatterns = [
    path("", include("onward.core.urls")),
    path("", include("onward.accounts.urls")),
    path("audit/", include("onward.audit.urls")),
    path("people/", include("onward.people.urls")),
    path("returns/", include("onward.returns.urls")),
    path("referrals/", include("onward.referrals.urls")),
    path("opportunities/", include("onward.opportunities.urls")),
    path("plans/", include("onward.plans.urls")),
    path("performance/", include("onward.performance.urls")),
    path("participation/", include("onward.participation.urls")),
    path("supporters/", include("onward.supporters.urls")),
    path("finance/", include("onward.finance.urls")),  # financial support for EET (ADR 34)
    path("guides/", include("onward.guides.urls")),
    path("oruk/", include("onward.oruk.urls")),  # Open Referral UK feeds, open to all (docs/oruk.md)
    path("privacy/", include("onward.privacy.urls")),  # issue 22: data protection
    path("network/", include("onward.network.urls")),
    path("my/", include("onward.portal.my_urls")),  # the young person's own pages
    path("portal/", include("onward.portal.urls")),  # staff pages of the young people's service
    path("local-offer/", include("onward.portal.offer_urls")),  # councils' local offers, public
]

handler400 = "onward.core.views.error_400"
handler403 = "onward.core.views.error_403"
handler404 = "onward.core.views.error_404"
handler500 = "onward.core.views.error_500"

# The open API and its administration pages (ADR 27).
from onward.api.urls import api_urls  # noqa: E402

urlpatterns += [
    path("api/v1/", api_urls),
    path("integrations/", include("onward.api.urls")),
]
