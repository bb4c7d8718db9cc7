"""Benchmarks of seh-stops against the DuckDB floor and a pandas baseline (docs/performance.md).

Never part of the test suite's pass/fail: run them with `make bench` or
`.venv/bin/python -m benchmarks.run`. The pandas baseline in this package is the one place
outside dbt that recomputes the contract's episode and aggregate rules, on purpose: it is
what a data engineer might write instead of the pipeline, and the benchmark checks that it
agrees with the pipeline's `marts.agg_seh_stops_regio_maand`.
"""
