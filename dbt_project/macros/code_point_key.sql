{#- A sort key that orders text by Unicode code point whatever the session's collation:
    UTF-8 bytes compare in code point order ('B' before 'a'). -#}
{% macro code_point_key(column) -%}
    encode({{ column }})
{%- endmacro %}
