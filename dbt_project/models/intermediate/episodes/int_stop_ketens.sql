-- Specification, sections 4.4-4.5 with "Region and agreement": assigns every kept interval of a
-- location to an episode. Intervals run in time order; a following interval joins the open
-- episode when the EPISODE's agreement (that of its first interval) has
-- verlenging_is_nieuwe_stop = 'nee' and the gap since the previous kept interval's end is at
-- most samenvoegmarge_min minutes (inclusive, to the second); otherwise it opens an episode
-- under its own agreement.
--
-- Set-based: a "segment" is a run of consecutive intervals sharing one agreement. Inside a
-- segment, once an episode has opened there, the segment's own agreement decides every break,
-- so window functions suffice. Only the agreement that an episode carries INTO a segment
-- from the segments before it needs a recursion, and that runs over segments, not intervals.
--
-- Everything runs per definitie and location (specification, section 9.1): the same steps
-- chain the intervals under the regional agreements and under the reference definition.
with recursive

intervallen as (
    select * from {{ ref('int_stop_intervallen_geteld') }}
),

met_gat as (
    select
        *,
        row_number() over opvolging as positie,
        {{ seconds_between('lag(einde_at) over opvolging', 'begin_at') }} as gat_seconden,
        {
            'verlenging_is_nieuwe_stop': verlenging_is_nieuwe_stop,
            'samenvoegmarge_min': samenvoegmarge_min
        } as eigen_ketenregel,
        -- a new run starts where the agreement differs from the previous interval's
        case
            when
                lag(roaz_regio) over opvolging = roaz_regio
                and lag(afspraak_geldig_vanaf) over opvolging = afspraak_geldig_vanaf
                then 0
            else 1
        end as is_segmentbegin
    from intervallen
    window opvolging as (partition by definitie, locatie_id order by volgnummer)
),

met_segment as (
    select
        *,
        sum(is_segmentbegin) over (
            partition by definitie, locatie_id order by positie
        ) as segment_nr
    from met_gat
),

segmenten as (
    -- gat_seconden is NULL only for a location's very first interval (always a break)
    select
        definitie,
        locatie_id,
        segment_nr,
        any_value(eigen_ketenregel) as eigen_ketenregel,
        max(gat_seconden) as max_gat_seconden
    from met_segment
    group by definitie, locatie_id, segment_nr
),

segment_ketenregels as (
    -- in_ketenregel: the rule of the episode still open when the segment begins (NULL for a
    -- location's first segment); uit_ketenregel: the rule of the episode open at its end,
    -- the segment's own as soon as any of its intervals breaks under in_ketenregel
    select
        definitie,
        locatie_id,
        segment_nr,
        cast(null as struct(
            verlenging_is_nieuwe_stop varchar, samenvoegmarge_min integer
        )) as in_ketenregel,
        eigen_ketenregel as uit_ketenregel
    from segmenten
    where segment_nr = 1

    union all

    select
        segmenten.definitie,
        segmenten.locatie_id,
        segmenten.segment_nr,
        segment_ketenregels.uit_ketenregel as in_ketenregel,
        case
            when
                segment_ketenregels.uit_ketenregel.verlenging_is_nieuwe_stop = 'ja'
                or segmenten.max_gat_seconden
                > segment_ketenregels.uit_ketenregel.samenvoegmarge_min * 60
                then segmenten.eigen_ketenregel
            else segment_ketenregels.uit_ketenregel
        end as uit_ketenregel
    from segmenten
    inner join segment_ketenregels
        on
            segmenten.definitie is not distinct from segment_ketenregels.definitie
            and segmenten.locatie_id = segment_ketenregels.locatie_id
            and segmenten.segment_nr = segment_ketenregels.segment_nr + 1
),

met_breuken as (
    select
        met_segment.*,
        met_segment.gat_seconden is null
        or segment_ketenregels.in_ketenregel.verlenging_is_nieuwe_stop = 'ja'
        or met_segment.gat_seconden
        > segment_ketenregels.in_ketenregel.samenvoegmarge_min * 60 as breekt_onder_in_regel,
        met_segment.gat_seconden is null
        or met_segment.verlenging_is_nieuwe_stop = 'ja'
        or met_segment.gat_seconden
        > met_segment.samenvoegmarge_min * 60 as breekt_onder_eigen_regel
    from met_segment
    inner join segment_ketenregels
        on
            met_segment.definitie is not distinct from segment_ketenregels.definitie
            and met_segment.locatie_id = segment_ketenregels.locatie_id
            and met_segment.segment_nr = segment_ketenregels.segment_nr
),

met_eerste_breuk as (
    -- before the segment's first break under the incoming rule, intervals join the incoming
    -- episode; from it on, the segment's own agreement decides
    select
        *,
        min(case when breekt_onder_in_regel then positie end) over (
            partition by definitie, locatie_id, segment_nr
        ) as eerste_breuk_positie
    from met_breuken
),

met_episodebegin as (
    select
        *,
        case
            when eerste_breuk_positie is null or positie < eerste_breuk_positie then false
            when positie = eerste_breuk_positie then true
            else breekt_onder_eigen_regel
        end as is_episodebegin
    from met_eerste_breuk
),

met_episode as (
    select
        *,
        sum(cast(is_episodebegin as integer)) over (
            partition by definitie, locatie_id order by positie
        ) as episode_nr
    from met_episodebegin
),

final as (
    select
        definitie,
        locatie_id,
        volgnummer,
        positie,
        mutatie_id,
        stoptype,
        begin_at,
        einde_at,
        duur_seconden,
        is_lopend,
        roaz_regio,
        afspraak_geldig_vanaf,
        gat_seconden,
        segment_nr,
        is_episodebegin,
        episode_nr,
        first_value(mutatie_id) over episode as episode_eerste_mutatie_id,
        -- a regional episode keeps the id it had before the reference definition existed;
        -- a reference episode's id names its definitie too, so ids stay unique
        md5(to_json(
            case
                when definitie = 'referentie'
                    then [locatie_id, first_value(mutatie_id) over episode, definitie]
                else [locatie_id, first_value(mutatie_id) over episode]
            end
        )) as episode_id,
        first_value(roaz_regio) over episode as episode_roaz_regio,
        first_value(afspraak_geldig_vanaf) over episode as episode_afspraak_geldig_vanaf,
        first_value(minimale_stopduur_min) over episode as episode_minimale_stopduur_min
    from met_episode
    window episode as (partition by definitie, locatie_id, episode_nr order by positie)
)

select * from final
