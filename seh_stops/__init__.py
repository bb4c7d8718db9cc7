"""seh-stops' domain libraries: plain Python that imports nothing of Dagster.

- :mod:`seh_stops.lpz`: reading, verifying and loading LPZ export days;
- :mod:`seh_stops.quality`: the Great Expectations suites and how their outcomes are read;
- :mod:`seh_stops.alerts`: the LNAZ findings digest and the run-failure mail;
- :mod:`seh_stops.delivery`: the monthly delivery to the ministry (specification, section 7);
- small shared helpers: :mod:`.settings` (the data dir), :mod:`.durable` (crash-safe writes),
  :mod:`.batching`, :mod:`.processes`, :mod:`.dutch`.

The Dagster code location (``orchestration/``) wraps these in assets, checks and resources; the
command line (``cli/``) runs that code location without the UI.
"""
