"""The demo gives young people their own page and says how to sign in; each code shows in the console."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from onward.portal.demo import load_demo, load_portal_demo
from onward.portal.models import PortalAccount

pytestmark = pytest.mark.django_db


def test_the_demo_gives_young_people_their_own_page(world) -> None:
    a = world["A"]
    load_demo(a.council)
    sign_ins = load_demo(a.council)  # idempotent, and says how to sign in each time
    assert PortalAccount.objects.filter(person__council=a.council).count() == 1  # the tenant has one young person
    assert "/my/sign-in/" in sign_ins[0][0] and sign_ins[0][1] == "young.person1@wexbridge.example"
    assert sign_ins[-1][1] == f"/local-offer/{a.council.pk}/"
    # Their rating of the service they were referred to, shared with the partner, shows on the partner's page.
    from onward.portal.models import Statement

    (rating,) = Statement.objects.filter(kind="service_feedback", person=a.person)
    assert rating.send == a.send and rating.shared_with_service


@override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
def test_each_code_appears_in_the_console(world, client, capsys, django_capture_on_commit_callbacks) -> None:
    load_portal_demo(world["A"].council)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("my:sign-in"), {"email": "young.person1@wexbridge.example"})
    out = capsys.readouterr().out
    assert "Your sign-in code is" in out
