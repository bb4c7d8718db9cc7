-- The findings with their memory across runs. Every run: a finding of this run is open,
-- last seen now, first seen when it first appeared (kept from before); a finding that was
-- open and is gone now is closed, its last sighting kept. Closed findings that stay gone
-- are not touched. Incremental on bevinding_id and never fully refreshed: the table itself
-- is the memory (see _marts__dq_bevindingen.yml).
with

huidig as (
    select * from {{ ref('int_bevindingen_huidig') }}
),

vorig as (
    -- the table as the previous run left it; nothing on the first build
    {% if is_incremental() %}
        select * from {{ this }}
    {% else %}
        select
            bevinding_id,
            soort,
            ernst,
            roaz_regio,
            export_datum,
            maand,
            aantal,
            detail,
            advies,
            cast(null as timestamptz) as eerst_gezien_at,
            cast(null as timestamptz) as laatst_gezien_at,
            cast(null as boolean) as is_open
        from huidig
        where false
    {% endif %}
),

peilmoment as (
    select {{ dq_peilmoment() }} as gezien_at
),

gezien as (
    select
        huidig.bevinding_id,
        huidig.soort,
        huidig.ernst,
        huidig.roaz_regio,
        huidig.export_datum,
        huidig.maand,
        huidig.aantal,
        huidig.detail,
        huidig.advies,
        coalesce(vorig.eerst_gezien_at, peilmoment.gezien_at) as eerst_gezien_at,
        peilmoment.gezien_at as laatst_gezien_at,
        true as is_open
    from huidig
    cross join peilmoment
    left join vorig
        on huidig.bevinding_id = vorig.bevinding_id
),

opgelost as (
    select
        vorig.bevinding_id,
        vorig.soort,
        vorig.ernst,
        vorig.roaz_regio,
        vorig.export_datum,
        vorig.maand,
        vorig.aantal,
        vorig.detail,
        vorig.advies,
        vorig.eerst_gezien_at,
        vorig.laatst_gezien_at,
        false as is_open
    from vorig
    left join huidig
        on vorig.bevinding_id = huidig.bevinding_id
    where vorig.is_open and huidig.bevinding_id is null
),

final as (
    select * from gezien
    union all
    select * from opgelost
)

select * from final
