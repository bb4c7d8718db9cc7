{#- The instant (timestamptz) of local midnight at the start of a date in the contract's time
    zone: local_midnight_at(d + 1) is the end of local day d, DST-correct. -#}
{% macro local_midnight_at(date_expression) -%}
    timezone('{{ var("lpz_tijdzone") }}', cast({{ date_expression }} as timestamp))
{%- endmacro %}
