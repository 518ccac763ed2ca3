# Ancrage: every command a newcomer needs. `make run` serves, `make test` proves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
FRONT_STAMP := frontend/node_modules/.installed-stamp
HAS_FRONT := $(wildcard frontend/package.json)
# The OpenID provider the ProConnect tests sign in against (tests/oidc/, oidc-provider on node).
OIDC_STAMP := tests/oidc/node_modules/.installed-stamp
# Two test processes (pytest-xdist), one per core; each has its own throwaway database.
PYTEST_WORKERS ?= 2

.PHONY: install oidc run test lint openapi openapi-check frontend communes demo bench-ingest bench-indicateurs bench-rapport bench-api bench-capacite bench-import retention clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(FRONT_STAMP): frontend/package.json $(wildcard frontend/package-lock.json)
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $(FRONT_STAMP)

$(OIDC_STAMP): tests/oidc/package.json tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error
	touch $(OIDC_STAMP)

oidc: $(OIDC_STAMP)

# Builds the single-page app into frontend/dist (served by the API at /), only when what the
# build reads changed since the last one: its sources, its configuration, its lockfile (through
# the install stamp). A build takes ~12 s; `make run` with nothing changed starts at once.
# frontend/public/dsfr is not listed: the install and the build write it themselves.
ifneq ($(HAS_FRONT),)
FRONT_DIST := frontend/dist/index.html
FRONT_SOURCES := $(shell find frontend/src -type f) frontend/index.html frontend/package.json \
  frontend/package-lock.json frontend/vite.config.ts frontend/tsconfig.json frontend/public/robots.txt

$(FRONT_DIST): $(FRONT_STAMP) $(FRONT_SOURCES)
	cd frontend && npm run --silent build
	@# Newer than every source even if the build kept an unchanged file's old date.
	touch $(FRONT_DIST)
endif

frontend:
ifneq ($(HAS_FRONT),)
	$(MAKE) $(FRONT_DIST)
endif

run: install frontend
	$(PY) -m api serve

test: install oidc
ifneq ($(HAS_FRONT),)
	$(MAKE) frontend
endif
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check api tests migrations
	$(VENV)/bin/mypy api

openapi: install
	$(PY) -m api openapi > openapi/openapi.json
ifneq ($(HAS_FRONT),)
	$(MAKE) $(FRONT_STAMP)
	cd frontend && npm run --silent gen:api
endif

openapi-check: install
	@$(PY) -m api openapi | diff -q openapi/openapi.json - >/dev/null \
	  || { echo "openapi/openapi.json est périmé : lancez make openapi"; exit 1; }

# Anonymise files 2 years after the last contact, purge the access log after 12 months.
# `make retention ARGS=--dry-run` only says what it would do.
retention: install
	$(PY) -m api retention $(ARGS)

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist var/ancrage.db

# The communes' référentiel (api/communes/donnees/communes.json.gz, committed) from the npm
# package @etalab/decoupage-administratif pinned in frontend/package.json: run after bumping it.
communes: install $(FRONT_STAMP)
	$(PY) -m api.communes.generer

# Demo data (never loaded by `make run`): SCALE=small|departement, SEED=n.
SCALE ?= small
SEED ?= 1
demo: install
	$(PY) -m api demo --scale $(SCALE) --seed $(SEED)

# Benchmarks (PostgreSQL, ANCRAGE_BENCH_DATABASE_URL or postgres@127.0.0.1/ancrage_bench; the
# département demo is loaded there on first use). They print their figures; they are not tests.
bench-api: install
	$(PY) -m api.bench.api $(BENCH_ARGS)

# Caseload import: lines/s of the dry run and the import, 1,000 and 10,000 lines (SQLite; BENCH_ARGS="--postgres URL").
bench-import: install
	$(PY) -m api.bench.import_file_active $(BENCH_ARGS)

# Pushes referrals with Idempotency-Keys against a server on 127.0.0.1:8101, by default on a throwaway
# copy of the département demo (ANCRAGE_BENCH_DATABASE_URL; --sqlite or --postgres URL: empty database)
# and prints referrals per second, p50/p95 and the machine. BENCH_ARGS="--n 600 --concurrence 8"
bench-ingest: install
	$(PY) -m api.bench.ingest $(BENCH_ARGS)

bench-indicateurs: install
	$(PY) -m api.bench.indicateurs $(BENCH_ARGS)

# The annual report of one association, PDF then DOCX, by a one-worker server: time and the
# worker's peak memory. Small demo on SQLite by default; BENCH_ARGS="--postgres" for the département.
bench-rapport: install
	$(PY) -m api.bench.rapport $(BENCH_ARGS)

# Simulated people (sign-in once, 2–8 s of thought between actions, agents 70 %, responsables,
# commission, bailleurs and their system, funders) by steps of users on a throwaway copy of the
# département demo, API with 2 workers on 127.0.0.1: req/s, p50/p95/p99 per endpoint family, errors,
# CPU of the API, PostgreSQL and the generator; last line « N utilisateurs à p95 ≤ 200 ms ».
# BENCH_ARGS="--paliers 50,100 --duree 60 --echauffement 20"
bench-capacite: install
	$(PY) -m api.bench.capacite $(BENCH_ARGS)
