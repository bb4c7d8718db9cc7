-- Contract section 4.3 with "Region and agreement": each stop interval gets the region of its
-- location on the local date of its start and that region's agreement valid on that date;
-- only the intervals whose stop type the agreement counts are kept.
with

intervallen as (
    select * from {{ ref('int_stop_intervallen') }}
),

register as (
    select
        export_datum,
        locatie_id,
        roaz_regio
    from {{ ref('int_seh_locaties_gevalideerd') }}
    where is_in_snapshot
),

afspraken as (
    select * from {{ ref('regio_afspraken') }}
),

met_begindatum as (
    select
        *,
        {{ to_local_date('begin_at') }} as begin_datum
    from intervallen
),

met_regio as (
    {{ with_region_on_date('met_begindatum', 'begin_datum', 'register') }}
),

met_afspraak as (
    select
        met_regio.*,
        afspraken.geldig_vanaf as afspraak_geldig_vanaf,
        afspraken.getelde_stoptypes,
        afspraken.minimale_stopduur_min,
        afspraken.verlenging_is_nieuwe_stop,
        afspraken.samenvoegmarge_min
    from met_regio
    asof inner join afspraken
        on
            met_regio.roaz_regio = afspraken.roaz_regio
            and met_regio.begin_datum >= afspraken.geldig_vanaf
),

final as (
    select
        locatie_id,
        volgnummer,
        mutatie_id,
        stoptype,
        begin_at,
        einde_at,
        duur_seconden,
        is_lopend,
        begin_datum,
        roaz_regio,
        regio_snapshot_datum,
        afspraak_geldig_vanaf,
        minimale_stopduur_min,
        verlenging_is_nieuwe_stop,
        samenvoegmarge_min
    from met_afspraak
    where list_contains(string_split(getelde_stoptypes, ' '), stoptype)
)

select * from final
