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

.PHONY: install oidc run test lint openapi openapi-check frontend demo bench-ingest bench-indicateurs bench-api bench-capacite retention clean

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

# Builds the single-page app into frontend/dist (served by the API at /).
frontend:
ifneq ($(HAS_FRONT),)
	$(MAKE) $(FRONT_STAMP)
	cd frontend && npm run --silent build
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

# Demo data (never loaded by `make run`): SCALE=small|departement, SEED=n.
SCALE ?= small
SEED ?= 1
demo: install
	$(PY) -m api demo --scale $(SCALE) --seed $(SEED)

# Benchmarks (PostgreSQL, ANCRAGE_BENCH_DATABASE_URL or postgres@127.0.0.1/ancrage_bench; the
# département demo is loaded there on first use). They print their figures; they are not tests.
bench-api: install
	$(PY) -m api.bench.api $(BENCH_ARGS)
# Pushes referrals with Idempotency-Keys against a server on 127.0.0.1:8101, by default on a throwaway
# copy of the département demo (ANCRAGE_BENCH_DATABASE_URL; --sqlite or --postgres URL: empty database)
# and prints referrals per second, p50/p95 and the machine. BENCH_ARGS="--n 600 --concurrence 8"
bench-ingest: install
	$(PY) -m api.bench.ingest $(BENCH_ARGS)

bench-indicateurs: install
	$(PY) -m api.bench.indicateurs $(BENCH_ARGS)

# Simulated people (sign-in once, 2–8 s of thought between actions, agents 70 %, responsables,
# commission, bailleurs and their system, funders) by steps of users on a throwaway copy of the
# département demo, API with 2 workers on 127.0.0.1: req/s, p50/p95/p99 per endpoint family, errors,
# CPU of the API, PostgreSQL and the generator; last line « N utilisateurs à p95 ≤ 200 ms ».
# BENCH_ARGS="--paliers 50,100 --duree 60 --echauffement 20"
bench-capacite: install
	$(PY) -m api.bench.capacite $(BENCH_ARGS)
