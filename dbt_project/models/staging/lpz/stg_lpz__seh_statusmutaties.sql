with

seh_statusmutaties as (
    select * from {{ source('lpz', 'seh_statusmutaties') }}
),

huidige_versies as (
    select versie_id from {{ ref('stg_lpz__export_versies') }}
),

final as (
    select
        seh_statusmutaties.versie_id,
        seh_statusmutaties.export_datum,
        seh_statusmutaties.bestand,
        seh_statusmutaties.regelnummer,
        seh_statusmutaties.recordnummer,
        seh_statusmutaties.mutatie_id,
        seh_statusmutaties.locatie_id,
        seh_statusmutaties.status,
        seh_statusmutaties.stoptype,
        seh_statusmutaties.specialisme,
        seh_statusmutaties.ingang,
        seh_statusmutaties.gepland_einde,
        seh_statusmutaties.geregistreerd_op,
        seh_statusmutaties.vervangt_mutatie_id,
        {{ parse_lpz_timestamp('seh_statusmutaties.ingang') }} as ingang_at,
        {{ parse_lpz_timestamp('seh_statusmutaties.gepland_einde') }} as gepland_einde_at,
        {{ parse_lpz_timestamp('seh_statusmutaties.geregistreerd_op') }} as geregistreerd_at,
        -- the ten contract columns as text, JSON-encoded so no two contents collide; the only
        -- trace of toelichting that leaves the raw layer
        md5(to_json([
            seh_statusmutaties.mutatie_id,
            seh_statusmutaties.locatie_id,
            seh_statusmutaties.status,
            seh_statusmutaties.stoptype,
            seh_statusmutaties.specialisme,
            seh_statusmutaties.ingang,
            seh_statusmutaties.gepland_einde,
            seh_statusmutaties.geregistreerd_op,
            seh_statusmutaties.vervangt_mutatie_id,
            seh_statusmutaties.toelichting
        ])) as inhoud_hash
    from seh_statusmutaties
    inner join huidige_versies
        on seh_statusmutaties.versie_id = huidige_versies.versie_id
)

select * from final
