{#- The calendar date in the contract's time zone (var lpz_tijdzone) of an instant. -#}
{% macro to_local_date(timestamp_at) -%}
    cast(timezone('{{ var("lpz_tijdzone") }}', {{ timestamp_at }}) as date)
{%- endmacro %}
