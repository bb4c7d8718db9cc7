{#- A contract timestamp (specification, section 8) as an instant: exactly YYYY-MM-DDTHH:MM:SS
followed by
    +HH:MM, -HH:MM or Z (offset hours 00-23, minutes 00-59). Anything else, including a
    value that matches the pattern but is no real date or time, gives NULL. So does an
    instant outside 0001-01-02 .. 9999-12-30 UTC (e.g. 0001-01-01T00:00:00+01:00, in 1 BC in
    UTC): one day inside the four-digit years, so its date in any time zone has four digits,
    and Python can hold it. seh_stops/lpz/timestamps.py applies the same rule, so the
    ingestion, the GX checks and dbt agree on what parses. -#}
{% macro parse_lpz_timestamp(column) -%}
    case
        when regexp_full_match(
            {{ column }},
            '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([+-]([01][0-9]|2[0-3]):[0-5][0-9]|Z)'
        )
            then (
                case
                    when
                        try_strptime(
                            regexp_replace({{ column }}, 'Z$', '+00:00'), '%Y-%m-%dT%H:%M:%S%z'
                        )
                        between cast('0001-01-02 00:00:00+00' as timestamptz)
                        and cast('9999-12-30 23:59:59+00' as timestamptz)
                        then try_strptime(
                            regexp_replace({{ column }}, 'Z$', '+00:00'), '%Y-%m-%dT%H:%M:%S%z'
                        )
                end
            )
    end
{%- endmacro %}
