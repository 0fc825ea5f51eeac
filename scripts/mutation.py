"""Mutation testing of the trust code with mutmut: run it, write the results, keep the per-file ratchet.

The trust files are ``source_paths`` under ``[tool.mutmut]`` in pyproject.toml (add a file there to
put it under mutation testing). Three commands:

- ``run [FILE ...]``: mutate the trust files (or only those given), run the tests against every
  mutant, and write the score of each file and every surviving mutant, with its file and line, to
  ``benchmarks/results/mutation-<time>.json``. ``--record`` also stores the scores and the current
  commit in ``benchmarks/mutation-scores.json`` (the ratchet).
- ``ratchet``: for CI. The touched trust files are those changed since the commit recorded in
  ``benchmarks/mutation-scores.json``; only they are mutated, within ``--minutes``, and the step
  fails if any touched file's score is below its recorded score. No touched file: nothing runs.
- ``report``: print the scores and survivors of the last run (read from ``mutants/``).

A mutant listed in docs/mutation.md as equivalent (its name in a ``| `name` |`` table row) is not
counted against the score: ``score = killed / (mutants - equivalent)``.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = ROOT / ".venv" / "bin" / "mutmut"
SCORES = ROOT / "benchmarks" / "mutation-scores.json"
RESULTS = ROOT / "benchmarks" / "results"
EQUIVALENTS_DOC = ROOT / "docs" / "mutation.md"

KILLED = {1, 3, 36, 24, -24, 152, 255, 37}  # killed, or timed out (a mutant that hangs is caught)
SURVIVED = {0}
NO_TESTS = {5, 33}


def trust_files() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return [str(p) for p in config["tool"]["mutmut"]["source_paths"] if (ROOT / p).exists()]


def module_of(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def equivalents() -> set[str]:
    """Mutant names docs/mutation.md lists as equivalent (first cell of a table row, in backticks)."""
    if not EQUIVALENTS_DOC.exists():
        return set()
    return set(re.findall(r"^\| `([\w.ǁ]+__mutmut_\d+)` \|", EQUIVALENTS_DOC.read_text(), flags=re.MULTILINE))


def exit_codes(path: str) -> dict[str, int | None]:
    meta = ROOT / "mutants" / (path + ".meta")
    if not meta.exists():
        return {}
    data: dict[str, int | None] = json.loads(meta.read_text()).get("exit_code_by_key", {})
    return data


def _function_sources(path: Path) -> tuple[dict[str, ast.FunctionDef | ast.AsyncFunctionDef], list[str]]:
    text = path.read_text()
    tree = ast.parse(text)
    found = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    return found, text.splitlines()


def mutant_lines(path: str, names: list[str]) -> dict[str, tuple[int, str]]:
    """For each mutant: the line of the original file it changes, and that line as the mutant has it."""
    if not names:
        return {}
    mutated, mutated_lines = _function_sources(ROOT / "mutants" / path)
    original, _ = _function_sources(ROOT / path)
    where: dict[str, tuple[int, str]] = {}
    for name in names:
        local = name.rsplit(".", 1)[-1]  # x_people_visible_to__mutmut_12 or xǁClassǁmethod__mutmut_3
        base = local.rsplit("__mutmut_", 1)[0]
        function = base.split("ǁ")[-1] if "ǁ" in base else base.removeprefix("x_")
        mutant, orig = mutated.get(local), mutated.get(base + "__mutmut_orig")
        if mutant is None or orig is None or function not in original:
            where[name] = (0, "")
            continue
        a = mutated_lines[orig.lineno - 1 : orig.end_lineno]
        b = mutated_lines[mutant.lineno - 1 : mutant.end_lineno]
        offset = next((i for i, (x, y) in enumerate(zip(a[1:], b[1:], strict=False), 1) if x != y), 0)
        changed = b[offset].strip() if offset < len(b) else ""
        where[name] = (original[function].lineno + offset, changed)
    return where


def file_result(path: str, equivalent: set[str]) -> dict[str, Any]:
    codes = exit_codes(path)
    killed = sorted(k for k, c in codes.items() if c in KILLED)
    survived = sorted(k for k, c in codes.items() if c in SURVIVED and k not in equivalent)
    listed = sorted(k for k, c in codes.items() if k in equivalent and c not in KILLED)
    no_tests = sorted(k for k, c in codes.items() if c in NO_TESTS and k not in equivalent)
    unchecked = sorted(k for k, c in codes.items() if c is None and k not in equivalent)
    other = sorted(set(codes) - set(killed) - set(survived) - set(listed) - set(no_tests) - set(unchecked))
    counted = len(codes) - len(listed)
    lines = mutant_lines(path, survived + no_tests + other)
    return {
        "file": path,
        "mutants": len(codes),
        "killed": len(killed),
        "equivalent": len(listed),
        "survived": len(survived),
        "no_tests": len(no_tests),
        "not_checked": len(unchecked),
        "other": len(other),
        "score": round(100 * len(killed) / counted, 1) if counted else None,
        "score_of_checked": round(100 * len(killed) / (counted - len(unchecked)), 1)
        if counted > len(unchecked)
        else None,
        "survivors": [
            {"mutant": k, "file": path, "line": lines[k][0], "mutated_line": lines[k][1], "status": status}
            for status, keys in (("survived", survived), ("no tests", no_tests), ("other", other))
            for k in keys
        ],
    }


def run_mutmut(paths: list[str], *, deadline: float | None, names: list[str] | None = None) -> bool:
    """Run mutmut on the mutants of ``paths`` (or only those ``names``); False if the deadline passed first
    or mutmut failed (for example, its first run of the tests, with nothing mutated, failed): said apart."""
    globs = names or [module_of(p) + ".*" for p in paths]
    command = ["nice", "-n", "10", str(MUTMUT), "run", "--max-children", str(os.cpu_count() or 2), *globs]
    print("$", " ".join(command), flush=True)
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL) as process:  # noqa: S603
        while process.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                process.terminate()
                process.wait(30)
                return False
            time.sleep(2)
    if process.returncode != 0:
        print(
            f"mutmut stopped with exit code {process.returncode} before it finished: if its own first run of the "
            "tests (nothing mutated) failed, make the suite pass first; the mutants it did not run count as survivors",
            flush=True,
        )
        return False
    return True


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603, S607


def write_results(results: list[dict[str, Any]], *, seconds: float, complete: bool) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    out = RESULTS / f"mutation-{now:%Y%m%dT%H%M%S}.json"
    body = {
        "benchmark": "mutation",
        "when": now.isoformat(timespec="seconds"),
        "commit": git("rev-parse", "HEAD"),
        "tool": "mutmut 3.8.1",
        "seconds": round(seconds),
        "complete": complete,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "score_is": "killed / (mutants - equivalent listed in docs/mutation.md), timeouts counted as killed",
        "files": results,
    }
    out.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    return out


def print_results(results: list[dict[str, Any]]) -> None:
    for r in results:
        print(
            f"{r['file']}: {r['score']}% ({r['killed']} killed of {r['mutants']}, {r['equivalent']} equivalent, "
            f"{r['survived']} survived, {r['no_tests']} without tests, {r['not_checked']} not checked)"
            + (f"; {r['score_of_checked']}% of the mutants checked" if r["not_checked"] else "")
        )
        for s in r["survivors"]:
            print(f"    {s['file']}:{s['line']}  {s['mutant']}  {s['status']}: {s['mutated_line']}")


def load_scores() -> dict[str, Any]:
    if SCORES.exists():
        data: dict[str, Any] = json.loads(SCORES.read_text())
        return data
    return {"commit": None, "files": {}}


def record(results: list[dict[str, Any]]) -> None:
    """Store each fully run file's score, mutant count and surviving mutants, with the commit measured."""
    scores = load_scores()
    files: dict[str, Any] = dict(scores.get("files") or {})
    for r in results:
        if r["score"] is not None and not r["not_checked"]:
            files[r["file"]] = {
                "score": r["score"],
                "mutants": r["mutants"],
                "equivalent": r["equivalent"],
                "survivors": sorted(s["mutant"] for s in r["survivors"]),
            }
    SCORES.write_text(
        json.dumps({"commit": git("rev-parse", "HEAD"), "files": dict(sorted(files.items()))}, indent=2) + "\n"
    )
    print(f"Recorded scores in {SCORES.relative_to(ROOT)}")


def command_run(args: argparse.Namespace) -> int:
    paths = args.files or trust_files()
    started = time.monotonic()
    if args.survivors:
        # Only the mutants that survived last time, with test statistics collected afresh so new tests count.
        (ROOT / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
        names = [k for p in paths for k, code in exit_codes(p).items() if code not in KILLED]
        if names:
            run_mutmut(paths, deadline=None, names=names)
    else:
        run_mutmut(paths, deadline=None)
    equivalent = equivalents()
    results = [file_result(p, equivalent) for p in paths]
    out = write_results(results, seconds=time.monotonic() - started, complete=True)
    print_results(results)
    print(f"Wrote {out.relative_to(ROOT)}")
    if args.record:
        record(results)
    return 0


def _base(scores: dict[str, Any]) -> str:
    """The commit to compare with: the one whose scores are recorded, or the previous commit if this
    clone lacks it."""
    base = str(scores.get("commit") or "")
    try:
        git("cat-file", "-e", base + "^{commit}")
    except subprocess.CalledProcessError:
        return "HEAD~1"
    return base


def touched_files(base: str) -> list[str]:
    """Trust files changed between ``base`` and HEAD."""
    names = set(git("diff", "--name-only", f"{base}..HEAD").splitlines())
    return [p for p in trust_files() if p in names]


def changed_functions(base: str, path: str) -> list[str]:
    """mutmut's names (``x_func`` or ``xǁClassǁmethod``) of the functions of ``path`` whose lines changed
    since ``base``."""
    changed: set[int] = set()
    for hunk in re.finditer(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", git("diff", "-U0", f"{base}..HEAD", "--", path), re.M):
        first, count = int(hunk.group(1)), int(hunk.group(2) or "1")
        changed.update(range(first, first + max(count, 1)))
    tree = ast.parse((ROOT / path).read_text())
    names = []
    for node in tree.body:
        functions: list[tuple[str | None, ast.FunctionDef | ast.AsyncFunctionDef]] = (
            [(None, node)] if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else []
        )
        if isinstance(node, ast.ClassDef):
            functions = [(node.name, n) for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for owner, function in functions:
            first = min([function.lineno, *(d.lineno for d in function.decorator_list)])
            if changed & set(range(first, (function.end_lineno or first) + 1)):
                names.append(f"xǁ{owner}ǁ{function.name}" if owner else f"x_{function.name}")
    return names


def command_ratchet(args: argparse.Namespace) -> int:
    """Mutate only the functions changed in the touched trust files; the other functions keep their
    recorded results (their recorded survivors still count as survivors)."""
    scores = load_scores()
    recorded: dict[str, Any] = dict(scores.get("files") or {})
    base = _base(scores)
    touched = touched_files(base)
    if not touched:
        print(f"Mutation ratchet: no trust file changed since {base}; nothing to run.")
        return 0
    print(f"Mutation ratchet: trust files changed since {base}: {', '.join(touched)}")
    functions = {p: changed_functions(base, p) for p in touched}
    globs = [f"{module_of(p)}.{name}__mutmut_*" for p, names in functions.items() for name in names]
    started = time.monotonic()
    complete = run_mutmut(touched, deadline=started + args.minutes * 60, names=globs) if globs else True
    equivalent = equivalents()
    results = []
    failed = False
    for path in touched:
        before = recorded.get(path) or {}
        rerun = tuple(f"{module_of(path)}.{name}__mutmut_" for name in functions[path])
        old_survivors = set(before.get("survivors", []))
        codes = exit_codes(path)
        killed = survived = 0
        survivors = []
        for key, code in codes.items():
            if key in equivalent:
                continue
            # A re-run mutant is lost if it survived, had no tests or was not run before the time limit.
            lost = code not in KILLED if key.startswith(rerun) else key in old_survivors
            survived += lost
            killed += not lost
            if lost:
                survivors.append(key)
        counted = killed + survived
        score = round(100 * killed / counted, 1) if counted else None
        results.append({"file": path, "mutants": len(codes), "score": score, "changed_functions": functions[path]})
        lines = mutant_lines(path, survivors)
        for key in survivors:
            print(f"    {path}:{lines[key][0]}  {key}: {lines[key][1]}")
        if "score" in before and (score is None or score < float(before["score"])):
            print(f"FAILED: {path} scores {score}%, below its recorded {before['score']}%")
            failed = True
        else:
            print(f"{path}: {score}% (recorded {before.get('score', 'none yet: record it with make mutate')})")
    write_results(results, seconds=time.monotonic() - started, complete=complete)
    if not complete and time.monotonic() - started >= args.minutes * 60:
        print(
            f"The mutation step stopped at its time limit ({args.minutes} minutes); unrun mutants counted as survivors."
        )
    return 1 if failed else 0


def command_report(args: argparse.Namespace) -> int:
    equivalent = equivalents()
    results = [file_result(p, equivalent) for p in (args.files or trust_files())]
    print_results(results)
    if args.write:
        # A run stopped before its end: mutants not yet run are counted in "not_checked".
        complete = not any(r["not_checked"] for r in results)
        print(f"Wrote {write_results(results, seconds=args.seconds, complete=complete).relative_to(ROOT)}")
    if args.record:
        record(results)  # only the files whose every mutant was run
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="mutate the trust files and write the results")
    run.add_argument("files", nargs="*", help="trust files to mutate (default: all of source_paths)")
    run.add_argument("--record", action="store_true", help="store the scores as the ratchet")
    run.add_argument("--survivors", action="store_true", help="run again only the mutants that survived last time")
    ratchet = sub.add_parser("ratchet", help="CI: mutate the touched trust files; fail if a score drops")
    ratchet.add_argument("--minutes", type=float, default=float(os.environ.get("MUTATION_MINUTES", "30")))
    report = sub.add_parser("report", help="print the last run's scores and survivors")
    report.add_argument("files", nargs="*")
    report.add_argument("--write", action="store_true", help="also write them to benchmarks/results/")
    report.add_argument("--record", action="store_true", help="store the scores of fully run files as the ratchet")
    report.add_argument("--seconds", type=float, default=0, help="how long the run took, for the results file")
    args = parser.parse_args(argv)
    return {"run": command_run, "ratchet": command_ratchet, "report": command_report}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
