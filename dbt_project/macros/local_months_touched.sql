{#- The first day of every local month (Europe/Amsterdam) that the span from `begin_at` to
    `einde_at` touches, one row each (an unnest): how an interval is split at the local
    midnights of month boundaries (specification, section 6.1). -#}
{% macro local_months_touched(begin_at, einde_at) -%}
cast(unnest(generate_series(
    date_trunc('month', {{ to_local_date(begin_at) }}),
    date_trunc('month', {{ to_local_date(einde_at) }}),
    interval 1 month
)) as date)
{%- endmacro %}
