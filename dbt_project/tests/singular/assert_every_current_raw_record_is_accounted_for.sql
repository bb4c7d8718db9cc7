-- Every raw record of a current export-day version is exactly one of: in its day's register
-- snapshot, a valid mutation, an identical re-send of a mutation, or in dq_quarantaine; and
-- dq_quarantaine holds nothing else. Returns the records that break this.
--
-- One aggregation over raw records and outcomes together, keyed on two integers, instead of
-- an aggregation and a full outer join keyed on text: at 100 x the Netherlands over ten years
-- (44 million raw records) the join did not fit in DuckDB's default 4GB, the aggregation
-- spills (docs/performance.md).
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

uitkomsten as (
    select
        versie_id,
        bestand,
        recordnummer
    from register
    where is_in_snapshot
    union all
    select
        versie_id,
        bestand,
        recordnummer
    from mutaties
    where is_geldig or is_identiek_duplicaat
    union all
    select
        versie_id,
        bestand,
        recordnummer
    from quarantaine
),

-- raw records of current versions count once each, outcomes are counted beside them
sporen as (
    select
        ruwe_records.versie_id,
        ruwe_records.bestand,
        ruwe_records.recordnummer,
        1 as is_ruw
    from ruwe_records
    inner join huidige_versies
        on ruwe_records.versie_id = huidige_versies.versie_id
    union all
    select
        versie_id,
        bestand,
        recordnummer,
        0 as is_ruw
    from uitkomsten
),

-- (versie_id, bestand) hashed to one integer: some 10,000 pairs in ten years, so two sharing a
-- 64-bit hash is as good as impossible, and the group key stays 16 bytes a record
per_record as (
    select
        recordnummer,
        hash(versie_id, bestand) as bestand_sleutel,
        any_value(versie_id) as versie_id,
        any_value(bestand) as bestand,
        sum(is_ruw) as aantal_ruwe_records,
        count(*) - sum(is_ruw) as aantal_uitkomsten
    from sporen
    group by bestand_sleutel, recordnummer
),

final as (
    select
        versie_id,
        bestand,
        recordnummer,
        aantal_uitkomsten,
        aantal_ruwe_records = 1 as is_huidig_ruw_record
    from per_record
)

select * from final
where not is_huidig_ruw_record or aantal_uitkomsten != 1
