"""`make demo`: DEBUG off (a missing page lists nothing), static files still served, a chosen port,
and the Department's rules built for the return check page."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run as the demo's web process: the demo's settings module and the environment its command line gives.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
missing = client.get("/no-such-page/")
static = client.get("/static/images/favicon.svg")
print(json.dumps({
    "debug": settings.DEBUG,
    "missing_status": missing.status_code,
    "missing_lists_urls": b"URLconf" in missing.content or b"people/" in missing.content,
    "static_status": static.status_code,
}))
"""


def _dry_run(*args: str) -> str:
    result = subprocess.run(  # noqa: S603 - a fixed command
        ["make", "-n", "demo", *args],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "MAKEFLAGS": ""},
    )
    return result.stdout


def _runserver_line(output: str) -> str:
    return next(line for line in output.splitlines() if "manage.py runserver" in line)


def test_the_demo_serves_on_the_port_given() -> None:
    """PORT=8123 puts the server on 8123; without it, 8000."""
    assert _runserver_line(_dry_run("PORT=8123")).endswith("runserver 127.0.0.1:8123")
    assert _runserver_line(_dry_run()).endswith("runserver 127.0.0.1:8000")


def test_the_demo_builds_the_departments_rules_or_says_how() -> None:
    """The demo runs validator-env before it starts; a machine that cannot build it is told the command."""
    lines = _dry_run().splitlines()
    builds = [i for i, line in enumerate(lines) if "validator-env" in line or "requirements-903.txt" in line]
    serves = next(i for i, line in enumerate(lines) if "manage.py runserver" in line)
    assert builds and builds[0] < serves
    makefile = (ROOT / "Makefile").read_text()
    demo = makefile[makefile.index("\ndemo: machine-demo") :].split("\n\n")[0]
    assert "validator-env || echo" in demo
    assert "make validator-env VALIDATOR_PYTHON=python3.11" in demo


def test_the_demo_runs_with_debug_off_and_still_serves_static_files() -> None:
    """With the demo's environment, DEBUG is off, a missing page lists no URLs, and WhiteNoise serves the styles."""
    line = _runserver_line(_dry_run()).split(";")[-1].strip()
    env_words = [word for word in shlex.split(line) if re.fullmatch(r"[A-Z_]+=.*", word)]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "ONWARD_REQUIRE_2FA": "false"}
    env.pop("DJANGO_DEBUG", None)
    env.update(dict(word.split("=", 1) for word in env_words))
    result = subprocess.run(  # noqa: S603 - the test's own interpreter and probe
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, env=env, check=True
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {"debug": False, "missing_status": 404, "missing_lists_urls": False, "static_status": 200}
