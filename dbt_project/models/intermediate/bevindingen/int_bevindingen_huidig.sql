-- Every data-quality finding of the data as it stands now, from the four finding families,
-- with its severity and advice (seed dq_bevindingsoorten) and a key that stays the same
-- across runs: md5 of the kind and its scope (what the finding is about, never its counts
-- or wording). dq_bevindingen adds the memory across runs.
with

regio_maand as (
    select * from {{ ref('int_bevindingen_regio_maand') }}
),

exportdagen as (
    select * from {{ ref('int_bevindingen_exportdagen') }}
),

records as (
    select * from {{ ref('int_bevindingen_records') }}
),

stops as (
    select * from {{ ref('int_bevindingen_stops') }}
),

soorten as (
    select * from {{ ref('dq_bevindingsoorten') }}
),

bevindingen as (
    select * from regio_maand
    union all
    select * from exportdagen
    union all
    select * from records
    union all
    select * from stops
),

met_sleutel as (
    select
        bevindingen.*,
        soorten.ernst,
        soorten.advies,
        md5(bevindingen.soort || '|' || bevindingen.scope) as bevinding_id
    from bevindingen
    left join soorten
        on bevindingen.soort = soorten.soort
),

final as (
    select
        bevinding_id,
        soort,
        ernst,
        roaz_regio,
        export_datum,
        maand,
        scope,
        aantal,
        detail,
        advies
    from met_sleutel
)

select * from final
