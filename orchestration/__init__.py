"""The seh-stops Dagster code location: assets, asset checks, resources, jobs, sensors, schedules.

Only Dagster wiring lives here; the logic it runs is in the domain libraries (``seh_stops/``)
and in the dbt project (``dbt_project/``).
"""
