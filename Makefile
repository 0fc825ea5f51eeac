# Onward: every set-up step a fresh machine needs. `make demo` and `make test` are the two
# commands the README names; both install what they need first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint typecheck pytest assets install install-dev prerequisites migrate serve clean docs validator-env check-903 bench restore-drill prod-check faults lock machine-test machine-demo machine-bench mutate

prerequisites:
	@command -v $(PYTHON) >/dev/null || { echo "Onward needs Python 3.11 or newer: install python3 (with venv and pip)."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { echo "Onward needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version)."; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "Python's venv module is missing: install python3-venv."; exit 1; }
	@command -v node >/dev/null || { echo "Onward needs Node.js 20 or newer (for the GOV.UK Frontend styles): install nodejs and npm."; exit 1; }
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || { echo "Onward needs Node.js 20 or newer; node is $$(node --version)."; exit 1; }
	@command -v npm >/dev/null || { echo "Onward needs npm: install npm."; exit 1; }

$(VENV)/.runtime: requirements.txt | prerequisites
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

# requirements.txt and requirements-dev.txt are locks: every package pinned with its hashes, made
# by pip-tools from requirements.in and requirements-dev.in (the packages Onward names itself).
# Change a .in file, run `make lock`, and commit all four.
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock: install-dev
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

node_modules/.installed: package.json package-lock.json | prerequisites
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

onward/static/vendor/.built: node_modules/.installed scripts/build-assets.mjs $(wildcard assets/scss/*.scss assets/js/*.js)
	npm run --silent build
	@touch $@

assets: onward/static/vendor/.built

# Machine packages (Debian or Ubuntu), installed before a target starts, never half-way through:
# as root with apt-get, else with `sudo -n`; otherwise the target stops with the command to run.
machine-test:
	@bash scripts/machine-packages.sh test
machine-demo:
	@bash scripts/machine-packages.sh demo
machine-bench:
	@bash scripts/machine-packages.sh bench

migrate: install assets
	$(PY) manage.py migrate --no-input -v0

# The demo runs with two-factor sign-in off so that the printed sign-ins work at once, and with
# DEBUG off (a page that is not found says so, listing nothing; WhiteNoise serves the static files).
# PORT=8080 serves it on another port. The return check page needs the Department's rules
# (validator-env): the demo builds them, and if this machine's Python cannot, says how and goes on.
# Its second council signs in through a local OpenID Connect provider on 127.0.0.1:8001 (ADR 24),
# whose demo-only client secret is passed the way a real one is: in an ONWARD_OIDC_SECRET_ variable.
PORT ?= 8000
demo: export ONWARD_REQUIRE_2FA := false
demo: export DJANGO_DEBUG := false
demo: export ONWARD_OIDC_SECRET_DEMO := demo-only-client-secret
demo: machine-demo migrate
	@$(MAKE) --no-print-directory validator-env || echo "The return check page will say the Department's rules are not installed: run make validator-env VALIDATOR_PYTHON=python3.11 (Python 3.8 to 3.11) to add them."
	$(PY) manage.py load_demo
	$(PY) manage.py demo_single_sign_on --connect
	@echo "Onward is starting on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	@$(PY) manage.py db_worker >/dev/null 2>&1 & worker=$$!; \
	$(PY) manage.py demo_single_sign_on --serve >/dev/null 2>&1 & provider=$$!; \
	trap 'kill $$worker $$provider 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=false $(PY) manage.py runserver 127.0.0.1:$(PORT)

# ruff, then the layers between the apps (import-linter, [tool.importlinter] in pyproject.toml).
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache

typecheck: install-dev
	$(VENV)/bin/mypy onward config

docs: install
	$(PY) manage.py permissions_doc

# The Department for Education's SSDA903 rules pin old pandas and numpy: they live in their own
# environment and run in a subprocess (onward/returns/validator.py).
# Its pinned pandas 1.5.3 has wheels for Python 3.8 to 3.11 only: on a newer python3, point
# VALIDATOR_PYTHON at a 3.11 (the check runs before anything is installed).
VALIDATOR_VENV := .venv-903
VALIDATOR_PYTHON ?= $(PYTHON)
$(VALIDATOR_VENV)/.installed: requirements-903.txt | prerequisites
	@$(VALIDATOR_PYTHON) -c 'import sys; sys.exit(0 if (3, 8) <= sys.version_info[:2] <= (3, 11) else 1)' || { echo "The SSDA903 rules (pandas 1.5.3) need Python 3.8 to 3.11; $(VALIDATOR_PYTHON) is $$($(VALIDATOR_PYTHON) --version). Install python3.11 and run: make validator-env VALIDATOR_PYTHON=python3.11"; exit 1; }
	@test -x $(VALIDATOR_VENV)/bin/python || $(VALIDATOR_PYTHON) -m venv $(VALIDATOR_VENV)
	$(VALIDATOR_VENV)/bin/pip install --quiet -r requirements-903.txt
	@touch $@

validator-env: $(VALIDATOR_VENV)/.installed

YEAR ?= $(shell date +%Y)
COUNCIL ?= Wexbridge City Council
check-903: migrate validator-env
	ONWARD_REQUIRE_2FA=false $(PY) manage.py load_demo --quiet
	$(PY) manage.py check_ssda903 --council "$(COUNCIL)" --year $(YEAR)

# Onward as a council runs it: production settings, collectstatic, check --deploy, gunicorn from
# deploy/gunicorn.conf.py on a fresh PostgreSQL database (127.0.0.1:5432); every role signs in and
# fetches every page of its navigation (scripts/prod_check.py). CI runs it.
prod-check: install assets
	PGOPTIONS=--client-min-messages=warning $(PY) scripts/prod_check.py

# A point-in-time restore proved row by row (scripts/restore_drill.py): on a private PostgreSQL
# cluster it starts itself (initdb, a free loopback port, a temporary directory), a generated
# council, a base backup and WAL archive, writes on, restores to a time and compares every table.
# Writes benchmarks/results/restore_drill-*.json (recovery time and recovery point). Needs
# PostgreSQL's server programs (Debian: postgresql); about a minute.
restore-drill: install
	$(PY) scripts/restore_drill.py

# Benchmarks (results in benchmarks/results/): PostgreSQL on 127.0.0.1:5432 and wrk are needed;
# the first run generates the national-scale data set (250,000 young people) into onward_bench.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/onward_bench
bench: machine-bench install-dev assets validator-env
	psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'onward_bench'" | grep -q 1 || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE onward_bench"
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/web_pages.py
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/ssda903_export.py
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/performance_indicators.py
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/council_growth.py
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/load.py
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) benchmarks/load.py --scale-out
	$(PY) benchmarks/ssda903_import.py
	$(PY) benchmarks/plan_documents.py
	$(PY) scripts/restore_drill.py

# Fault injection (benchmarks/faults.py): on a private PostgreSQL cluster it makes itself (initdb in a
# temporary directory, its own port; the shared server is never touched), gunicorn from
# deploy/gunicorn.conf.py and two background workers, loopback only, about six minutes: a worker
# killed during an import's check and its save, a web process killed during saves, stalled uploads,
# the database restarted and stopped under load.
# Each result goes to benchmarks/results/faults-*.json; it fails if anything is left stuck, half-written
# or duplicated. Not in CI (it kills processes on purpose, and takes minutes).
faults: install
	PGOPTIONS=--client-min-messages=warning $(PY) benchmarks/faults.py

# Mutation testing of the trust files (`source_paths` under [tool.mutmut] in pyproject.toml), with
# mutmut: the score of each file and every surviving mutant (file and line) are written to
# benchmarks/results/mutation-*.json, and the scores to benchmarks/mutation-scores.json, the ratchet
# CI holds (commit it). MUTATE_FILES="onward/core/concurrency.py" mutates only the files named.
# docs/mutation.md lists the mutants that are equivalent, with the reason. About 40 minutes on 2 cores.
MUTATE_FILES ?=
mutate: install-dev validator-env
	$(PY) scripts/mutation.py run --record $(MUTATE_FILES)

# The suite runs on one process per CPU (pytest-xdist), at least 2 and at most 8; PYTEST_WORKERS=0 runs
# it in one. It ends by listing its 30 slowest tests, so each run (and CI's log) shows where the time goes.
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -lt 2 ] && n=2; [ $$n -gt 8 ] && n=8; echo $$n)
PYTEST_DURATIONS ?= 30
pytest: machine-test install-dev assets validator-env
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --durations=$(PYTEST_DURATIONS) $(PYTEST_ARGS)

test: machine-test lint typecheck pytest

clean:
	rm -rf $(VENV) $(VALIDATOR_VENV) node_modules onward/static/vendor staticfiles
