"""Run the Department for Education's SSDA903 rules (csc-validator-be-903) over a folder of CSV files.

Runs in the validator's own virtual environment (it pins pandas < 2), never inside Onward:
    .venv-903/bin/python scripts/validate_903.py --year 2025 --la E06000001 [--prev LAST_YEAR_DIR] DIR
Prints one JSON object: {"errors": [{"code", "description", "table", "child", "row"}], "failed_rules": [...]}.
Exit status 0 when no rule flags an error, 1 when some do, 2 on bad input.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import sys
import tempfile


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", required=True, help="collection year, named by the year it ends (2025 = 2024-25)")
    parser.add_argument("--la", default="E06000001", help="the council's ONS upper-tier code")
    parser.add_argument("--prev", help="a folder holding the previous year's return: the cross-year rules then run")
    parser.add_argument("folder")
    args = parser.parse_args()
    files = sorted(os.path.join(args.folder, name) for name in os.listdir(args.folder) if name.lower().endswith(".csv"))
    previous = (
        sorted(os.path.join(args.prev, name) for name in os.listdir(args.prev) if name.lower().endswith(".csv"))
        if args.prev
        else []
    )
    if not files:
        print(json.dumps({"error": "No CSV files in the folder"}))
        return 2
    logging.disable(logging.CRITICAL)
    # The package writes logs and prints; keep stdout for our JSON only, and its log file out of the repo.
    os.chdir(tempfile.mkdtemp(prefix="onward-903-"))
    noise = io.StringIO()
    with contextlib.redirect_stdout(noise):
        from lac_validator import lac_validator as lv
        from lac_validator.rules.ruleset_utils import get_year_ruleset
        from lac_validator.utils import process_uploaded_files

        uploaded = process_uploaded_files({"This year": files, **({"Prev year": previous} if previous else {})})
        registry = get_year_ruleset(str(args.year))
        validator = lv.LacValidator(
            metadata={"collectionYear": str(args.year), "localAuthority": args.la},
            files=uploaded,
            registry=registry,
            selected_rules=None,
        )
    rules = {str(code): rule for code, rule in dict(registry).items()}
    errors = []
    for table, frame in validator.ds_results.items():
        if not hasattr(frame, "columns"):
            continue  # the metadata entry
        error_columns = [c for c in frame.columns if str(c).startswith("ERR_")]
        for column in error_columns:
            flagged = frame[frame[column].fillna(False).astype(bool)]
            code = str(column)[4:]
            for index, row in flagged.iterrows():
                errors.append(
                    {
                        "code": code,
                        "description": str(getattr(rules.get(code), "message", "")),
                        "rule_tables": list(getattr(rules.get(code), "tables", []) or []),
                        "table": str(table),
                        "child": str(row.get("CHILD", "")),
                        "row": int(index) if str(index).isdigit() else str(index),
                    }
                )
    failed = sorted({str(getattr(f, "code", f)) for f in getattr(validator, "fails", [])})
    print(json.dumps({"errors": errors, "failed_rules": failed, "rules_run": len(getattr(validator, "dones", []))}))
    return 1 if errors else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # the package raises on some inputs; report it rather than crash silently
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
        sys.exit(3)
