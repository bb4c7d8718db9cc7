-- Specification, sections 3 and 8 "Mutations": every mutation record of a current export-day
-- version, with at most one quarantine reason: the first failing check in this order:
-- conflicting_duplicate, missing_required_field, invalid_value, unknown_location,
-- forbidden_field, withdrawal_without_target, withdrawal_of_withdrawal,
-- withdrawal_of_unknown_mutation. An identical re-send is no quarantine: it is flagged and
-- left out downstream.
with

mutaties as (
    select * from {{ ref('stg_lpz__seh_statusmutaties') }}
),

register as (
    select
        export_datum,
        locatie_id
    from {{ ref('int_seh_locaties_gevalideerd') }}
    where is_in_snapshot
),

voorkomens as (
    -- "first" of a mutatie_id = earliest export day, then row order
    select
        *,
        case
            when mutatie_id = '' then 1
            else row_number() over (
                partition by mutatie_id order by export_datum, recordnummer
            )
        end as voorkomen_nr,
        first_value(inhoud_hash) over (
            partition by mutatie_id order by export_datum, recordnummer
        ) as eerste_inhoud_hash,
        first_value(export_datum) over (
            partition by mutatie_id order by export_datum, recordnummer
        ) as eerste_export_datum,
        first_value(recordnummer) over (
            partition by mutatie_id order by export_datum, recordnummer
        ) as eerste_recordnummer
    from mutaties
),

veldfouten as (
    select
        voorkomens.*,
        register.locatie_id is not null as is_locatie_in_register,
        voorkomens.voorkomen_nr > 1
        and voorkomens.inhoud_hash = voorkomens.eerste_inhoud_hash as is_identiek_duplicaat,
        nullif(concat_ws(
            ', ',
            case when voorkomens.mutatie_id = '' then 'mutatie_id' end,
            case when voorkomens.locatie_id = '' then 'locatie_id' end,
            case when voorkomens.status = '' then 'status' end,
            case
                when voorkomens.status in ('stop', 'open') and voorkomens.ingang = ''
                    then 'ingang'
            end,
            case
                when voorkomens.status = 'stop' and voorkomens.stoptype = '' then 'stoptype'
            end,
            case when voorkomens.geregistreerd_op = '' then 'geregistreerd_op' end
        ), '') as lege_velden,
        nullif(concat_ws(
            ', ',
            case
                when voorkomens.status not in ('stop', 'open', 'ingetrokken') then 'status'
            end,
            case
                when
                    voorkomens.status = 'stop'
                    and voorkomens.stoptype not in (
                        'volledig', 'ambulance', 'specialisme', 'time-out'
                    )
                    then 'stoptype'
            end,
            case
                when voorkomens.status in ('stop', 'open') and voorkomens.ingang_at is null
                    then 'ingang'
            end,
            case
                when
                    voorkomens.status = 'stop'
                    and voorkomens.gepland_einde != ''
                    and voorkomens.gepland_einde_at is null
                    then 'gepland_einde'
            end,
            case when voorkomens.geregistreerd_at is null then 'geregistreerd_op' end
        ), '') as ongeldige_velden,
        nullif(concat_ws(
            ', ',
            case
                when voorkomens.status != 'stop' and voorkomens.stoptype != ''
                    then 'stoptype only with status stop'
            end,
            case
                when voorkomens.specialisme != '' and voorkomens.stoptype != 'specialisme'
                    then 'specialisme only with stoptype specialisme'
            end
        ), '') as verboden_velden
    from voorkomens
    left join register
        on
            voorkomens.export_datum = register.export_datum
            and voorkomens.locatie_id = register.locatie_id
),

eigen_controles as (
    -- the checks that look at the record itself (and its export day's register) only
    select
        *,
        case
            when is_identiek_duplicaat then null
            when voorkomen_nr > 1 then 'conflicting_duplicate'
            when lege_velden is not null then 'missing_required_field'
            when ongeldige_velden is not null then 'invalid_value'
            when not is_locatie_in_register then 'unknown_location'
            when verboden_velden is not null then 'forbidden_field'
            when status = 'ingetrokken' and vervangt_mutatie_id = ''
                then 'withdrawal_without_target'
        end as eigen_reden
    from veldfouten
),

doelen as (
    -- what a withdrawal can name: the kept (first) record of each mutatie_id in any loaded day
    select
        mutatie_id,
        locatie_id,
        status,
        eigen_reden is null and status in ('stop', 'open') as is_geldige_stop_of_open
    from eigen_controles
    where voorkomen_nr = 1 and mutatie_id != ''
),

gecontroleerd as (
    select
        eigen_controles.*,
        doelen.locatie_id as doel_locatie_id,
        case
            when eigen_controles.eigen_reden is not null then eigen_controles.eigen_reden
            when eigen_controles.status != 'ingetrokken' then null
            when doelen.status = 'ingetrokken' then 'withdrawal_of_withdrawal'
            when not coalesce(doelen.is_geldige_stop_of_open, false)
                then 'withdrawal_of_unknown_mutation'
        end as quarantaine_reden
    from eigen_controles
    left join doelen
        on
            eigen_controles.status = 'ingetrokken'
            and eigen_controles.vervangt_mutatie_id = doelen.mutatie_id
),

final as (
    select
        versie_id,
        export_datum,
        bestand,
        regelnummer,
        recordnummer,
        mutatie_id,
        locatie_id,
        status,
        stoptype,
        specialisme,
        ingang_at,
        geregistreerd_at,
        voorkomen_nr,
        is_identiek_duplicaat,
        quarantaine_reden,
        case when status = 'stop' then gepland_einde_at end as gepland_einde_at,
        case when status = 'ingetrokken' then vervangt_mutatie_id end as vervangt_mutatie_id,
        case quarantaine_reden
            when 'conflicting_duplicate'
                then
                    'content differs from the first record with this mutatie_id (export day '
                    || eerste_export_datum || ', record ' || eerste_recordnummer || ')'
            when 'missing_required_field' then 'empty field: ' || lege_velden
            when 'invalid_value' then 'invalid value: ' || ongeldige_velden
            when 'unknown_location'
                then 'locatie_id is not in the register snapshot of the export day'
            when 'forbidden_field' then 'forbidden field: ' || verboden_velden
            when 'withdrawal_without_target' then 'ingetrokken without vervangt_mutatie_id'
            when 'withdrawal_of_withdrawal' then 'vervangt_mutatie_id names a withdrawal'
            when 'withdrawal_of_unknown_mutation'
                then 'vervangt_mutatie_id names no valid stop or open of any loaded day'
        end as quarantaine_detail,
        quarantaine_reden is null and not is_identiek_duplicaat as is_geldig,
        -- findings on kept mutations only (not on identical re-sends nor quarantined rows)
        case
            when quarantaine_reden is null and not is_identiek_duplicaat
                then nullif(concat_ws(
                    ' ',
                    case
                        when status in ('open', 'ingetrokken') and gepland_einde != ''
                            then 'gepland_einde'
                    end,
                    case
                        when status in ('stop', 'open') and vervangt_mutatie_id != ''
                            then 'vervangt_mutatie_id'
                    end
                ), '')
        end as genegeerde_velden,
        coalesce(
            quarantaine_reden is null
            and not is_identiek_duplicaat
            and {{ to_local_date('geregistreerd_at') }} != export_datum,
            false
        ) as is_registratiedatum_afwijkend,
        coalesce(
            quarantaine_reden is null
            and status = 'ingetrokken'
            and doel_locatie_id != locatie_id,
            false
        ) as is_intrekking_andere_locatie
    from gecontroleerd
)

select * from final
