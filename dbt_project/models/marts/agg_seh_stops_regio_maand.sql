with

registratiestatus as (
    select * from {{ ref('int_regio_registratiestatus') }}
),

-- the section-7 figures follow each region's own agreement; the reference definition's
-- figures are in agg_seh_stops_vergelijking_maand (specification, section 9)
maandcijfers as (
    select * from {{ ref('int_regio_periode_cijfers') }}
    where definitie = 'regionaal' and periode_soort = 'maand'
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
                then coalesce(maandcijfers.aantal_stops, 0)
        end as aantal_stops,
        case
            when registratiestatus.registratiestatus != 'niet_geregistreerd'
                then coalesce(maandcijfers.totale_duur_seconden, 0)
        end as totale_duur_seconden
    from registratiestatus
    left join maandcijfers
        on
            registratiestatus.roaz_regio = maandcijfers.roaz_regio
            and registratiestatus.maand = maandcijfers.periode
),

maandbegin as (
    select
        *,
        cast(maand || '-01' as date) as maand_begin_datum
    from gecombineerd
),

maandlengtes as (
    -- the local calendar month: its days, and its real seconds from local midnight on the 1st
    -- to local midnight on the next 1st (an hour less in March, an hour more in October)
    select
        *,
        datediff('day', maand_begin_datum, maand_begin_datum + interval 1 month) as aantal_dagen,
        {{ seconds_between(
            local_midnight_at('maand_begin_datum'),
            local_midnight_at('maand_begin_datum + interval 1 month')
        ) }} as seconden_in_maand
    from maandbegin
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
        cast(volgorde as integer) as volgorde,
        cast(aantal_dagen as integer) as aantal_dagen,
        cast(seconden_in_maand // 3600 as integer) as uren_in_maand,
        -- comparable between regions of 3 to 18 locations (macros/normalised_figures.sql)
        {{ minuten_per_locatie_per_dag(
            'totale_duur_seconden', 'aantal_seh_locaties', 'aantal_dagen'
        ) }} as minuten_per_locatie_per_dag,
        {{ procent_seh_uren_in_stop(
            'totale_duur_seconden', 'aantal_seh_locaties', 'seconden_in_maand'
        ) }} as procent_seh_uren_in_stop
    from maandlengtes
)

select * from final
order by maand, volgorde
