-- Specification, sections 4.5-4.6: one row per episode with its duration (time actually in stop,
-- real elapsed time) and whether it reaches its agreement's minimum duration, per definitie
-- ('regionaal' or 'referentie', specification, section 9.1).
with

ketens as (
    select * from {{ ref('int_stop_ketens') }}
),

episodes as (
    select
        episode_id,
        definitie,
        locatie_id,
        episode_nr,
        any_value(episode_eerste_mutatie_id) as eerste_mutatie_id,
        any_value(episode_roaz_regio) as roaz_regio,
        any_value(episode_afspraak_geldig_vanaf) as afspraak_geldig_vanaf,
        any_value(episode_minimale_stopduur_min) as minimale_stopduur_min,
        min(begin_at) as begin_at,
        max(einde_at) as einde_at,
        sum(duur_seconden) as duur_seconden,
        count(*) as aantal_intervallen,
        bool_or(is_lopend) as is_lopend
    from ketens
    group by episode_id, definitie, locatie_id, episode_nr
),

final as (
    select
        episode_id,
        definitie,
        locatie_id,
        episode_nr,
        eerste_mutatie_id,
        roaz_regio,
        afspraak_geldig_vanaf,
        minimale_stopduur_min,
        begin_at,
        einde_at,
        cast(duur_seconden as bigint) as duur_seconden,
        cast(aantal_intervallen as integer) as aantal_intervallen,
        is_lopend,
        {{ to_local_month('begin_at') }} as start_maand,
        duur_seconden >= minimale_stopduur_min * 60 as is_geteld
    from episodes
)

select * from final
