"""Set-up step: write the GX objects of ``suites`` into the file context in ``expectations/``.

Run by ``make setup`` (``python -m seh_stops.quality.gx_setup``); runs never create GX
objects, they only load them. Idempotent: suites and expectations get ids derived from their
content, other objects keep the ids they have, so re-running on an up-to-date context
rewrites identical files and a review diff shows only real changes. Objects of a suite that
no longer exists are deleted.

Per suite: a pandas data asset of the same name in the ``warehouse_frames`` datasource (GX's
SQL datasource fails on DuckDB, so frames are read with DuckDB and validated as DataFrames),
a whole-dataframe batch definition, a validation definition and a checkpoint that reports
the key columns of unexpected rows and updates the Data Docs site.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import uuid
from pathlib import Path

import great_expectations as gx
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.data_context import FileDataContext
from great_expectations.exceptions import DataContextError

from seh_stops.quality.gx_context import (
    BATCH_DEFINITION,
    CONTEXT_DIR,
    DATA_DOCS_SITE,
    DATASOURCE,
    load_context,
)
from seh_stops.quality.suites import SuiteSpec, all_suites

# Namespace of the content-derived ids (any fixed UUID works; never change it).
_ID_NAMESPACE = uuid.UUID("5e4b0c1a-2f6d-4d8e-9a51-7c3b2e1f0a99")


def set_up(context_dir: Path = CONTEXT_DIR) -> list[str]:
    """Create or update every suite's GX objects; return the checkpoint names.

    GX opens the output stores on load; setup writes none, so they point at a throwaway
    folder instead of creating an empty ``data/gx`` in whatever the data dir is.
    """
    specs = all_suites()
    with tempfile.TemporaryDirectory(prefix="gx_setup_") as scratch:
        context = load_context(context_dir, data_dir=Path(scratch))
        for spec in specs:
            _set_up_suite(context, spec)
        _delete_stale(context, {spec.name for spec in specs})
    return [spec.name for spec in specs]


def _set_up_suite(context: FileDataContext, spec: SuiteSpec) -> None:
    batch_definition = _batch_definition(context, spec.name)
    suite = _suite(context, spec)
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=spec.name, data=batch_definition, suite=suite)
    )
    context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=spec.name,
            validation_definitions=[validation],
            # COMPLETE lists every unexpected row's keys, so sample rows can be looked up.
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": spec.key_columns,
            },
            actions=[UpdateDataDocsAction(name="update_data_docs", site_names=[DATA_DOCS_SITE])],
        )
    )


def _suite(context: FileDataContext, spec: SuiteSpec) -> gx.ExpectationSuite:
    """Write the suite with content-derived expectation ids.

    GX's ``add`` replaces given ids with random ones, so a new suite is first added empty;
    ``add_or_update`` then keeps the ids set here.
    """
    try:
        context.suites.get(spec.name)
    except DataContextError:
        context.suites.add(gx.ExpectationSuite(name=spec.name))
    suite = gx.ExpectationSuite(
        name=spec.name, expectations=spec.expectations, notes=spec.description
    )
    for expectation in suite.expectations:
        expectation.id = _content_id(spec.name, expectation.configuration.to_json_dict())
    return context.suites.add_or_update(suite)


def _content_id(suite: str, configuration: dict) -> str:
    """A stable id for an expectation: the same content always gets the same id.

    GX compares expectations including their ids, so its ``add_or_update`` would give every
    expectation a new random id on each set-up run; deriving it from the content avoids that.
    """
    configuration = {key: value for key, value in configuration.items() if key != "id"}
    text = json.dumps([suite, configuration], sort_keys=True, default=str)
    return str(uuid.uuid5(_ID_NAMESPACE, text))


def _batch_definition(context: FileDataContext, name: str):
    """The whole-dataframe batch definition of data asset ``name`` (created when missing)."""
    try:
        datasource = context.data_sources.get(DATASOURCE)
    except (KeyError, ValueError, DataContextError):
        datasource = context.data_sources.add_pandas(DATASOURCE)
    try:
        asset = datasource.get_asset(name)
    except LookupError:
        asset = datasource.add_dataframe_asset(name)
    try:
        return asset.get_batch_definition(BATCH_DEFINITION)
    except (KeyError, ValueError, LookupError):
        return asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION)


def _delete_stale(context: FileDataContext, names: set[str]) -> None:
    """Remove checkpoints, validation definitions, suites and assets of removed suites."""
    for checkpoint in list(context.checkpoints.all()):
        if checkpoint.name not in names:
            context.checkpoints.delete(checkpoint.name)
    for validation in list(context.validation_definitions.all()):
        if validation.name not in names:
            context.validation_definitions.delete(validation.name)
    for suite in list(context.suites.all()):
        if suite.name not in names:
            context.suites.delete(suite.name)
    datasource = context.data_sources.get(DATASOURCE)
    for asset in list(datasource.assets):
        if asset.name not in names:
            datasource.delete_asset(asset.name)


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m seh_stops.quality.gx_setup [--context-dir DIR]``."""
    parser = argparse.ArgumentParser(
        description=(
            "Write the Great Expectations suites, validation definitions and checkpoints of "
            "seh-stops into the file context (expectations/). Idempotent; commit the result."
        )
    )
    parser.add_argument(
        "--context-dir",
        type=Path,
        default=CONTEXT_DIR,
        help="the GX file context to write (default: expectations/ in the repository)",
    )
    args = parser.parse_args(argv)
    names = set_up(args.context_dir)
    print(f"GX context {args.context_dir}: checkpoints {', '.join(names)} are up to date.")


if __name__ == "__main__":
    main()
