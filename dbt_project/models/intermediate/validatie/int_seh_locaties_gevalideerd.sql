-- Specification, section 8 "Register": each register record of a current export-day version either
-- enters that day's snapshot or is left out with one reason (the first failing check).
with

seh_locaties as (
    select * from {{ ref('stg_lpz__seh_locaties') }}
),

referentie as (
    select * from {{ ref('seh_referentie') }}
),

bekende_regios as (
    select distinct roaz_regio from referentie
),

geteld as (
    select
        seh_locaties.*,
        count(*) over (
            partition by seh_locaties.export_datum, seh_locaties.locatie_id
        ) as aantal_met_zelfde_id,
        bekende_regios.roaz_regio is not null as is_bekende_regio
    from seh_locaties
    left join bekende_regios
        on seh_locaties.roaz_regio = bekende_regios.roaz_regio
),

gecontroleerd as (
    select
        *,
        case
            when locatie_id = '' then 'missing_required_field'
            when aantal_met_zelfde_id > 1 then 'duplicate_locatie_id'
            when not is_bekende_regio then 'unknown_region'
            when is_seh_module_actief is null then 'invalid_value'
            when is_traumacentrum_level1 is null then 'invalid_value'
            when actief_sinds != '' and actief_sinds_datum is null then 'invalid_value'
        end as quarantaine_reden,
        case
            when locatie_id = '' then 'empty field: locatie_id'
            when aantal_met_zelfde_id > 1
                then 'locatie_id occurs ' || aantal_met_zelfde_id || ' times in this register'
            when not is_bekende_regio then 'roaz_regio is not a region of the reference list'
            when is_seh_module_actief is null then 'seh_module_actief is not ja/nee'
            when is_traumacentrum_level1 is null then 'traumacentrum_level1 is not ja/nee'
            when actief_sinds != '' and actief_sinds_datum is null
                then 'actief_sinds is not a date YYYY-MM-DD'
        end as quarantaine_detail
    from geteld
),

final as (
    select
        versie_id,
        export_datum,
        bestand,
        regelnummer,
        recordnummer,
        locatie_id,
        locatie_naam,
        ziekenhuis,
        roaz_regio,
        is_seh_module_actief,
        actief_sinds_datum,
        is_traumacentrum_level1,
        quarantaine_reden,
        quarantaine_detail,
        quarantaine_reden is null as is_in_snapshot,
        quarantaine_reden is null
        and is_seh_module_actief
        and actief_sinds_datum is null as is_actief_zonder_datum
    from gecontroleerd
)

select * from final
