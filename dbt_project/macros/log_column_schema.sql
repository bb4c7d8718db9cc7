{#-
    Post-hook: logs the columns of the relation just built as one JSON line
    ({"columns": {name: {"data_type": type}}}). dagster-dbt reads that line from the dbt event
    stream and attaches it to the asset's materialization as `dagster/column_schema`, which the
    column-schema-change checks compare (orchestration/checks/schema_changes.py). Done inside
    dbt's own connection: a DuckDB file allows no second connection while dbt writes it.
    Renders no SQL.
-#}
{% macro log_column_schema() -%}
    {%- if execute -%}
        {%- set column_schema = {} -%}
        {%- for column in adapter.get_columns_in_relation(this) -%}
            {%- do column_schema.update({column.name: {"data_type": column.data_type}}) -%}
        {%- endfor -%}
        {%- do log(tojson({"columns": column_schema}), info=true) -%}
    {%- endif -%}
{%- endmacro %}
