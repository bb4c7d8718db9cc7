-- Specification, section 6: the seconds of each counted episode per local calendar month in which
-- they fall; intervals are split at local midnight of the 1st (DST-correct), gaps inside a
-- chain are not in stop and count nowhere. Per definitie (specification, section 9.1).
with

ketens as (
    select * from {{ ref('int_stop_ketens') }}
),

episodes as (
    select * from {{ ref('int_stop_episodes') }}
    where is_geteld
),

intervallen as (
    select
        ketens.episode_id,
        episodes.definitie,
        episodes.roaz_regio,
        ketens.begin_at,
        ketens.einde_at
    from ketens
    inner join episodes
        on ketens.episode_id = episodes.episode_id
),

interval_maanden as (
    -- every local month that an interval touches, from its start's to its end's
    select
        *,
        {{ local_months_touched('begin_at', 'einde_at') }} as maand_begin_datum
    from intervallen
),

maandgrenzen as (
    select
        *,
        {{ local_midnight_at('maand_begin_datum') }} as maand_begin_at,
        {{ local_midnight_at('maand_begin_datum + interval 1 month') }} as maand_einde_at
    from interval_maanden
),

interval_maanddelen as (
    select
        episode_id,
        definitie,
        roaz_regio,
        strftime(maand_begin_datum, '%Y-%m') as maand,
        {{ seconds_between(
            'greatest(begin_at, maand_begin_at)', 'least(einde_at, maand_einde_at)'
        ) }} as duur_seconden
    from maandgrenzen
),

final as (
    select
        episode_id,
        definitie,
        roaz_regio,
        maand,
        cast(sum(duur_seconden) as bigint) as duur_seconden
    from interval_maanddelen
    where duur_seconden > 0
    group by episode_id, definitie, roaz_regio, maand
)

select * from final
