# Two commands do all the set-up on a fresh machine:
#   make demo   set up, simulate January 2023, run the pipeline, print the LNAZ table
#   make test   set up, run the test suite (what CI runs)
export UV_PYTHON_DOWNLOADS := never
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup chromium demo test lint ui

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	uv sync --frozen --python python3.11
	$(BIN)/python -m orchestration.quality.gx_setup
	cd dbt_project && ../$(BIN)/dbt parse --profiles-dir . --quiet

demo: setup
	$(BIN)/seh-stops demo

# The UI test drives Debian's Chromium (browser downloads fail offline); as root, install it.
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

test: setup chromium
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project --processes 2

ui: setup
	mkdir -p data/dagster_home && cp dagster.yaml data/dagster_home/dagster.yaml
	DAGSTER_HOME=$(CURDIR)/data/dagster_home $(BIN)/dagster dev
