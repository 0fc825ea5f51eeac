"""The machine packages step (`scripts/machine-packages.sh`) that `make test`, `make demo`,
`make bench` and `.ci/run` run before anything else.

The script is run for real, with `dpkg-query`, `id`, `sudo` and `apt-get` replaced by small
stand-ins on the PATH, so that each kind of machine (everything there, root, sudo without a
password, neither) can be tried without changing this machine.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR, "scripts", "machine-packages.sh")
TEST_PACKAGES = ["chromium", "libpango-1.0-0", "libpangoft2-1.0-0", "fonts-liberation", "libcairo2", "xmlsec1"]


def _stub(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text("#!/bin/bash\n" + body)
    path.chmod(0o755)


def run(
    tmp_path: Path, *args: str, installed: list[str], uid: int, sudo_works: bool = False
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run the script on a pretend machine; return its result and the apt-get calls it made."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "apt-calls"
    calls.write_text("")
    _stub(
        bin_dir,
        "dpkg-query",
        'for p in $INSTALLED; do [ "$p" = "${@: -1}" ] && { printf "install ok installed"; exit 0; }; done\n'
        'echo "dpkg-query: no packages found matching ${@: -1}" >&2; exit 1\n',
    )
    _stub(bin_dir, "id", f"echo {uid}\n")
    _stub(bin_dir, "apt-get", f'echo "apt-get $*" >> {calls}\n')
    # sudo -n runs the command when it may, and otherwise fails as sudo does without a password.
    _stub(bin_dir, "sudo", ('shift; [ "$1" = true ] && exit 0; exec "$@"\n' if sudo_works else "exit 1\n"))
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "INSTALLED": " ".join(installed)}
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        ["/bin/bash", str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=30, check=False
    )
    return result, [line for line in calls.read_text().splitlines() if line]


def test_a_machine_with_everything_is_left_alone(tmp_path: Path) -> None:
    """Nothing is installed, and nothing asked, when every package is there."""
    result, calls = run(tmp_path, "test", installed=TEST_PACKAGES, uid=1000)
    assert result.returncode == 0, result.stderr
    assert calls == []
    assert result.stdout == ""


def test_root_installs_exactly_what_is_missing(tmp_path: Path) -> None:
    """As root, apt-get installs the missing packages and only those."""
    result, calls = run(
        tmp_path, "test", installed=["fonts-liberation", "libpango-1.0-0", "libcairo2", "xmlsec1"], uid=0
    )
    assert result.returncode == 0, result.stderr
    assert calls[0].startswith("apt-get update")
    assert calls[1].split()[-2:] == ["chromium", "libpangoft2-1.0-0"]
    assert "install" in calls[1].split()


def test_without_root_it_uses_sudo_when_sudo_needs_no_password(tmp_path: Path) -> None:
    result, calls = run(tmp_path, "test", installed=[], uid=1000, sudo_works=True)
    assert result.returncode == 0, result.stderr
    assert any("install" in call and "chromium" in call for call in calls)


def test_without_root_or_sudo_it_stops_with_the_command_to_run(tmp_path: Path) -> None:
    """It never skips the browser tests quietly: it fails at once and says what to run."""
    result, calls = run(tmp_path, "test", installed=["fonts-liberation", "libcairo2", "xmlsec1"], uid=1000)
    assert result.returncode == 1
    assert calls == []
    assert "sudo sh -c 'apt-get update && apt-get install -y chromium libpango-1.0-0 libpangoft2-1.0-0'" in (
        result.stderr
    )


@pytest.mark.parametrize(("target", "package"), [("bench", "wrk"), ("demo", "libpango-1.0-0")])
def test_check_lists_what_each_target_is_missing(tmp_path: Path, target: str, package: str) -> None:
    result, calls = run(tmp_path, target, "--check", installed=[], uid=0)
    assert result.returncode == 1
    assert package in result.stdout.split()
    assert calls == []
    assert "chromium" not in result.stdout


def test_the_bench_set_brings_the_load_balancer_for_the_scale_out_benchmark(tmp_path: Path) -> None:
    """`make bench` puts two web instances behind HAProxy: a machine with wrk alone gets HAProxy installed."""
    result, calls = run(
        tmp_path,
        "bench",
        installed=["wrk", "libpango-1.0-0", "libpangoft2-1.0-0", "fonts-liberation", "libcairo2"],
        uid=0,
    )
    assert result.returncode == 0, result.stderr
    assert calls == ["apt-get update -qq", "apt-get install -y -qq haproxy"]


@pytest.mark.parametrize("target", ["test", "demo"])
def test_the_test_and_demo_sets_bring_xmlsec1_for_saml_sign_in(tmp_path: Path, target: str) -> None:
    """SAML sign-in (ADR 32) checks signatures with the xmlsec1 program: the tests and the demo need it."""
    everything_else = [package for package in TEST_PACKAGES if package != "xmlsec1"]
    result, calls = run(tmp_path, target, installed=everything_else, uid=0)
    assert result.returncode == 0, result.stderr
    assert calls[-1] == "apt-get install -y -qq xmlsec1"
