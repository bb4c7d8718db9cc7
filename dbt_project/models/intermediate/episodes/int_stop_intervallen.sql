-- Specification, section 4.2: the interval in which each effective stop holds, cut at the horizon.
with

mutaties as (
    select * from {{ ref('int_mutaties_effectief') }}
),

export_versies as (
    select * from {{ ref('stg_lpz__export_versies') }}
),

horizon as (
    -- the end (next local midnight) of the latest current export day (specification, section 8)
    select {{ local_midnight_at('max(export_datum) + 1') }} as horizon_at
    from export_versies
),

met_volgende as (
    select
        *,
        lead(ingang_at) over (
            partition by locatie_id order by volgnummer
        ) as volgende_ingang_at
    from mutaties
),

begrensd as (
    select
        met_volgende.*,
        horizon.horizon_at,
        least(
            met_volgende.gepland_einde_at,
            met_volgende.volgende_ingang_at,
            horizon.horizon_at
        ) as einde_at
    from met_volgende
    cross join horizon
    where met_volgende.status = 'stop'
),

final as (
    select
        locatie_id,
        volgnummer,
        mutatie_id,
        stoptype,
        ingang_at as begin_at,
        einde_at,
        {{ seconds_between('ingang_at', 'einde_at') }} as duur_seconden,
        -- the horizon is what ends it, and no planned end is known
        gepland_einde_at is null
        and coalesce(volgende_ingang_at > horizon_at, true) as is_lopend
    from begrensd
    where einde_at > ingang_at
)

select * from final
