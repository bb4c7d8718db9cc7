"""Running a GX checkpoint on a DataFrame and saying what failed, without Dagster.

The file context lives in ``expectations/`` (committed; written by ``gx_setup``). Runs only
load it and run a checkpoint: validation results and Data Docs go to ``<data dir>/gx/`` (the
context's ``great_expectations.yml`` points there through ``${SEH_DATA_DIR}``), so a run never
changes a committed file. The result is summarised by ``outcomes``.

Great Expectations takes seconds to import, and the Dagster definitions import this module,
so GX is imported inside the functions: loading the code location stays fast, and only a
check that runs pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from seh_stops import settings
from seh_stops.quality.outcomes import SuiteOutcome, summarise
from seh_stops.settings import REPO_ROOT

if TYPE_CHECKING:
    from great_expectations.data_context import FileDataContext

CONTEXT_DIR = REPO_ROOT / "expectations"
DATASOURCE = "warehouse_frames"
BATCH_DEFINITION = "whole_frame"
DATA_DOCS_SITE = "seh_stops"


class GxContextNotSetUp(RuntimeError):
    """The committed GX context lacks a checkpoint; the setup step has not been run."""


@dataclass(frozen=True)
class Validated:
    """A stored validation result whose Data Docs page is not built yet."""

    identifier: Any  # GX's ValidationResultIdentifier
    suite: Any  # GX's ExpectationSuiteIdentifier
    outcome: SuiteOutcome


def load_context(context_dir: Path = CONTEXT_DIR, data_dir: Path | None = None) -> FileDataContext:
    """The committed file context, with its output stores in ``data_dir`` (default: the
    current data dir)."""
    import great_expectations as gx

    from seh_stops.quality.data_docs import share_compiled_templates

    share_compiled_templates()  # Data Docs builds after the first in a process reuse them
    skip_frame_fingerprints()
    return gx.get_context(
        mode="file",
        context_root_dir=str(context_dir),
        runtime_environment={"SEH_DATA_DIR": str(data_dir or settings.data_dir())},
    )


def skip_frame_fingerprints() -> None:
    """Stop GX's pandas engine from hashing each frame it validates (idempotent).

    The engine fingerprints every batch under ``HASH_THRESHOLD`` (1 GB of column pointers,
    so every chunk here): a hash of every value of every column, stored among the result's
    batch markers and shown on its Data Docs page. Nothing reads it: a flagged row is traced
    to its export file by ``export_datum`` and ``recordnummer``, and the run that checked it
    is in the result's run id. The hash cost 12-15 % of the raw check's validation
    (docs/performance.md). A threshold of 0 turns it off: the engine compares the frame's
    size with the module's value on every batch.
    """
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


def run_checkpoint(
    name: str, frame: pd.DataFrame, context: FileDataContext | None = None
) -> SuiteOutcome:
    """Run checkpoint ``name`` on ``frame``, build its Data Docs page and summarise it."""
    context = context or load_context()
    (outcome,) = build_data_docs(context, [validate(name, frame, context)])
    return outcome


def validate(name: str, frame: pd.DataFrame, context: FileDataContext) -> Validated:
    """Run checkpoint ``name``'s validation on ``frame`` and store its result, without its
    Data Docs action: a check that validates several frames (suites, chunks) builds the
    pages of all of them at once afterwards (:func:`build_data_docs`).

    GX's checkpoint builds the site after every validation, and the site's index reads every
    stored result again each time (docs/performance.md); the validation itself is the
    checkpoint's own (its validation definition, result format and id).
    """
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )
    from great_expectations.exceptions import DataContextError

    try:
        checkpoint = context.checkpoints.get(name)
    except DataContextError as error:
        raise GxContextNotSetUp(
            f"the GX context in {CONTEXT_DIR} has no checkpoint {name!r}: run "
            "`python -m seh_stops.quality.gx_setup` (part of `make setup`) and commit "
            "the files it writes"
        ) from error
    (definition,) = checkpoint.validation_definitions
    run_id = RunIdentifier(run_time=datetime.now(UTC))
    validation = definition.run(
        checkpoint_id=checkpoint.id,
        batch_parameters={
            "dataframe": checked_columns(
                frame,
                definition.suite.expectations,
                checkpoint.result_format.get("unexpected_index_column_names") or [],
            )
        },
        result_format=checkpoint.result_format,
        run_id=run_id,
    )
    suite = ExpectationSuiteIdentifier(name=definition.suite.name)
    identifier = ValidationResultIdentifier(
        expectation_suite_identifier=suite, run_id=run_id, batch_identifier=validation.batch_id
    )
    return Validated(identifier, suite, summarise(name, validation.to_json_dict(), frame, None))


# The arguments in which an expectation names the columns it reads.
_COLUMN_ARGUMENTS = ("column", "column_A", "column_B")
_COLUMN_LIST_ARGUMENTS = ("column_list", "column_set")


def checked_columns(
    frame: pd.DataFrame, expectations: list[Any], key_columns: list[str]
) -> pd.DataFrame:
    """``frame`` with only the columns ``expectations`` and the row keys GX reports
    (``key_columns``) read, in the frame's order; the whole frame when an expectation has a
    row condition (its columns are not listed) or names a column the frame lacks (GX must
    report it missing).

    Why: GX's pandas engine copies the rows of every column of the frame for each metric (to
    drop a column's NULLs, or a row condition's rows), so every column it does not read costs
    time in every metric (docs/performance.md). Sample rows still come from the whole frame.
    """
    wanted = set(key_columns)
    for expectation in expectations:
        kwargs = expectation.configuration.kwargs
        if kwargs.get("row_condition"):
            return frame
        wanted |= {kwargs[key] for key in _COLUMN_ARGUMENTS if kwargs.get(key)}
        for key in _COLUMN_LIST_ARGUMENTS:
            wanted |= set(kwargs.get(key) or [])
    if not wanted <= set(frame.columns):
        return frame
    return frame[[column for column in frame.columns if column in wanted]]


def build_data_docs(context: FileDataContext, validated: list[Validated]) -> list[SuiteOutcome]:
    """Build the Data Docs pages of ``validated`` (and their suites) and the site's index,
    once; return the outcomes with the URL of their validation page."""
    if not validated:
        return []
    identifiers = [item.identifier for item in validated]
    suites = list({item.suite.to_tuple(): item.suite for item in validated}.values())
    context.build_data_docs(site_names=[DATA_DOCS_SITE], resource_identifiers=identifiers + suites)
    outcomes = []
    for item in validated:
        urls = context.get_docs_sites_urls(
            resource_identifier=item.identifier, site_name=DATA_DOCS_SITE
        )
        outcomes.append(replace(item.outcome, data_docs_url=urls[0]["site_url"] if urls else None))
    return outcomes


def data_docs_index_url() -> str:
    """The file:// URL of the Data Docs site's index in the current data dir."""
    return (settings.data_dir() / "gx" / "data_docs" / "index.html").as_uri()
