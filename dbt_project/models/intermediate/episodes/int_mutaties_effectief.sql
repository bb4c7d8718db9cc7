-- Specification, section 4.1: the effective mutations of each location, in contract order.
with

mutaties as (
    select * from {{ ref('int_statusmutaties_gevalideerd') }}
    where is_geldig
),

intrekkingen as (
    select distinct vervangt_mutatie_id as ingetrokken_mutatie_id
    from mutaties
    where status = 'ingetrokken'
),

niet_ingetrokken as (
    select mutaties.*
    from mutaties
    left join intrekkingen
        on mutaties.mutatie_id = intrekkingen.ingetrokken_mutatie_id
    where
        mutaties.status in ('stop', 'open')
        and intrekkingen.ingetrokken_mutatie_id is null
),

final as (
    select
        locatie_id,
        row_number() over (
            partition by locatie_id
            order by ingang_at, geregistreerd_at, {{ code_point_key('mutatie_id') }}
        ) as volgnummer,
        mutatie_id,
        status,
        stoptype,
        specialisme,
        ingang_at,
        gepland_einde_at,
        geregistreerd_at,
        export_datum
    from niet_ingetrokken
)

select * from final
