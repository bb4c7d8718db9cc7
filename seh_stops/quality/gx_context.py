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

from pathlib import Path
from typing import TYPE_CHECKING

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


def load_context(context_dir: Path = CONTEXT_DIR, data_dir: Path | None = None) -> FileDataContext:
    """The committed file context, with its output stores in ``data_dir`` (default: the
    current data dir)."""
    import great_expectations as gx

    return gx.get_context(
        mode="file",
        context_root_dir=str(context_dir),
        runtime_environment={"SEH_DATA_DIR": str(data_dir or settings.data_dir())},
    )


def run_checkpoint(
    name: str, frame: pd.DataFrame, context: FileDataContext | None = None
) -> SuiteOutcome:
    """Run checkpoint ``name`` on ``frame``, build its Data Docs page and summarise it."""
    from great_expectations.exceptions import DataContextError

    context = context or load_context()
    try:
        checkpoint = context.checkpoints.get(name)
    except DataContextError as error:
        raise GxContextNotSetUp(
            f"the GX context in {CONTEXT_DIR} has no checkpoint {name!r}: run "
            "`python -m seh_stops.quality.gx_setup` (part of `make setup`) and commit "
            "the files it writes"
        ) from error
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    ((identifier, validation),) = result.run_results.items()
    urls = context.get_docs_sites_urls(resource_identifier=identifier, site_name=DATA_DOCS_SITE)
    url = urls[0]["site_url"] if urls else None
    return summarise(name, validation.to_json_dict(), frame, url)


def data_docs_index_url() -> str:
    """The file:// URL of the Data Docs site's index in the current data dir."""
    return (settings.data_dir() / "gx" / "data_docs" / "index.html").as_uri()
