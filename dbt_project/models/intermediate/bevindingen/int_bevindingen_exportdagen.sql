-- Findings per export day (specification, sections 1 and 8): a day that is missing, a day that the
-- source holds but incomplete, and a correction that is not later than the loaded version.
-- Missing means: from the first loaded export day to the latest day loaded or seen at the
-- source, no version loaded and no incomplete one seen. Days before the first loaded day
-- and days not yet published show in the registration status, not here.
with

export_versies as (
    select * from {{ ref('stg_lpz__export_versies') }}
),

export_controles as (
    select * from {{ ref('stg_lpz__export_controles') }}
),

bekende_dagen as (
    select export_datum from export_versies
    union all
    select export_datum from export_controles
),

eerste_geladen_dag as (
    select min(export_datum) as eerste_datum from export_versies
),

laatste_bekende_dag as (
    select max(export_datum) as laatste_datum from bekende_dagen
),

dagen as (
    select
        cast(unnest(generate_series(
            eerste_geladen_dag.eerste_datum,
            laatste_bekende_dag.laatste_datum,
            interval 1 day
        )) as date) as export_datum
    from eerste_geladen_dag
    cross join laatste_bekende_dag
    where eerste_geladen_dag.eerste_datum is not null
),

ontbrekend as (
    select
        'exportdag_ontbreekt' as soort,
        dagen.export_datum,
        cast(dagen.export_datum as varchar) as scope,
        'Exportdag ' || dagen.export_datum || case
            when export_controles.status = 'compleet'
                then ' staat compleet bij de bron maar is nog niet geladen.'
            else ' ontbreekt: de LPZ heeft deze dag niet gepubliceerd.'
        end || ' De registratiestatus van ' || strftime(dagen.export_datum, '%Y-%m')
        || ' is daardoor gedeeltelijk voor elke regio die registreert.' as detail
    from dagen
    left join export_versies
        on dagen.export_datum = export_versies.export_datum
    left join export_controles
        on dagen.export_datum = export_controles.export_datum
    where
        export_versies.export_datum is null
        and coalesce(export_controles.status != 'incompleet', true)
),

incompleet as (
    select
        'exportdag_incompleet' as soort,
        export_controles.export_datum,
        cast(export_controles.export_datum as varchar) as scope,
        'Exportdag ' || export_controles.export_datum || ' is bij de bron incompleet ('
        || export_controles.reden || case
            when export_versies.export_datum is null
                then
                    ') en is niet geladen. De registratiestatus van '
                    || strftime(export_controles.export_datum, '%Y-%m')
                    || ' is daardoor gedeeltelijk voor elke regio die registreert.'
            else
                '); de eerder geladen versie (gegenereerd op '
                || export_versies.gegenereerd_op || ') blijft gelden.'
        end as detail
    from export_controles
    left join export_versies
        on export_controles.export_datum = export_versies.export_datum
    where export_controles.status = 'incompleet'
),

verouderd as (
    select
        'correctie_verouderd' as soort,
        export_controles.export_datum,
        export_controles.export_datum || '|' || export_controles.gegenereerd_op as scope,
        'De bron biedt voor exportdag ' || export_controles.export_datum
        || ' een versie aan die gegenereerd is op ' || export_controles.gegenereerd_op
        || '; die is niet later dan de geladen versie (gegenereerd op '
        || export_versies.gegenereerd_op || ') en is niet geladen.' as detail
    from export_controles
    inner join export_versies
        on export_controles.export_datum = export_versies.export_datum
    where export_controles.status = 'verouderd'
),

bevindingen as (
    select * from ontbrekend
    union all
    select * from incompleet
    union all
    select * from verouderd
),

getypeerd as (
    select
        soort,
        export_datum,
        scope,
        detail,
        cast(null as varchar) as roaz_regio,
        cast(1 as integer) as aantal,
        strftime(export_datum, '%Y-%m') as maand
    from bevindingen
),

final as (
    select
        soort,
        roaz_regio,
        export_datum,
        maand,
        scope,
        aantal,
        detail
    from getypeerd
)

select * from final
