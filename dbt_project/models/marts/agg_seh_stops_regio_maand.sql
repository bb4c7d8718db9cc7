with

registratiestatus as (
    select * from {{ ref('int_regio_registratiestatus') }}
),

episodes as (
    select * from {{ ref('fct_stop_episodes') }}
),

maanddelen as (
    select * from {{ ref('int_stop_episode_maanddelen') }}
),

stops_per_maand as (
    -- a stop counts in the local month of its start
    select
        roaz_regio,
        start_maand as maand,
        count(*) as aantal_stops
    from episodes
    group by roaz_regio, start_maand
),

duur_per_maand as (
    -- its seconds count in the local months in which they fall
    select
        roaz_regio,
        maand,
        sum(duur_seconden) as totale_duur_seconden
    from maanddelen
    group by roaz_regio, maand
),

gecombineerd as (
    select
        registratiestatus.maand,
        registratiestatus.roaz_regio,
        registratiestatus.volgorde,
        registratiestatus.registratiestatus,
        registratiestatus.aantal_seh_locaties,
        case
            when registratiestatus.registratiestatus != 'niet_geregistreerd'
                then coalesce(stops_per_maand.aantal_stops, 0)
        end as aantal_stops,
        case
            when registratiestatus.registratiestatus != 'niet_geregistreerd'
                then coalesce(duur_per_maand.totale_duur_seconden, 0)
        end as totale_duur_seconden
    from registratiestatus
    left join stops_per_maand
        on
            registratiestatus.roaz_regio = stops_per_maand.roaz_regio
            and registratiestatus.maand = stops_per_maand.maand
    left join duur_per_maand
        on
            registratiestatus.roaz_regio = duur_per_maand.roaz_regio
            and registratiestatus.maand = duur_per_maand.maand
),

final as (
    select
        maand,
        roaz_regio,
        registratiestatus,
        cast(aantal_seh_locaties as integer) as aantal_seh_locaties,
        cast(aantal_stops as integer) as aantal_stops,
        cast({{ half_up_minutes('totale_duur_seconden') }} as integer) as totale_duur_minuten,
        cast(totale_duur_seconden as bigint) as totale_duur_seconden,
        cast(volgorde as integer) as volgorde
    from gecombineerd
)

select * from final
order by maand, volgorde
