{#- The moment of this run as a timestamptz: dbt's run_started_at (UTC), or the var
    dq_peilmoment when set (unit tests fix the time with it). The `is defined` test lets
    sqlfluff, which has no run_started_at, render the model. -#}
{% macro dq_peilmoment() -%}
    {%- set peilmoment = var('dq_peilmoment', none) -%}
    {%- if peilmoment is none and run_started_at is defined -%}
        {%- set peilmoment = run_started_at.isoformat() -%}
    {%- endif -%}
    cast('{{ peilmoment }}' as timestamptz)
{%- endmacro %}
