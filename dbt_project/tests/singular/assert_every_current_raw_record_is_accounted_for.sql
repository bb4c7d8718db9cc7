-- Every raw record of a current export-day version is exactly one of: in its day's register
-- snapshot, a valid mutation, an identical re-send of a mutation, or in dq_quarantaine; and
-- dq_quarantaine holds nothing else. Returns the records that break this.
with

huidige_versies as (
    select versie_id from {{ ref('stg_lpz__export_versies') }}
),

ruwe_locaties as (
    select
        versie_id,
        bestand,
        recordnummer
    from {{ source('lpz', 'seh_locaties') }}
),

ruwe_mutaties as (
    select
        versie_id,
        bestand,
        recordnummer
    from {{ source('lpz', 'seh_statusmutaties') }}
),

ruwe_onleesbare as (
    select
        versie_id,
        bestand,
        recordnummer
    from {{ source('lpz', 'quarantaine') }}
),

register as (
    select * from {{ ref('int_seh_locaties_gevalideerd') }}
),

mutaties as (
    select * from {{ ref('int_statusmutaties_gevalideerd') }}
),

quarantaine as (
    select * from {{ ref('dq_quarantaine') }}
),

ruwe_records as (
    select * from ruwe_locaties
    union all
    select * from ruwe_mutaties
    union all
    select * from ruwe_onleesbare
),

huidige_ruwe_records as (
    select ruwe_records.*
    from ruwe_records
    inner join huidige_versies
        on ruwe_records.versie_id = huidige_versies.versie_id
),

uitkomsten as (
    select
        versie_id,
        bestand,
        recordnummer,
        'in_snapshot' as uitkomst
    from register
    where is_in_snapshot
    union all
    select
        versie_id,
        bestand,
        recordnummer,
        case when is_identiek_duplicaat then 'identiek_duplicaat' else 'geldig' end as uitkomst
    from mutaties
    where is_geldig or is_identiek_duplicaat
    union all
    select
        versie_id,
        bestand,
        recordnummer,
        'quarantaine' as uitkomst
    from quarantaine
),

uitkomsten_per_record as (
    select
        versie_id,
        bestand,
        recordnummer,
        count(*) as aantal_uitkomsten
    from uitkomsten
    group by versie_id, bestand, recordnummer
),

final as (
    select
        coalesce(huidige_ruwe_records.versie_id, uitkomsten_per_record.versie_id) as versie_id,
        coalesce(huidige_ruwe_records.bestand, uitkomsten_per_record.bestand) as bestand,
        coalesce(
            huidige_ruwe_records.recordnummer, uitkomsten_per_record.recordnummer
        ) as recordnummer,
        huidige_ruwe_records.versie_id is not null as is_huidig_ruw_record,
        coalesce(uitkomsten_per_record.aantal_uitkomsten, 0) as aantal_uitkomsten
    from huidige_ruwe_records
    full outer join uitkomsten_per_record
        on
            huidige_ruwe_records.versie_id = uitkomsten_per_record.versie_id
            and huidige_ruwe_records.bestand = uitkomsten_per_record.bestand
            and huidige_ruwe_records.recordnummer = uitkomsten_per_record.recordnummer
)

select * from final
where not is_huidig_ruw_record or aantal_uitkomsten != 1
