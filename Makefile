# Two commands do all the set-up on a fresh machine:
#   make demo   set up, simulate January 2023, run the pipeline, print the LNAZ table
#   make test   set up, run the test suite (what CI runs)
export UV_PYTHON_DOWNLOADS := never
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint ui

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	uv sync --frozen --python python3.11
	cd dbt_project && ../$(BIN)/dbt parse --profiles-dir . --quiet

demo: setup
	$(BIN)/seh-stops demo

test: setup
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project --processes 2

ui: setup
	$(BIN)/seh-stops ui
