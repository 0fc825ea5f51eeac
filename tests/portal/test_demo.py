"""The demo gives young people their own page and says how to sign in; each code shows in the console."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from onward.portal.demo import load_portal_demo, sign_in_lines
from onward.portal.models import PortalAccount

pytestmark = pytest.mark.django_db


def test_the_demo_gives_young_people_their_own_page(world) -> None:
    a = world["A"]
    load_portal_demo(a.council)
    load_portal_demo(a.council)  # idempotent
    assert PortalAccount.objects.filter(person__council=a.council).count() == 1  # the tenant has one young person
    lines = sign_in_lines(a.council)
    assert "/my/sign-in/" in lines[0] and "young.person1@wexbridge.example" in lines[2]


@override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
def test_each_code_appears_in_the_console(world, client, capsys, django_capture_on_commit_callbacks) -> None:
    load_portal_demo(world["A"].council)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("my:sign-in"), {"email": "young.person1@wexbridge.example"})
    out = capsys.readouterr().out
    assert "Your sign-in code is" in out
