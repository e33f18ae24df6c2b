# The two commands a new user needs: `make demo` and `make test`. Each creates .venv and installs
# the project on first use, then reinstalls only when pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

export AUDIT_DATA_DIR ?= $(CURDIR)/data
export DAGSTER_HOME ?= $(AUDIT_DATA_DIR)/dagster_home
export GX_ANALYTICS_ENABLED := False
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DAGSTER_DISABLE_TELEMETRY := True

.PHONY: install demo test dev lint format clean bench bench-connectors bench-history

# dbt keeps one partial-parse state per checkout (dbt_project/target), valid for one data folder:
# the end-to-end tests and the benchmarks refresh folders of their own, after which the next
# `make demo` would parse the whole project again (about 10 s). They leave it prepared for ours.
REPREPARE = $(BIN)/software-audit prepare > /dev/null

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/software-audit prepare
	touch $@

## Run a full audit refresh of the built-in sample company and print its summary.
demo: $(INSTALLED)
	$(BIN)/software-audit demo

## Benchmark a full and an incremental refresh of the sample company at SCALE (tiny, S, M, L)
## against the DuckDB-only floor; writes that scale's section of docs/benchmarks.md. The daily
## refresh runs DAILY_RUNS times from the same state; the median is shown. Data in .bench/.
SCALE ?= S
DAILY_RUNS ?= 3
bench: $(INSTALLED)
	$(BIN)/python -m benchmarks.refresh --scale $(SCALE) --daily-runs $(DAILY_RUNS); \
		status=$$?; $(REPREPARE); exit $$status

## Read the event feeds (Okta, Graph, Google sign-ins) from the emulators at the vendors' published
## rate limits, DAYS of events each (scale M by default; Google, whose quota allows far more, at L
## over more days); writes the connector throughput section of docs/benchmarks.md. About 15
## minutes: the limits set the pace. SPEEDUP=N shortens windows.
DAYS ?= 2 8 16 google=4,16,64
SPEEDUP ?= 1
bench-connectors: SCALE = M google=L
bench-connectors: $(INSTALLED)
	$(BIN)/python -m benchmarks.connector_throughput --scale $(SCALE) --days $(DAYS) \
		--speedup $(SPEEDUP)

## Measure the daily refresh on the full refresh's 90 days of usage events, then again after a
## backfill of HISTORY_DAYS older days (scale M by default): whether it grows with history. Writes
## the "Growth with history" section of docs/benchmarks.md. About 5 minutes at M. At L (about 25
## minutes), 90 days need BACKFILL_MEMORY_LIMIT=4GiB: DuckDB's limit for the backfill's run only.
HISTORY_DAYS ?= 90
BACKFILL_MEMORY_LIMIT ?=
bench-history: SCALE = M
bench-history: $(INSTALLED)
	$(BIN)/python -m benchmarks.history --scale $(SCALE) --days $(HISTORY_DAYS) \
		$(if $(BACKFILL_MEMORY_LIMIT),--backfill-memory-limit $(BACKFILL_MEMORY_LIMIT)); status=$$?; \
		$(REPREPARE); exit $$status

## Run the linters and the whole test suite. The dbt model tests (tests/models: each module builds
## the project for a data folder of its own, about 60% of the suite's time) run one module per
## core; the rest run in one process, as they always have: refreshes share the project's dbt target
## folder, and some tests race readers against a refresh or time a connector's pacing. Both parts
## run; the first failure's status is returned.
test: lint
	$(BIN)/pytest tests/models --numprocesses logical --dist loadfile; models=$$?; \
		$(BIN)/pytest --ignore tests/models; rest=$$?; \
		$(REPREPARE); if [ $$models -ne 0 ]; then exit $$models; fi; exit $$rest

## Open the Dagster UI (http://127.0.0.1:3000) on the sample company's warehouse.
dev: $(INSTALLED)
	$(BIN)/software-audit dev

## Python with ruff, SQL with sqlfluff (dbt templater: it must run from inside dbt_project).
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd dbt_project && ../$(BIN)/sqlfluff lint models --processes 2

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) data .bench dbt_project/target dbt_project/logs .pytest_cache .ruff_cache
