with

register as (
    select * from {{ ref('int_seh_locaties_gevalideerd') }}
    where quarantaine_reden is not null
),

mutaties as (
    select * from {{ ref('int_statusmutaties_gevalideerd') }}
    where quarantaine_reden is not null
),

onleesbaar as (
    select * from {{ ref('stg_lpz__quarantaine') }}
),

register_quarantaine as (
    select
        export_datum,
        versie_id,
        bestand,
        regelnummer,
        recordnummer,
        quarantaine_reden as reden,
        quarantaine_detail as detail,
        cast(null as varchar) as mutatie_id,
        nullif(locatie_id, '') as locatie_id
    from register
),

mutatie_quarantaine as (
    select
        export_datum,
        versie_id,
        bestand,
        regelnummer,
        recordnummer,
        quarantaine_reden as reden,
        quarantaine_detail as detail,
        nullif(mutatie_id, '') as mutatie_id,
        nullif(locatie_id, '') as locatie_id
    from mutaties
),

onleesbaar_quarantaine as (
    -- the loader could not split these records: no field is known
    select
        export_datum,
        versie_id,
        bestand,
        regelnummer,
        recordnummer,
        reden,
        detail,
        cast(null as varchar) as mutatie_id,
        cast(null as varchar) as locatie_id
    from onleesbaar
),

final as (
    select * from register_quarantaine
    union all
    select * from mutatie_quarantaine
    union all
    select * from onleesbaar_quarantaine
)

select * from final
