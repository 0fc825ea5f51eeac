"""The page shell, the role home pages, health check, security headers, logs and commands."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from onward.accounts.models import Organisation, User
from onward.accounts.permissions import ROLES, render_permissions_doc
from onward.audit.models import AuditEvent
from onward.core.logging import RequestContextFilter
from onward.portal.models import PortalAccount


@pytest.mark.django_db
def test_healthz_reports_whether_the_database_answers(client: Client) -> None:
    """/healthz is public: 200 while the database answers, 503 when it does not."""
    assert client.get("/healthz").json() == {
        "status": "ok",
        "database": "ok",
        "tasks": {"status": "ok", "waiting": 0, "running": 0, "stuck": 0},
    }
    with mock.patch("onward.core.health.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def _database_down() -> mock._patch:  # type: ignore[type-arg]
    """Every new use of the database fails, as it does when the server has stopped."""
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    return mock.patch.object(
        BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("connection refused")
    )


@pytest.mark.django_db
def test_healthz_says_the_database_is_down_to_a_signed_in_browser_too(world, signed_in) -> None:  # type: ignore[no-untyped-def]
    """With a session cookie the session and sign-in middleware would need the database first: the
    health check answers before them, 503 naming the database, never a 500."""
    client = signed_in(world["A"].users["personal_adviser"])
    client.raise_request_exception = False
    with _database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_error_page_needs_no_database(world, signed_in) -> None:  # type: ignore[no-untyped-def]
    """A signed-in user whose page fails because the database is down gets Onward's own static page
    saying the service is unavailable (503, try again later), the file the proxy serves too."""
    from onward.core.views import ERROR_PAGES

    client = signed_in(world["A"].users["personal_adviser"])
    client.raise_request_exception = False
    with _database_down():
        response = client.get(reverse("people:caseload"))
    assert response.status_code == 503
    assert response.content == (ERROR_PAGES / "503.html").read_bytes()
    assert "Sorry, the service is unavailable" in response.content.decode()
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_any_other_failure_gets_the_static_500_page(world, signed_in) -> None:  # type: ignore[no-untyped-def]
    """A fault that is not the database answers 500 with the static page, not the 503."""
    from onward.core.views import ERROR_PAGES

    client = signed_in(world["A"].users["personal_adviser"])
    client.raise_request_exception = False
    with mock.patch("onward.people.views.selectors.people_in_scope", side_effect=RuntimeError("a bug")):
        response = client.get(reverse("people:caseload"))
    assert response.status_code == 500
    assert response.content == (ERROR_PAGES / "500.html").read_bytes()
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_pages_send_a_nonce_csp_and_the_inline_script_carries_the_nonce(client: Client) -> None:
    """The CSP allows scripts only from the site or with this response's nonce."""
    response = client.get(reverse("accounts:sign-in"))
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)  # type: ignore[union-attr]
    assert "script-src 'self' 'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_shell_has_a_skip_link_phase_banner_and_footer(client: Client) -> None:
    """Every page has the skip link, the generic header (no crown), phase banner and footer links."""
    content = client.get(reverse("accounts:sign-in")).content.decode()
    assert '<a href="#main-content" class="govuk-skip-link"' in content
    assert "govuk-generic-header" in content
    assert "govuk-header__logotype" not in content
    assert "govuk-phase-banner" in content
    assert re.search(r"<footer class=\"govuk-footer\">.*Accessibility statement.*Cookies.*</footer>", content, re.S)


def test_unknown_pages_and_forbidden_pages_use_govuk_error_pages(world, signed_in) -> None:
    """A missing page says 'Page not found'; a page the role cannot use says so."""
    client = signed_in(world["A"].users["personal_adviser"])
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert "Page not found" in missing.content.decode()
    forbidden = client.get(reverse("accounts:user-list"))
    assert forbidden.status_code == 403
    assert "You do not have permission to view this page" in forbidden.content.decode()


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.key)
def test_each_role_home_page_shows_what_that_role_works_on(role, world, signed_in) -> None:
    """The home page describes the user's roles and links only pages their roles allow."""
    user = world["A"].users[role.key]
    content = signed_in(user).get(reverse("core:home")).content.decode()
    assert role.summary.replace("'", "&#x27;") in content
    administrators = ("administrator", "partner_administrator")
    assert (reverse("accounts:user-list") in content) == (role.key in administrators)
    assert (reverse("audit:event-list") in content) == (role.key in administrators)
    assert (world["A"].council.name in content) == user.is_council_staff
    assert world["A"].team.name in content or not user.is_council_staff


def test_a_user_with_several_roles_sees_each(world, signed_in) -> None:
    """Roles add up: a manager who is also a plan lead sees both on their home page."""
    from django.contrib.auth.models import Group

    user = world["A"].users["team_manager"]
    user.groups.add(Group.objects.get(name="plan_lead"))
    content = signed_in(user).get(reverse("core:home")).content.decode()
    assert "Team manager" in content
    assert "Plan lead officer" in content


def test_docs_permissions_page_matches_the_catalogue(settings) -> None:
    """docs/permissions.md is generated from the code and kept in step with it."""
    path = settings.BASE_DIR / "docs" / "permissions.md"
    assert path.read_text() == render_permissions_doc()


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_prints_a_sign_in_for_each_role() -> None:
    """Running the demo loader twice creates each record once and lists every role."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    counts = (Organisation.objects.count(), User.objects.count())
    call_command("load_demo", "--quiet")
    assert (Organisation.objects.count(), User.objects.count()) == counts
    printed = out.getvalue()
    for role in ROLES:
        assert role.name in printed
    staff_lines = [line for line in printed.splitlines() if "Young person" not in line]
    for email in re.findall(r"\S+@\S+\.example", "\n".join(staff_lines)):
        user = User.objects.get(email=email)
        assert user.check_password("onward-demo-2026")
        assert user.roles
    # the young people's own service: each printed young person has a portal account (a code, no password)
    young = re.findall(r"Young person.*?(\S+@\S+\.example)", printed)
    assert young and all(PortalAccount.objects.filter(email=email).exists() for email in young)


@pytest.mark.django_db
def test_create_council_makes_a_tenant_and_its_administrator() -> None:
    """A platform operator creates a council and gets its first administrator's set-password link."""
    out = io.StringIO()
    call_command(
        "create_council",
        "--name",
        "Fernhill District Council",
        "--admin-email",
        "Admin@Fernhill.example",
        "--admin-given-name",
        "Robin",
        "--admin-family-name",
        "Hale",
        stdout=out,
    )
    admin = User.objects.get(email="admin@fernhill.example")
    assert admin.organisation.name == "Fernhill District Council"
    assert admin.role_keys == {"administrator"}
    assert "/set-password/" in out.getvalue()
    assert AuditEvent.objects.filter(council=admin.organisation, action=AuditEvent.Action.CREATE).count() >= 2


def test_log_lines_are_json_with_the_request_id(world, signed_in) -> None:
    """Logs are one JSON object a line, carrying the request id of the request that wrote them."""
    from pythonjsonlogger.json import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        signed_in(world["A"].users["personal_adviser"]).get("/missing-page/", HTTP_X_REQUEST_ID="req-12345")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    record = json.loads(stream.getvalue().splitlines()[0])
    assert record["message"] == "Not Found: /missing-page/"
    assert record["request_id"] == "req-12345"


def test_the_500_page_stands_alone_in_govuk_style(rf) -> None:
    """The server error page renders without the database or the signed-in shell."""
    from onward.core.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    content = response.content.decode()
    assert "{%" not in content and "{{" not in content  # a static file: nothing left to fill in
    assert '<link rel="stylesheet" href="/static/vendor/css/onward.css">' in content
    assert "Sorry, there is a problem with the service" in content
    assert '<a href="#main-content" class="govuk-skip-link">' in content


def _production_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
        "s.SECURE_SSL_REDIRECT, s.DEBUG, s.ONWARD_REQUIRE_2FA]))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SECRET_KEY", "DJANGO_DEBUG")}
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.production", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_need_a_secret_key_and_secure_everything() -> None:
    """Production refuses to start without a secret key, and turns on HTTPS-only protections."""
    missing = _production_settings({})
    assert missing.returncode != 0
    assert "DJANGO_SECRET_KEY" in missing.stderr
    ok = _production_settings({"DJANGO_SECRET_KEY": "a-long-random-production-secret"})
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == [True, True, True, True, False, True]


def test_the_add_user_form_offers_only_the_administrators_own_organisation(world, signed_in) -> None:
    """New users join the administrator's own council; its partners manage their own users (ADR 14)."""
    a, b = world["A"], world["B"]
    form = signed_in(a.users["administrator"]).get(reverse("accounts:user-create")).context["form"]
    choices = list(form.fields["organisation"].queryset)
    assert choices == [a.council]
    assert b.partner not in choices


def test_the_proxy_answers_with_onwards_own_static_error_pages() -> None:
    """When HAProxy answers itself (no instance up, as when the database is down; an instance too slow
    or cut off), it serves the same static files Onward does, mounted where compose puts them."""
    import yaml

    from onward.core.views import ERROR_PAGES

    root = ERROR_PAGES.parents[2]
    config = (root / "deploy" / "haproxy.cfg").read_text()
    pages = dict(re.findall(r"^\s*http-error status (\d+) .* file (\S+)", config, re.M))
    assert set(pages) == {"502", "503", "504"}
    proxy = yaml.safe_load((root / "compose.yaml").read_text())["services"]["proxy"]
    mounts = dict(volume.rsplit(":", 2)[:2][::-1] for volume in proxy["volumes"])
    for path in pages.values():
        folder, name = path.rsplit("/", 1)
        assert (root / mounts[folder] / name).resolve() == (ERROR_PAGES / name).resolve()
    assert pages["503"].endswith("/503.html") and pages["502"].endswith("/500.html")
