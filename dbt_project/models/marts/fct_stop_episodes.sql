with

episodes as (
    select * from {{ ref('int_stop_episodes') }}
    where is_geteld
),

final as (
    select
        episode_id,
        definitie,
        locatie_id,
        roaz_regio,
        eerste_mutatie_id,
        afspraak_geldig_vanaf,
        begin_at,
        einde_at,
        duur_seconden,
        aantal_intervallen,
        is_lopend,
        start_maand
    from episodes
)

select * from final
