{#- Models land in the schema their folder names (staging, intermediate, marts, reference),
    not in '<target schema>_<name>': the warehouse has one target, and readers (CLI, GX,
    delivery) query stable names such as marts.agg_seh_stops_regio_maand. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
