-- Specification, section 9.2: per region and local month, the seconds during which at least
-- two of the region's locations were in stop at once, and during which at least half of its
-- reference count was (2 x in stop >= aantal_seh_locaties), under the reference definition.
--
-- An interval sweep: every interval of a counted reference episode is +1 at its start and -1
-- at its end, in the region of its episode. Half-open [start, end): at an instant where one
-- interval ends and another begins the two cancel, so touching intervals never overlap. The
-- running sum after each instant holds until the next instant; those pieces are split at
-- local midnight of the 1st like the episode minutes (specification, section 6). Gaps inside a
-- chain are no
-- intervals, so they are not in stop.
with

ketens as (
    select * from {{ ref('int_stop_ketens') }}
),

episodes as (
    select * from {{ ref('int_stop_episodes') }}
    where is_geteld and definitie = 'referentie'
),

registratiestatus as (
    select * from {{ ref('int_regio_registratiestatus') }}
),

intervallen as (
    select
        episodes.roaz_regio,
        ketens.begin_at,
        ketens.einde_at
    from ketens
    inner join episodes
        on ketens.episode_id = episodes.episode_id
),

grenzen as (
    select
        roaz_regio,
        begin_at as moment,
        1 as verschil
    from intervallen

    union all

    select
        roaz_regio,
        einde_at as moment,
        -1 as verschil
    from intervallen
),

per_moment as (
    select
        roaz_regio,
        moment,
        sum(verschil) as verschil
    from grenzen
    group by roaz_regio, moment
),

stukken as (
    -- from each instant to the next, the number of locations in stop
    select
        roaz_regio,
        moment as begin_at,
        lead(moment) over regio_tijd as einde_at,
        sum(verschil) over (
            regio_tijd rows between unbounded preceding and current row
        ) as aantal_in_stop
    from per_moment
    window regio_tijd as (partition by roaz_regio order by moment)
),

in_stop as (
    select *
    from stukken
    where aantal_in_stop >= 1 and einde_at is not null
),

stuk_maanden as (
    select
        *,
        {{ local_months_touched('begin_at', 'einde_at') }} as maand_begin_datum
    from in_stop
),

stuk_maanddelen as (
    select
        roaz_regio,
        aantal_in_stop,
        strftime(maand_begin_datum, '%Y-%m') as maand,
        {{ seconds_between(
            'greatest(begin_at, ' ~ local_midnight_at('maand_begin_datum') ~ ')',
            'least(einde_at, ' ~ local_midnight_at('maand_begin_datum + interval 1 month') ~ ')'
        ) }} as duur_seconden
    from stuk_maanden
),

final as (
    select
        stuk_maanddelen.roaz_regio,
        stuk_maanddelen.maand,
        cast(sum(
            case when stuk_maanddelen.aantal_in_stop >= 2 then stuk_maanddelen.duur_seconden end
        ) as bigint) as seconden_gelijktijdig_2plus,
        cast(sum(
            case
                when 2 * stuk_maanddelen.aantal_in_stop >= registratiestatus.aantal_seh_locaties
                    then stuk_maanddelen.duur_seconden
            end
        ) as bigint) as seconden_gelijktijdig_helft
    from stuk_maanddelen
    inner join registratiestatus
        on
            stuk_maanddelen.roaz_regio = registratiestatus.roaz_regio
            and stuk_maanddelen.maand = registratiestatus.maand
    where stuk_maanddelen.duur_seconden > 0
    group by stuk_maanddelen.roaz_regio, stuk_maanddelen.maand
)

select
    roaz_regio,
    maand,
    coalesce(seconden_gelijktijdig_2plus, 0) as seconden_gelijktijdig_2plus,
    coalesce(seconden_gelijktijdig_helft, 0) as seconden_gelijktijdig_helft
from final
