"""seh-stops: Dagster code location and library code."""
