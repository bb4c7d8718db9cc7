-- Specification, sections 6, 9 and 10: per definitie, region and period (a local month or a
-- local quarter) the stops (counted episodes that start in the period) and their exact
-- seconds in the period (the month parts of int_stop_episode_maanddelen, summed per period).
-- The one home of this rule for the month marts and the quarter mart; minutes are rounded
-- there, once per period, never summed from rounded months.
with

episodes as (
    select * from {{ ref('int_stop_episodes') }}
    where is_geteld
),

maanddelen as (
    select * from {{ ref('int_stop_episode_maanddelen') }}
),

stops_per_maand as (
    select
        definitie,
        roaz_regio,
        start_maand as maand,
        count(*) as aantal_stops,
        0 as totale_duur_seconden
    from episodes
    group by definitie, roaz_regio, start_maand
),

duur_per_maand as (
    select
        definitie,
        roaz_regio,
        maand,
        0 as aantal_stops,
        sum(duur_seconden) as totale_duur_seconden
    from maanddelen
    group by definitie, roaz_regio, maand
),

maandcijfers as (
    select * from stops_per_maand
    union all
    select * from duur_per_maand
),

periodes as (
    -- every month figure counts in its month and in the month's quarter
    select
        definitie,
        roaz_regio,
        'maand' as periode_soort,
        maand as periode,
        aantal_stops,
        totale_duur_seconden
    from maandcijfers
    union all
    select
        definitie,
        roaz_regio,
        'kwartaal' as periode_soort,
        {{ quarter_of_month('maand') }} as periode,
        aantal_stops,
        totale_duur_seconden
    from maandcijfers
),

final as (
    select
        definitie,
        roaz_regio,
        periode_soort,
        periode,
        cast(sum(aantal_stops) as integer) as aantal_stops,
        cast(sum(totale_duur_seconden) as bigint) as totale_duur_seconden
    from periodes
    group by definitie, roaz_regio, periode_soort, periode
)

select * from final
