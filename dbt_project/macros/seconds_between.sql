{#- Whole seconds of real elapsed time (UTC) from one instant to another, as bigint. -#}
{% macro seconds_between(start_at, end_at) -%}
    ((epoch_ms({{ end_at }}) - epoch_ms({{ start_at }})) // 1000)
{%- endmacro %}
