{#- A contract timestamp (section 8) as an instant: exactly YYYY-MM-DDTHH:MM:SS followed by
    +HH:MM, -HH:MM or Z (offset hours 00-23, minutes 00-59). Anything else, including a
    value that matches the pattern but is no real date or time, gives NULL. -#}
{% macro parse_lpz_timestamp(column) -%}
    case
        when regexp_full_match(
            {{ column }},
            '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([+-]([01][0-9]|2[0-3]):[0-5][0-9]|Z)'
        )
            then try_strptime(
                regexp_replace({{ column }}, 'Z$', '+00:00'), '%Y-%m-%dT%H:%M:%S%z'
            )
    end
{%- endmacro %}
