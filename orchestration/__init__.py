"""The seh-stops Dagster code location: assets, asset checks, resources, jobs, sensors, schedules.

Only Dagster wiring lives here; the logic it runs is in the domain libraries (``seh_stops/``)
and in the dbt project (``dbt_project/``).
"""

from orchestration import dagster_dbt_import

# before anything here imports dagster-dbt: it then leaves dbt-core out of this process
dagster_dbt_import.install()
