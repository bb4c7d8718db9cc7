-- Findings about stops that stay open implausibly long: a stop interval that the horizon
-- ends with no planned end (lopend) or whose planned end lies further than the dbt var
-- open_stop_limit_hours (hours) after its start, and that no later mutation has ended.
-- One finding per stop mutation, of any stop type; it resolves once an open, a next stop or
-- a withdrawal arrives. The region is the location's on the local date of the start.
with

intervallen as (
    select * from {{ ref('int_stop_intervallen') }}
),

mutaties as (
    select * from {{ ref('int_mutaties_effectief') }}
),

export_versies as (
    select export_datum from {{ ref('stg_lpz__export_versies') }}
),

register as (
    select
        export_datum,
        locatie_id,
        roaz_regio
    from {{ ref('int_seh_locaties_gevalideerd') }}
    where is_in_snapshot
),

horizon as (
    select {{ local_midnight_at('max(export_datum) + 1') }} as horizon_at
    from export_versies
),

met_plan as (
    select
        intervallen.*,
        mutaties.gepland_einde_at,
        mutaties.export_datum,
        horizon.horizon_at,
        {{ to_local_date('intervallen.begin_at') }} as begin_datum,
        case
            when intervallen.is_lopend then intervallen.duur_seconden
            when
                mutaties.gepland_einde_at is not null
                and intervallen.einde_at = least(mutaties.gepland_einde_at, horizon.horizon_at)
                then {{ seconds_between('intervallen.begin_at', 'mutaties.gepland_einde_at') }}
        end as open_seconden
    from intervallen
    inner join mutaties
        on intervallen.mutatie_id = mutaties.mutatie_id
    cross join horizon
),

te_lang as (
    select * from met_plan
    where open_seconden > {{ var('open_stop_limit_hours') }} * 3600
),

met_regio as (
    {{ with_region_on_date('te_lang', 'begin_datum', 'register') }}
),

final as (
    select
        'stop_lang_open' as soort,
        roaz_regio,
        export_datum,
        {{ to_local_month('begin_at') }} as maand,
        mutatie_id as scope,
        cast(1 as integer) as aantal,
        'SEH-locatie ' || locatie_id || coalesce(' (regio ' || roaz_regio || ')', '')
        || ' staat sinds '
        || strftime(timezone('{{ var("lpz_tijdzone") }}', begin_at), '%Y-%m-%d %H:%M')
        || ' in stop (' || stoptype || ') ' || case
            when is_lopend
                then
                    'zonder gepland einde: ' || (open_seconden // 3600)
                    || ' uur tot het einde van de laatste geladen exportdag'
            else
                'met een gepland einde op '
                || strftime(
                    timezone('{{ var("lpz_tijdzone") }}', gepland_einde_at), '%Y-%m-%d %H:%M'
                )
                || ', na ' || (open_seconden // 3600) || ' uur'
        end || '; de grens is {{ var("open_stop_limit_hours") }} uur.' as detail
    from met_regio
)

select * from final
