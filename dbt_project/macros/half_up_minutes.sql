{#- Non-negative whole seconds as minutes rounded half up (specification, section 6), in integer
    arithmetic: 29 s -> 0, 30 s -> 1. -#}
{% macro half_up_minutes(seconds) -%}
    (({{ seconds }} + 30) // 60)
{%- endmacro %}
