with

quarantaine as (
    select * from {{ source('lpz', 'quarantaine') }}
),

huidige_versies as (
    select versie_id from {{ ref('stg_lpz__export_versies') }}
),

final as (
    -- ruwe_velden (the record's text, possibly free text) is left in the raw layer
    select
        quarantaine.versie_id,
        quarantaine.export_datum,
        quarantaine.bestand,
        quarantaine.regelnummer,
        quarantaine.recordnummer,
        quarantaine.reden,
        quarantaine.detail
    from quarantaine
    inner join huidige_versies
        on quarantaine.versie_id = huidige_versies.versie_id
)

select * from final
