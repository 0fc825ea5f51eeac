"""`make prod-check`: Onward run as a council would run it, checked from the outside.

With production settings, on a fresh PostgreSQL database:

1. `collectstatic` (WhiteNoise's manifest) and `check --deploy` with warnings as failures;
2. the migrations, then the synthetic demo council (loaded with the local settings, since
   `load_demo` is never run with production ones);
3. gunicorn from `deploy/gunicorn.conf.py` on a loopback port;
4. for every role, one demo user signs in over HTTP with their password and a TOTP code (two-factor
   sign-in is on in production), then fetches every page in that role's navigation.

It fails on any answer that is not 2xx (after the sign-in's redirects), and on any error line or
5xx in gunicorn's log. Loopback only; everything it starts it stops, and it drops its database.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
ADMIN_URL = os.environ.get("PROD_CHECK_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _say(message: str) -> None:
    print(f"prod-check: {message}", flush=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _psql(sql: str) -> None:
    subprocess.run(["psql", ADMIN_URL, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)  # noqa: S603, S607


class Browser:
    """Just enough of a browser: cookies (the production ones are Secure and __Host-), redirects, forms.

    The service sits behind a TLS-terminating proxy in production; the check says so with
    X-Forwarded-Proto, as the proxy would, and keeps the Secure cookies itself.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        """Follow redirects to the end; answer (status, final path, body)."""
        for _ in range(10):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1{path}"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if form is not None:
                body = urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            text = response.read().decode("utf-8", "replace")
            connection.close()
            if response.status in (301, 302, 303):
                path = urlsplit(response.getheader("Location") or "/").path
                method, form = "GET", None
                continue
            return response.status, path, text
        raise RuntimeError(f"too many redirects from {path}")

    def csrf_token(self, html: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not found:
            raise RuntimeError("no CSRF token on the form")
        return found.group(1)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603 - our own command line
            [PYTHON, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.3)
        yield
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _accounts(env: dict[str, str]) -> list[dict[str, object]]:
    """One demo user per role, each given a confirmed TOTP device, with the pages of their navigation."""
    os.environ.update(env)
    import django

    django.setup()
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from onward.accounts.models import User
    from onward.accounts.permissions import ROLES
    from onward.core.management.commands.load_demo import DEMO_PASSWORD
    from onward.core.navigation import navigation

    accounts = []
    for role in ROLES:
        user = User.objects.filter(groups__name=role.key, is_active=True).order_by("pk").first()
        if user is None:
            raise RuntimeError(f"the demo has no user with the role {role.key}")
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="prod-check", defaults={"confirmed": True})
        pages = [reverse(item.url_name) for item in navigation() if item.visible_to(user)]
        accounts.append(
            {"role": role.key, "email": user.email, "password": DEMO_PASSWORD, "device": device, "pages": pages}
        )
    return accounts


def _totp(device: object) -> str:
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)  # type: ignore[attr-defined]
    return f"{code:0{device.digits}d}"  # type: ignore[attr-defined]


def _sign_in_and_walk(port: int, account: dict[str, object]) -> list[str]:
    failures = []
    browser = Browser(port)
    status, path, html = browser.request("GET", "/sign-in/")
    form = {"csrfmiddlewaretoken": browser.csrf_token(html), "username": str(account["email"])}
    status, path, html = browser.request("POST", "/sign-in/", {**form, "password": str(account["password"])})
    if "two-factor" not in path:
        return [f"{account['role']}: signing in with the password led to {path} ({status}), not two-factor"]
    token = {"csrfmiddlewaretoken": browser.csrf_token(html), "token": _totp(account["device"])}
    status, path, html = browser.request("POST", path, token)
    if status != 200 or "two-factor" in path or "sign-in" in path:
        return [f"{account['role']}: the two-factor code was not accepted ({status} at {path})"]
    for page in account["pages"]:  # type: ignore[attr-defined]
        status, final, _ = browser.request("GET", page)
        if not 200 <= status < 300 or final != page:
            failures.append(f"{account['role']}: {page} answered {status} at {final}")
    _say(f"{account['role']}: signed in, {len(account['pages'])} pages")  # type: ignore[arg-type]
    return failures


def _log_errors(log: Path) -> list[str]:
    bad = []
    for line in log.read_text().splitlines():
        if re.search(r'"level": "(ERROR|CRITICAL)"|\[ERROR\]|\[CRITICAL\]|Traceback', line) or re.search(
            r'" 5\d\d ', line
        ):
            bad.append(line[:300])
    return bad


def main() -> int:
    database = f"onward_prodcheck_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="onward-prod-check-"))
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "DATABASE_URL": url,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        }
    )
    manage = [PYTHON, "manage.py"]

    def run(*args: str, settings: str = "config.settings.production") -> None:
        subprocess.run(  # noqa: S603 - our own commands
            args, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": settings}, check=True
        )

    _psql(f"DROP DATABASE IF EXISTS {database}")
    _psql(f"CREATE DATABASE {database}")
    try:
        _say("collectstatic and check --deploy with production settings")
        run(*manage, "collectstatic", "--no-input", "-v0")
        run(*manage, "check", "--deploy", "--fail-level", "WARNING")
        _say(f"migrating a fresh PostgreSQL database ({database}) and loading the demo council")
        run(*manage, "migrate", "--no-input", "-v0")
        run(*manage, "load_demo", "--quiet", settings="config.settings.local")
        accounts = _accounts(env)
        port = _free_port()
        log = workdir / "gunicorn.log"
        _say(f"gunicorn on 127.0.0.1:{port} from deploy/gunicorn.conf.py")
        failures: list[str] = []
        with gunicorn(env, port, log):
            for account in accounts:
                failures += _sign_in_and_walk(port, account)
        failures += [f"log: {line}" for line in _log_errors(log)]
        requests = sum(1 for line in log.read_text().splitlines() if "request_id=" in line)
        for failure in failures:
            _say(f"FAILED {failure}")
        if failures:
            return 1
        _say(f"passed: {len(accounts)} roles, {requests} requests, every answer 2xx, no error in the log")
        return 0
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        _psql(f"DROP DATABASE IF EXISTS {database}")


if __name__ == "__main__":
    sys.exit(main())
