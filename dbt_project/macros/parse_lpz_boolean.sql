{#- A contract boolean: exactly 'ja' or 'nee' (not trimmed, case-sensitive), else NULL. -#}
{% macro parse_lpz_boolean(column) -%}
    case {{ column }} when 'ja' then true when 'nee' then false end
{%- endmacro %}
