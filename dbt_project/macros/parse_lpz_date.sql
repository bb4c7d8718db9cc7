{#- A contract date (actief_sinds): exactly YYYY-MM-DD and a real calendar day, else NULL. -#}
{% macro parse_lpz_date(column) -%}
    case
        when regexp_full_match({{ column }}, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
            then cast(try_strptime({{ column }}, '%Y-%m-%d') as date)
    end
{%- endmacro %}
