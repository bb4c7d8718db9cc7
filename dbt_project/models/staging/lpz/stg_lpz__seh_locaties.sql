with

seh_locaties as (
    select * from {{ source('lpz', 'seh_locaties') }}
),

huidige_versies as (
    select versie_id from {{ ref('stg_lpz__export_versies') }}
),

final as (
    select
        seh_locaties.versie_id,
        seh_locaties.export_datum,
        seh_locaties.bestand,
        seh_locaties.regelnummer,
        seh_locaties.recordnummer,
        seh_locaties.locatie_id,
        seh_locaties.locatie_naam,
        seh_locaties.ziekenhuis,
        seh_locaties.roaz_regio,
        seh_locaties.seh_module_actief,
        seh_locaties.actief_sinds,
        seh_locaties.traumacentrum_level1,
        {{ parse_lpz_boolean('seh_locaties.seh_module_actief') }} as is_seh_module_actief,
        {{ parse_lpz_date('seh_locaties.actief_sinds') }} as actief_sinds_datum,
        {{ parse_lpz_boolean('seh_locaties.traumacentrum_level1') }} as is_traumacentrum_level1
    from seh_locaties
    inner join huidige_versies
        on seh_locaties.versie_id = huidige_versies.versie_id
)

select * from final
