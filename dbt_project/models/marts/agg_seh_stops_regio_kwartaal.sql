-- Specification, section 10: per region and local calendar quarter the quarter's status from
-- its three months, the reference count, and the stops and minutes under the regional
-- agreements and under the reference definition. Minutes are the exact seconds of the whole
-- quarter rounded half up once (not the sum of rounded months); every figure is NULL exactly
-- when the quarter is niet_geregistreerd.
with

registratiestatus as (
    select * from {{ ref('int_regio_registratiestatus') }}
),

referentie as (
    select * from {{ ref('seh_referentie') }}
),

kwartaalcijfers as (
    select * from {{ ref('int_regio_periode_cijfers') }}
    where periode_soort = 'kwartaal'
),

regios as (
    select distinct roaz_regio from referentie
),

kwartalen as (
    -- every quarter in which a month of the registration status lies
    select distinct {{ quarter_of_month('maand') }} as kwartaal
    from registratiestatus
),

kwartaalbegin as (
    select
        kwartaal,
        make_date(
            cast(substr(kwartaal, 1, 4) as integer),
            cast(substr(kwartaal, 7, 1) as integer) * 3 - 2,
            1
        ) as kwartaal_begin_datum
    from kwartalen
),

kwartaalmaanden as (
    -- the quarter's three months, for every region of the reference list
    select
        regios.roaz_regio,
        kwartaalbegin.kwartaal,
        kwartaalbegin.kwartaal_begin_datum,
        strftime(
            cast(unnest(generate_series(
                kwartaalbegin.kwartaal_begin_datum,
                kwartaalbegin.kwartaal_begin_datum + interval 2 month,
                interval 1 month
            )) as date),
            '%Y-%m'
        ) as maand
    from kwartaalbegin
    cross join regios
),

maandstatussen as (
    -- a month with no status lies wholly before the first export day loaded (or after the
    -- last): it has no snapshot to go by and counts as niet_geregistreerd (section 10.2)
    select
        kwartaalmaanden.*,
        coalesce(registratiestatus.registratiestatus, 'niet_geregistreerd')
            as maand_registratiestatus
    from kwartaalmaanden
    left join registratiestatus
        on
            kwartaalmaanden.roaz_regio = registratiestatus.roaz_regio
            and kwartaalmaanden.maand = registratiestatus.maand
),

kwartaalstatussen as (
    select
        roaz_regio,
        kwartaal,
        kwartaal_begin_datum,
        count(*) filter (where maand_registratiestatus = 'volledig') as maanden_volledig,
        count(*) filter (
            where maand_registratiestatus = 'niet_geregistreerd'
        ) as maanden_niet_geregistreerd,
        string_agg(maand_registratiestatus, ',' order by maand) as registratiestatus_maanden
    from maandstatussen
    group by roaz_regio, kwartaal, kwartaal_begin_datum
),

met_referentie as (
    -- the reference count valid on the quarter's first day, as a month takes its first day's
    select
        kwartaalstatussen.*,
        referentie.volgorde,
        referentie.aantal_seh_locaties,
        case
            when kwartaalstatussen.maanden_niet_geregistreerd = 3 then 'niet_geregistreerd'
            when kwartaalstatussen.maanden_volledig = 3 then 'volledig'
            else 'gedeeltelijk'
        end as registratiestatus
    from kwartaalstatussen
    asof left join referentie
        on
            kwartaalstatussen.roaz_regio = referentie.roaz_regio
            and kwartaalstatussen.kwartaal_begin_datum >= referentie.geldig_vanaf
),

gecombineerd as (
    select
        met_referentie.*,
        met_referentie.registratiestatus != 'niet_geregistreerd' as heeft_cijfers,
        coalesce(regionaal.aantal_stops, 0) as stops_regionaal,
        coalesce(regionaal.totale_duur_seconden, 0) as seconden_regionaal,
        coalesce(referentiedefinitie.aantal_stops, 0) as stops_referentie,
        coalesce(referentiedefinitie.totale_duur_seconden, 0) as seconden_referentie
    from met_referentie
    left join kwartaalcijfers as regionaal
        on
            met_referentie.roaz_regio = regionaal.roaz_regio
            and met_referentie.kwartaal = regionaal.periode
            and regionaal.definitie = 'regionaal'
    left join kwartaalcijfers as referentiedefinitie
        on
            met_referentie.roaz_regio = referentiedefinitie.roaz_regio
            and met_referentie.kwartaal = referentiedefinitie.periode
            and referentiedefinitie.definitie = 'referentie'
),

alleen_geregistreerd as (
    select
        *,
        case when heeft_cijfers then stops_regionaal end as aantal_stops,
        case when heeft_cijfers then seconden_regionaal end as totale_duur_seconden,
        case when heeft_cijfers then stops_referentie end as aantal_stops_referentie,
        case
            when heeft_cijfers then seconden_referentie
        end as totale_duur_seconden_referentie,
        datediff(
            'day', kwartaal_begin_datum, kwartaal_begin_datum + interval 3 month
        ) as aantal_dagen
    from gecombineerd
),

final as (
    select
        kwartaal,
        roaz_regio,
        registratiestatus,
        cast(aantal_seh_locaties as integer) as aantal_seh_locaties,
        cast(aantal_stops as integer) as aantal_stops,
        cast({{ half_up_minutes('totale_duur_seconden') }} as integer) as totale_duur_minuten,
        cast(aantal_stops_referentie as integer) as aantal_stops_referentie,
        cast(
            {{ half_up_minutes('totale_duur_seconden_referentie') }} as integer
        ) as totale_duur_minuten_referentie,
        cast(totale_duur_seconden as bigint) as totale_duur_seconden,
        cast(totale_duur_seconden_referentie as bigint) as totale_duur_seconden_referentie,
        {{ minuten_per_locatie_per_dag(
            'totale_duur_seconden', 'aantal_seh_locaties', 'aantal_dagen'
        ) }} as minuten_per_locatie_per_dag,
        {{ minuten_per_locatie_per_dag(
            'totale_duur_seconden_referentie', 'aantal_seh_locaties', 'aantal_dagen'
        ) }} as minuten_per_locatie_per_dag_referentie,
        registratiestatus_maanden,
        kwartaal_begin_datum,
        cast(aantal_dagen as integer) as aantal_dagen,
        cast(volgorde as integer) as volgorde
    from alleen_geregistreerd
)

select * from final
order by kwartaal, volgorde
