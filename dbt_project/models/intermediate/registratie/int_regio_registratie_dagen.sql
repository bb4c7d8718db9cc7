-- Specification, sections 6 and 8: per region and calendar day of every month from the first to the
-- last current export day, which register snapshot holds for the day (that day's when it is
-- loaded, else the nearest earlier loaded one) and how many of the region's locations it
-- shows, and shows active on that day.
with

export_versies as (
    select export_datum from {{ ref('stg_lpz__export_versies') }}
),

register as (
    select * from {{ ref('int_seh_locaties_gevalideerd') }}
    where is_in_snapshot
),

referentie as (
    select * from {{ ref('seh_referentie') }}
),

regios as (
    select distinct roaz_regio from referentie
),

periode as (
    select
        cast(date_trunc('month', min(export_datum)) as date) as eerste_datum,
        last_day(max(export_datum)) as laatste_datum
    from export_versies
),

dagen as (
    select
        cast(unnest(generate_series(eerste_datum, laatste_datum, interval 1 day)) as date)
            as datum
    from periode
),

dag_snapshots as (
    select
        dagen.datum,
        export_versies.export_datum as snapshot_datum,
        coalesce(export_versies.export_datum = dagen.datum, false) as is_geladen
    from dagen
    asof left join export_versies
        on dagen.datum >= export_versies.export_datum
),

regio_dagen as (
    select
        regios.roaz_regio,
        dag_snapshots.datum,
        dag_snapshots.snapshot_datum,
        dag_snapshots.is_geladen
    from regios
    cross join dag_snapshots
),

final as (
    -- a location is active on day d when the snapshot says ja and actief_sinds <= d
    select
        regio_dagen.roaz_regio,
        regio_dagen.datum,
        regio_dagen.snapshot_datum,
        regio_dagen.is_geladen,
        cast(count(register.locatie_id) as integer) as aantal_locaties_in_register,
        cast(count(register.locatie_id) filter (
            where register.is_seh_module_actief
            and register.actief_sinds_datum <= regio_dagen.datum
        ) as integer) as aantal_actieve_locaties
    from regio_dagen
    left join register
        on
            regio_dagen.snapshot_datum = register.export_datum
            and regio_dagen.roaz_regio = register.roaz_regio
    group by
        regio_dagen.roaz_regio,
        regio_dagen.datum,
        regio_dagen.snapshot_datum,
        regio_dagen.is_geladen
)

select * from final
