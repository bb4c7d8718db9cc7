{#- The normalised figures of a region and month (minutes in stop per SEH location per day;
    share of the region's SEH-hours in stop, as a percentage), rounded half up to hundredths
    in integer arithmetic like the minutes. One home for both the section-7 mart and the
    comparison mart (specification, section 9), so the two definitions are normalised alike.
    NULL when the seconds are NULL (niet_geregistreerd) or the count is 0. -#}
{% macro minuten_per_locatie_per_dag(seconds, locations, days) -%}
    cast(
        cast(
            (200 * {{ seconds }} + 60 * {{ locations }} * {{ days }})
            // nullif(2 * 60 * {{ locations }} * {{ days }}, 0)
            as decimal(18, 0)
        ) * 0.01
        as decimal(12, 2)
    )
{%- endmacro %}

{% macro procent_seh_uren_in_stop(seconds, locations, seconds_in_month) -%}
    cast(
        cast(
            (200 * 100 * {{ seconds }} + {{ locations }} * {{ seconds_in_month }})
            // nullif(2 * {{ locations }} * {{ seconds_in_month }}, 0)
            as decimal(18, 0)
        ) * 0.01
        as decimal(7, 2)
    )
{%- endmacro %}
