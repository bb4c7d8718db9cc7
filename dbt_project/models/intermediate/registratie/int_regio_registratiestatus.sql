-- Specification, section 6: the registration status of each region in each month, against the
-- reference count of SEH locations valid on the month's first day.
with

dagen as (
    select * from {{ ref('int_regio_registratie_dagen') }}
),

referentie as (
    select * from {{ ref('seh_referentie') }}
),

maanden as (
    select
        roaz_regio,
        cast(date_trunc('month', datum) as date) as maand_begin_datum,
        cast(count(*) as integer) as aantal_dagen,
        cast(count(*) filter (where is_geladen) as integer) as aantal_geladen_dagen,
        strftime(datum, '%Y-%m') as maand,
        min(aantal_actieve_locaties) as min_actieve_locaties,
        max(aantal_actieve_locaties) as max_actieve_locaties,
        max(aantal_locaties_in_register) as max_locaties_in_register
    from dagen
    group by roaz_regio, cast(date_trunc('month', datum) as date), strftime(datum, '%Y-%m')
),

met_referentie as (
    select
        maanden.*,
        referentie.volgorde,
        referentie.aantal_seh_locaties
    from maanden
    asof left join referentie
        on
            maanden.roaz_regio = referentie.roaz_regio
            and maanden.maand_begin_datum >= referentie.geldig_vanaf
),

final as (
    select
        maand,
        maand_begin_datum,
        roaz_regio,
        volgorde,
        aantal_seh_locaties,
        aantal_dagen,
        aantal_geladen_dagen,
        min_actieve_locaties,
        max_actieve_locaties,
        max_locaties_in_register,
        case
            when max_actieve_locaties = 0 then 'niet_geregistreerd'
            when
                min_actieve_locaties >= aantal_seh_locaties
                and aantal_geladen_dagen = aantal_dagen
                then 'volledig'
            else 'gedeeltelijk'
        end as registratiestatus
    from met_referentie
)

select * from final
