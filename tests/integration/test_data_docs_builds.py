"""Data Docs are built once per check, and the site's index stays bounded.

A check validates several frames (two suites, chunks of days) and builds their pages and the
index in one go (``gx_context.validate`` then ``build_data_docs``); the index lists the newest
validation results only (``validation_results_limit`` in expectations/great_expectations.yml),
since building it reads every listed result again. Real GX on the committed context, with a
temporary data dir.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from seh_stops.quality.gx_context import (
    CONTEXT_DIR,
    DATA_DOCS_SITE,
    build_data_docs,
    load_context,
    run_checkpoint,
    validate,
)
from tests.unit.test_gx_severity import DIRTY, day_rows, frame_of

SUITE = "raw_seh_statusmutaties"
DAYS = ["2023-01-02", "2023-01-03", "2023-01-04"]


def path_of(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def frames() -> list:
    return [frame_of({day: day_rows(day, 10, DIRTY[: i + 1])}) for i, day in enumerate(DAYS)]


def counted_builds(context) -> list[int]:
    """Count the context's Data Docs builds (each still runs)."""
    calls: list[int] = []
    build = context.build_data_docs

    def counting(*args, **kwargs):
        calls.append(1)
        return build(*args, **kwargs)

    context.build_data_docs = counting
    return calls


def test_one_build_gives_every_frame_its_page_and_the_index_lists_them(tmp_path):
    context = load_context(data_dir=tmp_path / "data")
    builds = counted_builds(context)
    outcomes = build_data_docs(context, [validate(SUITE, frame, context) for frame in frames()])
    assert len(builds) == 1
    pages = [path_of(outcome.data_docs_url) for outcome in outcomes]
    assert len(set(pages)) == 3 and all(page.is_file() for page in pages)
    site = tmp_path / "data" / "gx" / "data_docs"
    index = (site / "index.html").read_text(encoding="utf-8")
    for page in pages:
        assert str(page.relative_to(site)) in index


def test_validate_then_build_reports_what_the_checkpoint_run_reports(tmp_path):
    context = load_context(data_dir=tmp_path / "data")
    frame = frames()[2]
    (built,) = build_data_docs(context, [validate(SUITE, frame, context)])
    whole = run_checkpoint(SUITE, frame, context)
    assert built.failures == whole.failures and built.sample_rows == whole.sample_rows
    assert (built.rows_checked, built.evaluated) == (whole.rows_checked, whole.evaluated)
    assert path_of(built.data_docs_url).is_file() and path_of(whole.data_docs_url).is_file()


def test_the_index_lists_only_the_newest_validation_results(tmp_path):
    """The committed context with its limit set to 2 (a copy): three results, two listed."""
    text = (CONTEXT_DIR / "great_expectations.yml").read_text(encoding="utf-8")
    committed = yaml.safe_load(text)
    limit = committed["data_docs_sites"][DATA_DOCS_SITE]["site_index_builder"]
    assert limit["validation_results_limit"] > 0
    copy = tmp_path / "context"
    shutil.copytree(CONTEXT_DIR, copy, ignore=shutil.ignore_patterns("uncommitted"))
    line = f"validation_results_limit: {limit['validation_results_limit']}"
    assert line in text
    (copy / "great_expectations.yml").write_text(
        text.replace(line, "validation_results_limit: 2"), encoding="utf-8"
    )
    context = load_context(context_dir=copy, data_dir=tmp_path / "data")
    outcomes = [build_data_docs(context, [validate(SUITE, f, context)])[0] for f in frames()]
    site = tmp_path / "data" / "gx" / "data_docs"
    index = (site / "index.html").read_text(encoding="utf-8")
    listed = [str(path_of(o.data_docs_url).relative_to(site)) in index for o in outcomes]
    assert listed == [False, True, True]
    assert all(path_of(o.data_docs_url).is_file() for o in outcomes)  # every page stays


def test_a_stored_result_has_no_frame_fingerprint_and_the_same_findings(tmp_path, monkeypatch):
    """GX's hash of every value is not computed (``skip_frame_fingerprints``); turning it back
    on changes nothing the check reports."""
    from great_expectations.execution_engine import pandas_execution_engine

    context = load_context(data_dir=tmp_path / "data")
    frame = frames()[2]
    without = validate(SUITE, frame, context)
    stored = context.validation_results_store.get(without.identifier)
    markers = stored.to_json_dict()["meta"]["batch_markers"]
    assert "ge_load_time" in markers and "pandas_data_fingerprint" not in markers

    monkeypatch.setattr(pandas_execution_engine, "HASH_THRESHOLD", 1e9)
    hashed = validate(SUITE, frame, context)
    stored = context.validation_results_store.get(hashed.identifier)
    assert "pandas_data_fingerprint" in stored.to_json_dict()["meta"]["batch_markers"]
    assert hashed.outcome.failures == without.outcome.failures
    assert hashed.outcome.failures  # the frame is dirty: there is something to compare
    assert (hashed.outcome.rows_checked, hashed.outcome.evaluated) == (
        without.outcome.rows_checked,
        without.outcome.evaluated,
    )
