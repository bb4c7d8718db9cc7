"""Data quality with Great Expectations, as plain library code (no Dagster).

``suites`` states what every validated frame must satisfy, ``frames`` reads those frames from
the warehouse, ``gx_setup`` writes the GX file context in ``expectations/`` (a setup step, run
by ``make setup``), and ``gx_context`` runs a checkpoint on a frame and summarises the result.
The Dagster asset checks in ``orchestration/checks`` are thin wrappers around these.
"""
