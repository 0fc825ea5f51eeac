"""Benchmark: importing 20,000 children's SSDA903 files against the Department's validator on the same files.

Target (issue: SSDA903): the import (check and save) takes at most half the validator's time, with a
lower peak memory, on a data set the validator finds valid (checked here, on the same files: the run
fails if the Department's rules find any error in them). Both run as separate processes, measured the same way (wall time and peak
resident memory from the operating system), in the same run. Results go to benchmarks/results/.

    .venv/bin/python benchmarks/ssda903_import.py [--children 20000]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2025
PLACES = ["U4", "U6", "K2", "U1"]  # foster care and children's homes: own provision (PR1) in the council's area
# Real postcodes in Hartlepool (E06000001, the council the validator is told the files are from), from the
# postcode reference the Department's package ships: placements in area, homes and placements apart.
POSTCODES = ["TS22 5BF", "TS22 5FS", "TS22 5GA", "TS22 5PA", "TS22 5RA", "TS22 5SB", "TS22 5TJ", "TS22 5UD"]


def write_files(folder: Path, children: int, seed: int = 903) -> None:
    """Synthetic SSDA903 files the Department's rules find valid: header, one episode a child, OC3 for the
    care leavers (who left care at 17, before their 19th to 21st birthdays in the year)."""
    rng = random.Random(seed)
    header = ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"]
    episodes = ["CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"]
    oc3 = ["CHILD,DOB,IN_TOUCH,ACTIV,ACCOM"]
    for i in range(children):
        child = f"B{i:06d}"
        leaver = i % 5 == 0
        age = rng.randint(19, 21) if leaver else rng.randint(2, 16)
        dob = datetime.date(2024 - age, rng.randint(4, 12), rng.randint(1, 28))
        sex = rng.choice("MF")
        home, placed = rng.sample(POSTCODES, 2)
        if leaver:
            # Care leavers not looked after in the year: no episodes in the year, so no motherhood details.
            header.append(f"{child},{sex},{dob:%d/%m/%Y},WBRI,A{i:012d},,")
            oc3.append(
                f"{child},{dob:%d/%m/%Y},YES,{rng.choice(['F2', 'F5', 'G5', 'F1', 'G4'])},{rng.choice(['U1', 'D1', 'B1', 'K2'])}"
            )
        else:
            header.append(f"{child},{sex},{dob:%d/%m/%Y},WBRI,A{i:012d},{'0' if sex == 'F' else ''},")
            start = dob + datetime.timedelta(days=rng.randint(30, 365 * age))
            episodes.append(
                f"{child},{start:%d/%m/%Y},S,{rng.choice(['C2', 'V2'])},N1,{rng.choice(PLACES)},PR1,,,,{home},{placed},{1000000 + i}"
            )
    (folder / "header.csv").write_text("\n".join(header) + "\n")
    (folder / "episodes.csv").write_text("\n".join(episodes) + "\n")
    (folder / "oc3.csv").write_text("\n".join(oc3) + "\n")


def measure(command: list[str], env: dict[str, str], output: Path | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak resident memory in MB, and exit status of one process (its output kept in ``output``)."""
    started = time.perf_counter()
    sink = output.open("wb") if output else subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if output:
        sink.close()  # type: ignore[union-attr]
    return elapsed, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=20000)
    args = parser.parse_args()
    validator_python = ROOT / ".venv-903" / "bin" / "python"
    if not validator_python.exists():
        print("Run make validator-env first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        write_files(folder, args.children)
        database = Path(tmp) / "bench.sqlite3"
        env = {
            **os.environ,
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{database}"),
            "ONWARD_REQUIRE_2FA": "false",
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "ONWARD_LOG_LEVEL": "WARNING",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        # Onward's modules compiled first, as the image has them (Dockerfile) and as pip left the
        # validator's: otherwise, with PYTHONDONTWRITEBYTECODE set, only Onward would compile at start.
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / "config"), str(ROOT / "onward")], check=True
        )
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                "from onward.accounts.services import council_create; council_create(name='Bench Council')",
            ],
            env=env,
            check=True,
        )
        onward_time, onward_mb, onward_status = measure(
            [*manage, "import_ssda903", "--council", "Bench Council", "--year", str(YEAR), str(folder)], env
        )
        report = Path(tmp) / "validator.json"
        validator_time, validator_mb, validator_status = measure(
            [str(validator_python), str(ROOT / "scripts" / "validate_903.py"), "--year", str(YEAR), str(folder)],
            env,
            report,
        )
        checked = json.loads(report.read_text() or "{}")
    # The data set must be valid by the Department's rules, checked here on the very files imported. Rules
    # that raise in the package on every CSV upload (231 and others Onward checks itself) are listed.
    errors = checked.get("errors")
    failed_rules = checked.get("failed_rules", [])
    own_rules = {"347", "1007", "231", "233"}  # onward/returns/rules.py OWN_RULES
    result = {
        "benchmark": "ssda903_import",
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "load_average": [round(n, 2) for n in os.getloadavg()],
        "children": args.children,
        "database": "postgresql" if "postgres" in env["DATABASE_URL"] else "sqlite",
        "onward_import_seconds": round(onward_time, 2),
        "onward_peak_mb": onward_mb,
        "onward_exit_status": onward_status,
        "validator_seconds": round(validator_time, 2),
        "validator_peak_mb": validator_mb,
        "validator_exit_status": validator_status,
        "validator_errors": len(errors) if errors is not None else None,
        "validator_failed_rules": failed_rules,
        "data_set_valid": errors == [] and set(failed_rules) <= own_rules,
        "time_ratio": round(onward_time / validator_time, 3),
        "memory_ratio": round(onward_mb / validator_mb, 3),
        "targets": {"time_ratio_at_most": 0.5, "memory_ratio_below": 1.0},
    }
    result["passed"] = (
        result["data_set_valid"] and onward_status == 0 and result["time_ratio"] <= 0.5 and result["memory_ratio"] < 1.0
    )
    out = ROOT / "benchmarks" / "results" / f"ssda903_import-{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
