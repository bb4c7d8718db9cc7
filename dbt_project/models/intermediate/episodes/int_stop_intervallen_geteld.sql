-- Specification, section 4.3 with "Region and agreement": each stop interval gets the region of its
-- location on the local date of its start and that region's agreement valid on that date;
-- only the intervals whose stop type the agreement counts are kept.
--
-- Every interval is judged twice, once per definitie (specification, section 9.1):
-- 'regionaal' under its region's own agreement (regio_afspraken), 'referentie' under the
-- reference definition (referentie_definitie), which is the same "agreement" for every
-- region. The steps after this one carry definitie along, so the episode logic of section 4
-- exists once for both.
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

regionale_afspraken as (
    select * from {{ ref('regio_afspraken') }}
),

referentie as (
    select * from {{ ref('referentie_definitie') }}
),

afspraken as (
    -- the reference definition as one more agreement per region (the regions of
    -- regio_afspraken, so both definitions know the same regions)
    select
        'regionaal' as definitie,
        roaz_regio,
        geldig_vanaf,
        getelde_stoptypes,
        minimale_stopduur_min,
        verlenging_is_nieuwe_stop,
        samenvoegmarge_min
    from regionale_afspraken

    union all

    select
        'referentie' as definitie,
        regios.roaz_regio,
        referentie.geldig_vanaf,
        referentie.getelde_stoptypes,
        referentie.minimale_stopduur_min,
        referentie.verlenging_is_nieuwe_stop,
        referentie.samenvoegmarge_min
    from (select distinct roaz_regio from regionale_afspraken) as regios
    cross join referentie
),

definities as (
    select distinct definitie from afspraken
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

per_definitie as (
    select
        met_regio.*,
        definities.definitie
    from met_regio
    cross join definities
),

met_afspraak as (
    select
        per_definitie.*,
        afspraken.geldig_vanaf as afspraak_geldig_vanaf,
        afspraken.getelde_stoptypes,
        afspraken.minimale_stopduur_min,
        afspraken.verlenging_is_nieuwe_stop,
        afspraken.samenvoegmarge_min
    from per_definitie
    asof inner join afspraken
        on
            per_definitie.definitie = afspraken.definitie
            and per_definitie.roaz_regio = afspraken.roaz_regio
            and per_definitie.begin_datum >= afspraken.geldig_vanaf
),

final as (
    select
        definitie,
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
