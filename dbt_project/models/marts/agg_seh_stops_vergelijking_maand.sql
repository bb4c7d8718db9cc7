-- Specification, section 9: per region and month the region's own figures (taken from the
-- section-7 mart, so they are equal by construction), the same region under the reference
-- definition, and the minutes during which several of its locations were in stop at once.
-- Every figure is NULL for a region that is niet_geregistreerd (specification, section 9.3).
with

regionaal as (
    select * from {{ ref('agg_seh_stops_regio_maand') }}
),

maandcijfers as (
    select * from {{ ref('int_regio_periode_cijfers') }}
    where definitie = 'referentie' and periode_soort = 'maand'
),

gelijktijdig as (
    select * from {{ ref('int_stop_gelijktijdig_maand') }}
),

gecombineerd as (
    select
        regionaal.*,
        regionaal.registratiestatus != 'niet_geregistreerd' as heeft_cijfers,
        coalesce(maandcijfers.aantal_stops, 0) as aantal_stops_ref,
        coalesce(maandcijfers.totale_duur_seconden, 0) as totale_duur_seconden_ref,
        coalesce(gelijktijdig.seconden_gelijktijdig_2plus, 0) as seconden_2plus,
        coalesce(gelijktijdig.seconden_gelijktijdig_helft, 0) as seconden_helft
    from regionaal
    left join maandcijfers
        on
            regionaal.roaz_regio = maandcijfers.roaz_regio
            and regionaal.maand = maandcijfers.periode
    left join gelijktijdig
        on
            regionaal.roaz_regio = gelijktijdig.roaz_regio
            and regionaal.maand = gelijktijdig.maand
),

alleen_geregistreerd as (
    select
        *,
        case when heeft_cijfers then aantal_stops_ref end as aantal_stops_referentie,
        case
            when heeft_cijfers then totale_duur_seconden_ref
        end as totale_duur_seconden_referentie,
        case when heeft_cijfers then seconden_2plus end as seconden_gelijktijdig_2plus,
        case when heeft_cijfers then seconden_helft end as seconden_gelijktijdig_helft
    from gecombineerd
),

final as (
    select
        maand,
        roaz_regio,
        registratiestatus,
        aantal_seh_locaties,
        aantal_stops as aantal_stops_regionaal,
        totale_duur_minuten as totale_duur_minuten_regionaal,
        cast(aantal_stops_referentie as integer) as aantal_stops_referentie,
        cast(
            {{ half_up_minutes('totale_duur_seconden_referentie') }} as integer
        ) as totale_duur_minuten_referentie,
        cast({{ half_up_minutes('seconden_gelijktijdig_2plus') }} as integer)
            as minuten_gelijktijdig_2plus,
        cast({{ half_up_minutes('seconden_gelijktijdig_helft') }} as integer)
            as minuten_gelijktijdig_helft,
        totale_duur_seconden as totale_duur_seconden_regionaal,
        cast(totale_duur_seconden_referentie as bigint) as totale_duur_seconden_referentie,
        cast(seconden_gelijktijdig_2plus as bigint) as seconden_gelijktijdig_2plus,
        cast(seconden_gelijktijdig_helft as bigint) as seconden_gelijktijdig_helft,
        minuten_per_locatie_per_dag as minuten_per_locatie_per_dag_regionaal,
        {{ minuten_per_locatie_per_dag(
            'totale_duur_seconden_referentie', 'aantal_seh_locaties', 'aantal_dagen'
        ) }} as minuten_per_locatie_per_dag_referentie,
        procent_seh_uren_in_stop as procent_seh_uren_in_stop_regionaal,
        -- uren_in_maand is exact: a month's length differs from 24 x days by whole hours
        {{ procent_seh_uren_in_stop(
            'totale_duur_seconden_referentie', 'aantal_seh_locaties', 'uren_in_maand * 3600'
        ) }} as procent_seh_uren_in_stop_referentie,
        volgorde
    from alleen_geregistreerd
)

select * from final
order by maand, volgorde
