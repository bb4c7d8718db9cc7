{#- The calendar month ('YYYY-MM') in the contract's time zone of an instant. -#}
{% macro to_local_month(timestamp_at) -%}
    strftime(timezone('{{ var("lpz_tijdzone") }}', {{ timestamp_at }}), '%Y-%m')
{%- endmacro %}
