{#-
    Fails for every listed column that holds a NULL: one row per such column with its number of
    NULL rows, and dbt counts the NULLs (fail_calc), as one not_null test per column would.
    One query and one dbt node for all of a model's required columns: each dbt node costs a
    build tens of milliseconds whatever the data, and most of a build's nodes were one-column
    not_null tests (docs/performance.md).
-#}
{% test not_null_columns(model, columns) %}
{{- config(fail_calc = "coalesce(sum(null_rows), 0)") }}

with

model_rows as (
    select * from {{ model }}
),

null_counts as (
    select
        {% for column in columns -%}
            count(*) filter (where {{ column }} is null) as {{ column }}{{ "," if not loop.last }}
        {% endfor %}
    from model_rows
),

per_column as (
    unpivot null_counts
    on {{ columns | join(', ') }}
    into name column_name value null_rows
),

final as (
    select * from per_column
    where null_rows > 0
)

select * from final

{% endtest %}
