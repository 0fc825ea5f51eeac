"""With production settings Onward builds its static files and serves pages.

Run in a subprocess, because the settings module is chosen when Django starts: the stylesheet's
references must all be in collectstatic's manifest, or every page that links the stylesheet
answers 500.
"""

from __future__ import annotations

import os
import secrets
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


def test_production_settings_collect_static_files_and_serve_the_sign_in_page(tmp_path: Path) -> None:
    """collectstatic and `check --deploy` pass with production settings, and a page is served."""
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


def test_each_gunicorn_worker_loads_the_pdf_engine_before_its_first_request() -> None:
    """The worker hook in deploy/gunicorn.conf.py lays out a page, so fontconfig and WeasyPrint are
    loaded before anyone asks for a committee document."""
    import runpy
    from unittest import mock

    config = runpy.run_path(str(Path(settings.BASE_DIR, "deploy", "gunicorn.conf.py")))
    with mock.patch("weasyprint.HTML") as html:
        config["post_worker_init"](object())
    html.return_value.write_pdf.assert_called_once_with()
