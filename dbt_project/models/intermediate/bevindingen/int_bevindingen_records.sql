-- Findings about records of current export-day versions (specification, sections 3 and 8):
-- quarantined records and records kept with a finding, counted rather than listed, so a
-- digest stays readable. Mutations per export day, region and kind (the region of the
-- location in that day's register snapshot); register records per region and month, since
-- the register is a full snapshot every day; unreadable records per export day and file.
-- The rows themselves are in dq_quarantaine and int_statusmutaties_gevalideerd.
with

register as (
    select * from {{ ref('int_seh_locaties_gevalideerd') }}
),

mutaties as (
    select * from {{ ref('int_statusmutaties_gevalideerd') }}
),

onleesbaar as (
    select * from {{ ref('stg_lpz__quarantaine') }}
),

referentie as (
    select * from {{ ref('seh_referentie') }}
),

bekende_regios as (
    select distinct roaz_regio from referentie
),

snapshot_regios as (
    select
        export_datum,
        locatie_id,
        roaz_regio
    from register
    where is_in_snapshot
),

registerrijen as (
    select
        register.quarantaine_reden as reden,
        bekende_regios.roaz_regio,
        register.export_datum,
        register.locatie_id,
        case
            when register.quarantaine_reden is not null then 'registerrij_weggelaten'
            else 'locatie_actief_zonder_datum'
        end as soort
    from register
    left join bekende_regios
        on register.roaz_regio = bekende_regios.roaz_regio
    where register.quarantaine_reden is not null or register.is_actief_zonder_datum
),

register_bevindingen as (
    select
        soort,
        roaz_regio,
        cast(null as date) as export_datum,
        strftime(min(export_datum), '%Y-%m') as maand,
        concat_ws('|', coalesce(roaz_regio, '-'), strftime(min(export_datum), '%Y-%m'), reden)
            as scope,
        count(*) as aantal,
        'In ' || strftime(min(export_datum), '%Y-%m') || coalesce(
            ', regio ' || roaz_regio, ', zonder bekende regio'
        ) || ': ' || case soort
            when 'registerrij_weggelaten'
                then
                    count(*) || ' registerrij(en) weggelaten uit het register ('
                    || case reden
                        when 'missing_required_field' then 'lege locatie_id'
                        when 'duplicate_locatie_id' then 'locatie_id komt vaker voor op één dag'
                        when 'unknown_region' then 'roaz_regio is geen regio van de lijst'
                        when 'invalid_value' then 'ongeldige ja/nee-waarde of datum'
                    end || ')'
            else
                count(distinct locatie_id) || ' locatie(s) staan als actief (ja) in het register'
                || ' zonder actief_sinds en tellen daarom niet als actief'
        end || ', op ' || count(distinct export_datum) || ' exportdag(en) van '
        || min(export_datum) || ' tot en met ' || max(export_datum) || '.' as detail
    from registerrijen
    group by soort, reden, roaz_regio, strftime(export_datum, '%Y-%m')
),

mutatierijen as (
    -- one row per record and finding: a kept record can have more than one
    select
        case mutaties.quarantaine_reden
            when 'conflicting_duplicate' then 'mutatie_conflicterend_duplicaat'
            when 'missing_required_field' then 'mutatie_veld_ongeldig'
            when 'invalid_value' then 'mutatie_veld_ongeldig'
            when 'unknown_location' then 'mutatie_onbekende_locatie'
            when 'forbidden_field' then 'mutatie_verboden_veld'
            when 'withdrawal_without_target' then 'intrekking_ongeldig'
            when 'withdrawal_of_withdrawal' then 'intrekking_ongeldig'
            when 'withdrawal_of_unknown_mutation' then 'intrekking_onbekende_mutatie'
        end as soort,
        mutaties.quarantaine_reden as reden,
        mutaties.export_datum,
        mutaties.locatie_id,
        cast(null as varchar) as velden
    from mutaties
    where mutaties.quarantaine_reden is not null
    union all
    select
        'mutatie_genegeerd_veld' as soort,
        null as reden,
        export_datum,
        locatie_id,
        genegeerde_velden as velden
    from mutaties
    where genegeerde_velden is not null
    union all
    select
        'registratiedatum_afwijkend' as soort,
        null as reden,
        export_datum,
        locatie_id,
        null as velden
    from mutaties
    where is_registratiedatum_afwijkend
    union all
    select
        'intrekking_andere_locatie' as soort,
        null as reden,
        export_datum,
        locatie_id,
        null as velden
    from mutaties
    where is_intrekking_andere_locatie
),

mutatierijen_met_regio as (
    select
        mutatierijen.*,
        snapshot_regios.roaz_regio
    from mutatierijen
    left join snapshot_regios
        on
            mutatierijen.export_datum = snapshot_regios.export_datum
            and mutatierijen.locatie_id = snapshot_regios.locatie_id
),

mutatie_bevindingen as (
    select
        soort,
        roaz_regio,
        export_datum,
        strftime(export_datum, '%Y-%m') as maand,
        concat_ws('|', export_datum, coalesce(roaz_regio, '-'), reden) as scope,
        count(*) as aantal,
        'Exportdag ' || export_datum || coalesce(', regio ' || roaz_regio, '') || ': '
        || count(*) || ' ' || case reden
            when 'conflicting_duplicate'
                then
                    'mutatie(s) met een mutatie_id die eerder met andere inhoud binnenkwam;'
                    || ' de eerste versie telt, deze staan in quarantaine.'
            when 'missing_required_field'
                then 'mutatie(s) met een leeg verplicht veld in quarantaine.'
            when 'invalid_value'
                then
                    'mutatie(s) met een ongeldige status, stoptype of tijd in quarantaine.'
            when 'unknown_location'
                then
                    'mutatie(s) voor een locatie_id die niet in het register van die'
                    || ' exportdag staat, in quarantaine.'
            when 'forbidden_field'
                then
                    'mutatie(s) met een stoptype of specialisme waar het contract dat'
                    || ' verbiedt, in quarantaine.'
            when 'withdrawal_without_target'
                then 'intrekking(en) zonder vervangt_mutatie_id, zonder effect.'
            when 'withdrawal_of_withdrawal'
                then 'intrekking(en) van een andere intrekking, zonder effect.'
            when 'withdrawal_of_unknown_mutation'
                then
                    'intrekking(en) van een mutatie die in geen geladen exportdag een'
                    || ' geldige stop of open is; zonder effect tot die mutatie binnenkomt.'
            else case soort
                when 'mutatie_genegeerd_veld'
                    then
                        'mutatie(s) met een veld dat bij hun status niet hoort ('
                        || array_to_string(
                            list_sort(list_distinct(flatten(list(string_split(velden, ' '))))),
                            ', '
                        ) || '); het veld is genegeerd, de mutatie telt mee.'
                when 'registratiedatum_afwijkend'
                    then
                        'mutatie(s) met een geregistreerd_op op een andere dag dan de'
                        || ' exportdag; ze tellen mee.'
                when 'intrekking_andere_locatie'
                    then
                        'intrekking(en) van een mutatie van een andere locatie; de'
                        || ' intrekking is uitgevoerd.'
            end
        end as detail
    from mutatierijen_met_regio
    group by soort, reden, roaz_regio, export_datum
),

onleesbare_bevindingen as (
    select
        'rij_onleesbaar' as soort,
        cast(null as varchar) as roaz_regio,
        export_datum,
        strftime(export_datum, '%Y-%m') as maand,
        export_datum || '|' || bestand as scope,
        count(*) as aantal,
        'Exportdag ' || export_datum || ': ' || count(*) || ' rij(en) van ' || bestand
        || ' met een ander aantal velden dan de kopregel; ze tellen niet mee.' as detail
    from onleesbaar
    group by export_datum, bestand
),

bevindingen as (
    select * from register_bevindingen
    union all
    select * from mutatie_bevindingen
    union all
    select * from onleesbare_bevindingen
),

final as (
    select
        soort,
        roaz_regio,
        export_datum,
        maand,
        scope,
        cast(aantal as integer) as aantal,
        detail
    from bevindingen
)

select * from final
