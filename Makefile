# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# The apps are the distributions under src/ (src/<app>/pyproject.toml) and the test suites the
# folders of tests/ (tests/<suite>/__init__.py): one list each, read by the Dockerfile, the wheel
# check, .ci/run and the GitHub workflow (`make suites`) too. Adding an app adds no line here.
DISTS := $(patsubst src/%/pyproject.toml,%,$(wildcard src/*/pyproject.toml))
APPS := $(patsubst tests/%/__init__.py,%,$(wildcard tests/*/__init__.py))
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test $(addprefix test-,$(APPS)) test-typescript lint lint-schema check-wheels check-image suites lock audit fuzz format schema superuser clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'
	@echo "  test-SUITE       Run one suite alone: $(APPS)"

# Installs. Third-party packages come from the locks, requirements/{prod,dev}.txt (`make lock`
# writes them from requirements/*.in): every file checked against its sha256 there, wheels only,
# so nothing is built from source in a build environment that the lock does not cover. The venv's
# bundled pip (Python's own, offline) installs the lock, pip included: from then on the locked
# pip runs. The apps under src/ come after, editable, without dependencies (the lock has them)
# and built by the locked setuptools in the venv: hash checking has no say over a local folder.
# ONLY_BINARY=:none: lets pip build a locked source distribution where a platform has no wheel
# (Intel macOS: argon2-cffi-bindings); its build dependencies then go unchecked.
ONLY_BINARY ?= :all:
PIP_LOCKED := $(BIN)/python -m pip install --quiet --require-hashes --only-binary $(ONLY_BINARY)
# (PYTHONWARNINGS: setuptools' notice at each editable install, about folders in the working
# directory named like a package, of which there are none.)
PIP_APPS := PYTHONWARNINGS="ignore:Editable installation" \
  $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --check-build-dependencies

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps: reinstall only when a lock or an app's pyproject.toml changed.
$(VENV)/.prod: requirements/prod.txt $(DISTS:%=src/%/pyproject.toml) | $(BIN)/python
	$(PIP_LOCKED) -r requirements/prod.txt
	$(PIP_APPS) $(DISTS:%=-e src/%)
	@touch $@

$(VENV)/.dev: $(VENV)/.prod requirements/dev.txt
	$(PIP_LOCKED) -r requirements/dev.txt
	@touch $@

# Node.js tooling (the OpenAPI linter, the TypeScript client and its test), pinned by one lock
# file. The stamp holds the sha256 of the lock `npm ci` installed, as the client test checks it.
TS_CLIENT := clients/typescript
NPM_STAMP := $(TS_CLIENT)/node_modules/.installed
$(NPM_STAMP): $(TS_CLIENT)/package-lock.json | $(BIN)/python
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 20.19 or later" >&2; exit 1; }
	cd $(TS_CLIENT) && npm ci --no-audit --no-fund
	$(BIN)/python -c "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())" $< > $@

# Beside the development server, a Celery worker with beat embedded: what a request queues
# (e-mails, a movie's missing details) runs there, never inside the request. Its broker needs
# nothing installed (the filesystem transport under var/celery/, config/settings/base.py; Redis
# when REDIS_URL or CELERY_BROKER_URL is set). Both stop together (Ctrl-C).
CELERY := DJANGO_SETTINGS_MODULE=config.settings.dev $(BIN)/celery -A config
run: $(VENV)/.prod  ## Migrate and serve the API on http://127.0.0.1:8000 (Swagger UI at /api/docs/), with a worker
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_demo_catalog --if-empty
	$(MANAGE) build_recommendations --if-stale
	@$(CELERY) worker --beat --pool threads --concurrency 2 --loglevel INFO & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT)

test: $(VENV)/.dev  ## Run every test suite
	$(BIN)/pytest

$(addprefix test-,$(APPS)): test-%: $(VENV)/.dev
	$(BIN)/pytest tests/$*

test-typescript: $(VENV)/.dev  ## The generated TypeScript client against a live server
	$(BIN)/pytest -m typescript tests/project

lint: $(VENV)/.dev lint-schema  ## ruff, import contracts, mypy, schema validation and Redocly lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) spectacular --validate --fail-on-warn --file /dev/null

# Not part of `make test`: it is about packaging, not behaviour, and needs no PostgreSQL/Redis
# run. The wheelhouse is requirements/prod.txt (hash-checked), cached in
# ~/.cache/movie_recommendation ($$CHECK_WHEELS_CACHE); the venv's locked pip runs it (.prod).
# `APP=catalog` checks one app (and builds the wheels it needs).
check-wheels: $(VENV)/.prod  ## Each app's wheel alone in a fresh venv: migrate, its URLs answer
	$(BIN)/python scripts/check_app_wheels.py $(APP)

# The production image without a Docker engine: the Dockerfile's own steps replayed in a fresh
# venv (pip from the lock's wheelhouse, as check-wheels keeps it), then its CMD and compose's
# migrate, worker and beat on the local PostgreSQL and Redis (scripts/ensure-services.sh starts
# them), driven through health, the movie list, register, login and a favorite.
check-image: $(VENV)/.dev  ## Replay the Dockerfile in a fresh venv, serve its CMD (prod settings), drive it
	@bash scripts/ensure-services.sh
	$(BIN)/python scripts/check_image.py

# The test suites as JSON, for the GitHub workflow's matrix.
suites:
	@echo '[$(foreach s,$(APPS),"$(s)",)]' | sed 's/,]/]/'

# The locks, written by uv (pinned in dev.in) from the *.in files: every package, transitive ones
# included, at one version with the sha256 of each of its files on PyPI, for Python 3.11+ on any
# platform (--universal: environment markers where a dependency is conditional). PyPI alone:
# --no-config and no UV_* variable (uv never reads pip's configuration), so whatever indexes this
# machine's pip or uv know, the locks name none. Each lock keeps its current pins but for what
# the .in files changed; base.txt first, prod.txt within it, dev.txt within prod.txt (the -c lines
# in the .in files). UPGRADE="name ..." moves those packages to their newest allowed versions,
# UPGRADE=all every package; a direct dependency moves only when its pin in the .in changes.
UPGRADE ?=
LOCK_UPGRADE = $(if $(filter all,$(UPGRADE)),--upgrade,$(addprefix --upgrade-package ,$(UPGRADE)))
UV_COMPILE = env $$(env | sed -n 's/^\(UV_[A-Za-z0-9_]*\)=.*/-u \1/p') $(BIN)/uv pip compile \
  --no-config --quiet --universal --python-version 3.11 --generate-hashes \
  --index-url https://pypi.org/simple --custom-compile-command "make lock" $(LOCK_UPGRADE)
lock: $(VENV)/.dev  ## Regenerate requirements/*.txt from requirements/*.in (UPGRADE=pkg, UPGRADE=all)
	@for name in base prod dev; do \
	  out=requirements/$$name.txt; tmp=requirements/.$$name.txt.new; \
	  if [ -f $$out ]; then cp $$out $$tmp; else rm -f $$tmp; fi; \
	  echo "uv pip compile requirements/$$name.in -o $$out $(LOCK_UPGRADE)"; \
	  $(UV_COMPILE) requirements/$$name.in -o $$tmp || { rm -f $$tmp; exit 1; }; \
	  if cmp -s $$tmp $$out; then rm $$tmp; else mv $$tmp $$out; echo "  $$out changed"; fi; \
	done

# Known vulnerabilities in the production lock, exactly as pinned (no resolution) with each hash
# checked against PyPI. Needs PyPI's JSON API and OSV, which the development machines cannot
# reach: GitHub Actions runs it.
audit: $(VENV)/.dev  ## pip-audit of requirements/prod.txt (needs PyPI's JSON API and OSV)
	$(BIN)/pip-audit --strict --disable-pip --require-hashes -r requirements/prod.txt

# The schema as served, linted by Redocly CLI with the rules in redocly.yaml.
LINT_SCHEMA := build/openapi.yaml
lint-schema: $(VENV)/.prod $(NPM_STAMP)  ## Lint the OpenAPI schema with Redocly CLI (redocly.yaml)
	@mkdir -p $(dir $(LINT_SCHEMA))
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) spectacular --file $(LINT_SCHEMA)
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	  $(TS_CLIENT)/node_modules/.bin/redocly lint --config redocly.yaml $(LINT_SCHEMA)

fuzz: $(VENV)/.dev  ## Fuzz a live server from the OpenAPI schema (schemathesis, bounded)
	bash scripts/fuzz_api.sh

format: $(VENV)/.dev  ## Fix what ruff can fix and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: $(VENV)/.prod  ## Write the OpenAPI schema to docs/openapi.yml
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) spectacular --validate --file docs/openapi.yml

superuser: $(VENV)/.prod  ## Create an admin account
	$(MANAGE) createsuperuser

clean:  ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache staticfiles $(TS_CLIENT)/node_modules $(TS_CLIENT)/generated $(LINT_SCHEMA)

# Benchmarks: print figures (never assert timings) and write bench/results/. They use
# PostgreSQL on 127.0.0.1:5432 and Redis 127.0.0.1:6379, started here when not running.
# `make bench` is the load test (gunicorn + wrk, bench/load/); the in-process ones use database
# movies_bench and Redis db 14, sized by BENCH_MOVIES (default 1000000), e.g.
# `make bench-catalog BENCH_MOVIES=100000`; BENCH_REQUESTS / BENCH_UNCACHED_REQUESTS the samples.
BENCH_MOVIES ?= 1000000
BENCH_ENV = BENCH_MOVIES=$(BENCH_MOVIES)
WRK = @command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
.PHONY: bench bench-db-hang bench-workers bench-scale bench-seed bench-inprocess bench-catalog bench-favorites bench-recommendations bench-matching bench-imports bench-services

bench-services:  ## Start PostgreSQL and Redis for the benchmarks unless they run
	@bash scripts/ensure-services.sh

bench: $(VENV)/.dev bench-services  ## Load test: gunicorn (prod settings) driven by wrk, with ceilings, direct and via nginx
	$(WRK)
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || (apt-get update -qq && apt-get install -y -qq nginx-light)
	$(BIN)/python -m bench.load

# Sync vs gthread workers, both behind nginx (the edge scenarios and the misses), one run each:
# bench/results/load_sync.md and load_gthread.md. The default in config/gunicorn.py follows them.
WORKER_SCENARIOS := ceiling,movies_p1,movie_detail_cached,favorites_cached,favorites_304,movies_deep,movie_detail,favorites_miss
bench-workers: $(VENV)/.dev bench-services  ## Load test: sync vs gthread workers behind nginx
	$(WRK)
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || (apt-get update -qq && apt-get install -y -qq nginx-light)
	BENCH_LOAD_WORKERS=4 BENCH_LOAD_THREADS=1 BENCH_LOAD_NGINX=$(WORKER_SCENARIOS) \
	  $(BIN)/python -m bench.load run --scenarios $(WORKER_SCENARIOS) --output bench/results/load_sync
	BENCH_LOAD_WORKERS=2 BENCH_LOAD_THREADS=4 BENCH_LOAD_NGINX=$(WORKER_SCENARIOS) \
	  $(BIN)/python -m bench.load run --scenarios $(WORKER_SCENARIOS) --output bench/results/load_gthread

bench-db-hang: $(VENV)/.dev bench-services  ## PostgreSQL hung 40 s under load: 503s, cached reads, workers, writes kept
	$(BIN)/python -m bench.db_hang

bench-scale: $(VENV)/.dev bench-services  ## Load test of list/favorites at 1x, 10x and 100x data
	$(WRK)
	$(BIN)/python -m bench.load scale

bench-seed: $(VENV)/.dev bench-services  ## Seed the load test's database (the data of manage.py seed_benchmark)
	$(BIN)/python -m bench.load seed

bench-inprocess: $(VENV)/.dev bench-services  ## The in-process benchmarks, one after the other
	$(MAKE) --no-print-directory bench-catalog
	$(MAKE) --no-print-directory bench-favorites
	$(MAKE) --no-print-directory bench-recommendations

bench-catalog: $(VENV)/.dev bench-services  ## Benchmark demo load, TMDB sync and movie list/detail
	$(BENCH_ENV) $(BIN)/python -m bench.catalog

bench-favorites: $(VENV)/.dev bench-services  ## Benchmark favorites list (cached/uncached) and writes
	$(BENCH_ENV) $(BIN)/python -m bench.favorites

bench-recommendations: $(VENV)/.dev bench-services  ## Benchmark the neighbour-table build and /api/recommendations/
	$(BIN)/python -m bench.recommendations

bench-matching: $(VENV)/.dev  ## Film matching of imports: 5,000 Letterboxd rows against the demo catalog (SQLite)
	$(BIN)/python -m bench.matching

bench-imports: $(VENV)/.dev bench-services  ## Benchmark a 5,000-film Letterboxd import, its first picks, and ZIP bombs refused
	$(BIN)/python -m bench.imports
