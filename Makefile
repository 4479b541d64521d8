# Marquee — every entry point. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TARGET ?= duckdb

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export RUNTIME__DLTHUB_TELEMETRY := false

.PHONY: help install run build test test-duckdb test-spark lint docs status freshness sample clean lock bench orchestrate serve

help: ## list every target
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install the pinned dependencies

run: $(STAMP) ## land the bundled sample data into DuckDB, build, generate docs, print a summary
	$(BIN)/marquee run --target $(TARGET)

build: $(STAMP) ## dbt build (reconcile, history, marts, tests) on TARGET (duckdb|postgres|spark)
	$(BIN)/marquee build --target $(TARGET)

# lint runs beside pytest (its log is shown after the tests): on two cores the suite's
# workers and lint's mostly single-process dbt compile share the machine better than in turn.
test: $(STAMP) ## lint and the whole pytest suite (DuckDB and PostgreSQL), side by side; Spark: make test-spark
	@mkdir -p target
	@$(MAKE) --no-print-directory lint > target/lint.log 2>&1 & lint=$$!; \
	$(BIN)/pytest -m "not spark"; tests=$$?; \
	wait $$lint; linted=$$?; \
	echo "--- make lint (ran beside pytest; log in target/lint.log) ---"; cat target/lint.log; \
	if [ $$linted -ne 0 ]; then echo "make lint failed"; fi; \
	exit $$(( tests || linted ))

test-duckdb: $(STAMP) ## the pytest suite without the PostgreSQL tests
	$(BIN)/pytest -m "not postgres and not spark"

test-spark: $(STAMP) ## the Spark tests (a JVM per worker; its own target so that make test stays within 15 minutes)
	$(BIN)/pytest -m spark

lint: $(STAMP) ## sqlfluff on the SQL; dbt-score and dbt-bouncer on the project's metadata
	@$(BIN)/python -c "from marquee.dbt import profiles_dir; profiles_dir()"
	MARQUEE_DUCKDB_PATH=$(CURDIR)/target/lint.duckdb $(BIN)/sqlfluff lint --processes 2 models snapshots tests/dbt
	MARQUEE_DUCKDB_PATH=$(CURDIR)/target/lint.duckdb $(BIN)/dbt parse --quiet --profiles-dir target/profiles --target-path target/lint
	$(BIN)/dbt-score lint --manifest target/lint/manifest.json
	$(BIN)/dbt-bouncer --config-file dbt-bouncer.yml

docs: $(STAMP) ## generate the dbt docs site and serve it on http://localhost:8080
	$(BIN)/marquee docs --target $(TARGET) --serve 8080

DAGSTER_HOME ?= $(CURDIR)/.dagster
orchestrate: $(STAMP) ## the Dagster UI on http://127.0.0.1:3000 and its daemon (schedule, feed sensor, run queue, alerts)
	@mkdir -p $(DAGSTER_HOME) && cp marquee/orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m marquee.orchestration.manifest
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/dagster dev --host 127.0.0.1 --port 3000

serve: $(STAMP) ## POST /sync on http://127.0.0.1:8787 starts a sync run through Dagster (needs MARQUEE_TRIGGER_SECRET)
	$(BIN)/marquee serve

status: $(STAMP) ## last loads, reconcile counts, freshness and published version of TARGET
	$(BIN)/marquee status --target $(TARGET)

freshness: $(STAMP) ## dbt source freshness of every source on TARGET
	$(BIN)/marquee freshness --target $(TARGET)

bench: $(STAMP) ## benchmarks vs the old sync and the limit (reduced; FULL=1: 1M/3M shows, 2,000 TMDB titles; Spark S1/S2 at 20k/100k shows; BENCH_TARGET=duckdb|postgres|spark|all)
	$(BIN)/python -m bench.run --target $(or $(BENCH_TARGET),all) $(if $(FULL),--full)

sample: $(STAMP) ## regenerate the bundled sample feeds and app export (deterministic)
	$(BIN)/python scripts/make_sample_shows.py
	$(BIN)/python scripts/make_sample_app.py

lock: ## re-pin requirements.lock from a fresh venv of pyproject's ranges
	rm -rf /tmp/marquee-lock && $(PYTHON) -m venv /tmp/marquee-lock
	/tmp/marquee-lock/bin/pip install --quiet '.[dev]' && /tmp/marquee-lock/bin/pip freeze --exclude marquee > requirements.lock.new
	{ echo '# Exact pins for reproducible installs (pip freeze of a fresh venv). Regenerate with `make lock`.'; cat requirements.lock.new; } > requirements.lock && rm requirements.lock.new

clean: ## remove the warehouse, dbt artifacts and the virtualenv
	rm -rf warehouse target logs $(VENV)

.PHONY: tmdb sample-tmdb
tmdb: $(STAMP) ## fetch the TMDB work list into TARGET (bundled recordings without TMDB_API_READ_TOKEN/TMDB_API_KEY)
	$(BIN)/marquee ingest tmdb --target $(TARGET)

sample-tmdb: $(STAMP) ## regenerate the bundled recorded TMDB responses (deterministic)
	$(BIN)/python scripts/make_sample_tmdb.py
