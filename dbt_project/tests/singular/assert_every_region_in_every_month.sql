-- Every month of agg_seh_stops_regio_maand holds every region of the reference list exactly
-- once (the delivery has one row per region of section 5). Returns the months that do not.
with

figuren as (
    select * from {{ ref('agg_seh_stops_regio_maand') }}
),

referentie as (
    select * from {{ ref('seh_referentie') }}
),

regios as (
    select count(distinct roaz_regio) as aantal_regios from referentie
),

per_maand as (
    select
        maand,
        count(*) as aantal_rijen,
        count(distinct roaz_regio) as aantal_regios
    from figuren
    group by maand
),

final as (
    select
        per_maand.maand,
        per_maand.aantal_rijen,
        per_maand.aantal_regios,
        regios.aantal_regios as verwacht
    from per_maand
    cross join regios
    where
        per_maand.aantal_rijen != regios.aantal_regios
        or per_maand.aantal_regios != regios.aantal_regios
)

select * from final
