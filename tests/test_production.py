"""With production settings Onward builds its static files and serves pages.

Run in a subprocess, because the settings module is chosen when Django starts: the stylesheet's
references must all be in collectstatic's manifest, or every page that links the stylesheet
answers 500.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SERVE = r"""
import django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
client = Client(SERVER_NAME="localhost")
page = client.get("/sign-in/", secure=True)
assert page.status_code == 200, page.status_code
import re
hashed = re.search(r"/static/vendor/css/onward\.[0-9a-f]{12}\.css", page.content.decode())
assert hashed, "the sign-in page links no hashed stylesheet"
print(hashed.group())
"""


def test_production_settings_collect_static_files_and_serve_the_sign_in_page(
    tmp_path: Path, migrated_sqlite: Path
) -> None:
    """collectstatic and `check --deploy` pass with production settings, and a page is served."""
    # A copy of the run's freshly migrated database: the served page's own `migrate` finds nothing to do.
    shutil.copyfile(migrated_sqlite, tmp_path / "production.sqlite3")
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR, "manage.py"))]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [*args], capture_output=True, text=True, env=env, cwd=settings.BASE_DIR, timeout=300, check=False
        )

    collected = run(*manage, "collectstatic", "--no-input", "-v0")
    assert collected.returncode == 0, collected.stderr[-2000:]
    deploy = run(*manage, "check", "--deploy", "--fail-level", "WARNING")
    assert deploy.returncode == 0, deploy.stderr[-2000:]
    served = run(sys.executable, "-c", SERVE)
    assert served.returncode == 0, served.stderr[-2000:]
    assert served.stdout.strip().endswith(".css")


def test_each_gunicorn_worker_is_readied_before_its_first_request() -> None:
    """The worker hook in deploy/gunicorn.conf.py lays out a page, so fontconfig and WeasyPrint are
    loaded before anyone asks for a committee document; then sets what it has loaded aside from the
    garbage collector."""
    import gc
    import runpy
    from unittest import mock

    config = runpy.run_path(str(Path(settings.BASE_DIR, "deploy", "gunicorn.conf.py")))
    assert gc.get_freeze_count() == 0
    try:
        with mock.patch("weasyprint.HTML") as html:
            config["post_worker_init"](object())
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    html.return_value.write_pdf.assert_called_once_with()


READ_MAIL_SETTINGS = r"""
import json
from django.conf import settings
names = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
         "EMAIL_USE_SSL", "EMAIL_TIMEOUT", "DEFAULT_FROM_EMAIL", "SERVER_EMAIL"]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def _mail_settings(**variables: str) -> subprocess.CompletedProcess[str]:
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_EMAIL")},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "sqlite:///unused.sqlite3",
        **variables,
    }
    code = "import django; django.setup()\n" + READ_MAIL_SETTINGS
    return subprocess.run(  # noqa: S603 - our own code, fixed arguments
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=settings.BASE_DIR, timeout=120
    )


def test_the_smtp_relay_and_sender_come_from_the_environment() -> None:
    """An operator sets the relay, its credentials, TLS and the sender without changing code."""
    import json

    done = _mail_settings(
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        DJANGO_EMAIL_HOST="smtp.council.example",
        DJANGO_EMAIL_PORT="587",
        DJANGO_EMAIL_HOST_USER="onward",
        DJANGO_EMAIL_HOST_PASSWORD="relay-secret",
        DJANGO_EMAIL_USE_TLS="true",
        DJANGO_DEFAULT_FROM_EMAIL="Leaving care <leaving.care@council.example>",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    read = json.loads(done.stdout.strip().splitlines()[-1])
    assert read["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (read["EMAIL_HOST"], read["EMAIL_PORT"]) == ("smtp.council.example", 587)
    assert (read["EMAIL_HOST_USER"], read["EMAIL_HOST_PASSWORD"]) == ("onward", "relay-secret")
    assert read["EMAIL_USE_TLS"] is True and read["EMAIL_USE_SSL"] is False
    assert read["DEFAULT_FROM_EMAIL"] == read["SERVER_EMAIL"] == "Leaving care <leaving.care@council.example>"


def test_asking_for_both_kinds_of_tls_stops_the_service_from_starting() -> None:
    done = _mail_settings(DJANGO_EMAIL_USE_TLS="true", DJANGO_EMAIL_USE_SSL="true")
    assert done.returncode != 0
    assert "Set DJANGO_EMAIL_USE_TLS or DJANGO_EMAIL_USE_SSL, not both" in done.stderr
