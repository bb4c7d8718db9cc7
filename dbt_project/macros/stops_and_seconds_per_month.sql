{#- Specification, section 6: the two CTEs that turn a definition's episodes into monthly
    figures per region. `stops_per_maand`: an episode counts as one stop in the local month of
    its start (`episodes` has roaz_regio and start_maand); `duur_per_maand`: its seconds count
    in the local months in which they fall (`maanddelen` has roaz_regio, maand and
    duur_seconden). The one home of this rule, used by agg_seh_stops_regio_maand (regional
    agreements) and agg_seh_stops_vergelijking_maand (the reference definition). -#}
{% macro stops_and_seconds_per_month(episodes, maanddelen) -%}
stops_per_maand as (
    select
        roaz_regio,
        start_maand as maand,
        count(*) as aantal_stops
    from {{ episodes }}
    group by roaz_regio, start_maand
),

duur_per_maand as (
    select
        roaz_regio,
        maand,
        sum(duur_seconden) as totale_duur_seconden
    from {{ maanddelen }}
    group by roaz_regio, maand
)
{%- endmacro %}
