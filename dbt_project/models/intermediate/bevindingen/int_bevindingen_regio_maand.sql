-- Findings per region and month: the registration status of specification, section 6 (a region
-- that is not volledig), a register larger than the reference list (specification, section 8) and a
-- reporting agreement that changes in the month (specification, section 5). Days after the latest
-- export
-- day loaded or seen at the source are not yet published: a month that is gedeeltelijk only
-- because of them is still running, not a finding.
with

registratiestatus as (
    select * from {{ ref('int_regio_registratiestatus') }}
),

registratie_dagen as (
    select * from {{ ref('int_regio_registratie_dagen') }}
),

export_versies as (
    select export_datum from {{ ref('stg_lpz__export_versies') }}
),

export_controles as (
    select export_datum from {{ ref('stg_lpz__export_controles') }}
),

afspraken as (
    select * from {{ ref('regio_afspraken') }}
),

bekende_dagen as (
    select export_datum from export_versies
    union all
    select export_datum from export_controles
),

laatste_bekende_dag as (
    select max(export_datum) as laatste_datum from bekende_dagen
),

tekorten as (
    -- per region and month, the days up to the latest known day that fall short
    select
        registratie_dagen.roaz_regio,
        strftime(registratie_dagen.datum, '%Y-%m') as maand,
        count(*) filter (
            where
            registratie_dagen.snapshot_datum is not null
            and registratie_dagen.aantal_actieve_locaties < registratiestatus.aantal_seh_locaties
        ) as dagen_te_weinig_actief,
        count(*) filter (where not registratie_dagen.is_geladen) as dagen_zonder_exportdag,
        count(*) filter (
            where registratie_dagen.snapshot_datum is null
        ) as dagen_voor_eerste_exportdag,
        count(*) filter (
            where
            not registratie_dagen.is_geladen
            or registratie_dagen.aantal_actieve_locaties < registratiestatus.aantal_seh_locaties
        ) as dagen_tekort,
        min(registratie_dagen.aantal_actieve_locaties) filter (
            where registratie_dagen.snapshot_datum is not null
        ) as min_actieve_locaties
    from registratie_dagen
    inner join registratiestatus
        on
            registratie_dagen.roaz_regio = registratiestatus.roaz_regio
            and strftime(registratie_dagen.datum, '%Y-%m') = registratiestatus.maand
    cross join laatste_bekende_dag
    where registratie_dagen.datum <= laatste_bekende_dag.laatste_datum
    group by registratie_dagen.roaz_regio, strftime(registratie_dagen.datum, '%Y-%m')
),

niet_geregistreerd as (
    select
        'regio_niet_geregistreerd' as soort,
        roaz_regio,
        maand,
        roaz_regio || '|' || maand as scope,
        1 as aantal,
        'Regio ' || roaz_regio || ' registreerde in ' || maand || ' niet in het LPZ: op geen'
        || ' enkele dag van de maand was een SEH-locatie van de regio actief. Aantal stops en'
        || ' duur blijven leeg; het aantal SEH-locaties (' || aantal_seh_locaties
        || ') wordt wel geleverd.' as detail
    from registratiestatus
    where registratiestatus = 'niet_geregistreerd'
),

gedeeltelijk as (
    select
        'regio_gedeeltelijk' as soort,
        registratiestatus.roaz_regio,
        registratiestatus.maand,
        registratiestatus.roaz_regio || '|' || registratiestatus.maand as scope,
        tekorten.dagen_tekort as aantal,
        'Regio ' || registratiestatus.roaz_regio || ' is in ' || registratiestatus.maand
        || ' gedeeltelijk geregistreerd: ' || concat_ws(
            '; ',
            case
                when tekorten.dagen_te_weinig_actief > 0
                    then
                        'op ' || tekorten.dagen_te_weinig_actief || ' van de '
                        || registratiestatus.aantal_dagen || ' dagen waren minder dan de '
                        || registratiestatus.aantal_seh_locaties
                        || ' SEH-locaties van de referentielijst actief (minimaal '
                        || tekorten.min_actieve_locaties || ')'
            end,
            case
                when tekorten.dagen_zonder_exportdag > 0
                    then
                        tekorten.dagen_zonder_exportdag
                        || ' dag(en) zonder geladen, complete exportdag' || case
                            when tekorten.dagen_voor_eerste_exportdag > 0
                                then
                                    ' (waarvan ' || tekorten.dagen_voor_eerste_exportdag
                                    || ' vóór de eerste geladen exportdag)'
                            else ''
                        end
            end
        ) || '. De maandcijfers van de regio zijn onvolledig.' as detail
    from registratiestatus
    inner join tekorten
        on
            registratiestatus.roaz_regio = tekorten.roaz_regio
            and registratiestatus.maand = tekorten.maand
    where
        registratiestatus.registratiestatus = 'gedeeltelijk'
        and tekorten.dagen_tekort > 0
),

register_boven_referentie as (
    select
        'register_boven_referentie' as soort,
        roaz_regio,
        maand,
        roaz_regio || '|' || maand as scope,
        max_locaties_in_register - aantal_seh_locaties as aantal,
        'Het LPZ-register bevat in ' || maand || ' tot ' || max_locaties_in_register
        || ' SEH-locaties van regio ' || roaz_regio || ', de referentielijst telt er '
        || aantal_seh_locaties || '. De cijfers gebruiken de referentielijst.' as detail
    from registratiestatus
    where max_locaties_in_register > aantal_seh_locaties
),

afspraak_gewijzigd as (
    select
        'regio_afspraak_gewijzigd' as soort,
        registratiestatus.roaz_regio,
        registratiestatus.maand,
        registratiestatus.roaz_regio || '|' || afspraken.geldig_vanaf as scope,
        1 as aantal,
        'De registratieafspraak van regio ' || registratiestatus.roaz_regio
        || ' wijzigt per ' || afspraken.geldig_vanaf || case
            when afspraken.geldig_vanaf = registratiestatus.maand_begin_datum
                then
                    ': vanaf ' || registratiestatus.maand
                    || ' gelden andere telregels dan in de maanden ervoor.'
            else
                ', midden in ' || registratiestatus.maand
                || ': de maandcijfers combineren twee afspraken.'
        end as detail
    from registratiestatus
    inner join afspraken
        on
            registratiestatus.roaz_regio = afspraken.roaz_regio
            and afspraken.geldig_vanaf
            between registratiestatus.maand_begin_datum
            and last_day(registratiestatus.maand_begin_datum)
),

bevindingen as (
    select * from niet_geregistreerd
    union all
    select * from gedeeltelijk
    union all
    select * from register_boven_referentie
    union all
    select * from afspraak_gewijzigd
),

final as (
    select
        soort,
        roaz_regio,
        cast(null as date) as export_datum,
        maand,
        scope,
        cast(aantal as integer) as aantal,
        detail
    from bevindingen
)

select * from final
