# Two commands do all the set-up on a fresh machine:
#   make demo   set up, simulate January 2023, run the pipeline, print the LNAZ table
#   make test   set up, run the test suite (what CI runs)
export UV_PYTHON_DOWNLOADS := never
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup chromium demo test lint lint-only ui bench

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	# --compile-bytecode: every process (Dagster, each dbt call, each test worker) would
	# otherwise compile the imports from source where .pyc files are not written.
	uv sync --frozen --python python3.11 --compile-bytecode
	$(BIN)/python -m seh_stops.quality.gx_setup
	# The Data Docs' scripts and styles, from npm by pinned hash: the pages render offline.
	$(BIN)/python -m seh_stops.quality.data_docs_assets
	cd dbt_project && ../$(BIN)/dbt parse --profiles-dir . --quiet

demo: setup
	$(BIN)/seh-stops demo

# The UI test drives Debian's Chromium (browser downloads fail offline); as root, install it.
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# Two workers (CI has two cores); a test module stays on one worker, so its module-scoped
# pipeline run is made once. The session-scoped January run is made once per worker.
# Lint first: CI fails on a lint error as it fails on a test.
test: setup chromium
	$(MAKE) --no-print-directory lint-only
	$(BIN)/pytest -n 2 --dist loadscope

lint: setup
	$(MAKE) --no-print-directory lint-only

# ruff (Python) and sqlfluff (the dbt SQL), without the set-up step
lint-only:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project --processes 2

# Floor, pipeline, pandas baseline and nightly run on simulated data (docs/performance.md);
# never part of `make test`. BENCH_ARGS="--size 1:1" picks sizes (default 1:1 1:10 100:1).
bench: setup
	nice -n 10 $(BIN)/python -m benchmarks.run $(BENCH_ARGS)

ui: setup
	mkdir -p data/dagster_home && cp dagster.yaml data/dagster_home/dagster.yaml
	DAGSTER_HOME=$(CURDIR)/data/dagster_home $(BIN)/dagster dev
