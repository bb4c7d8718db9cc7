with

export_versies as (
    select * from {{ source('lpz', 'export_versies') }}
),

ranked as (
    select
        versie_id,
        export_datum,
        gegenereerd_op,
        gegenereerd_at,
        geladen_at,
        row_number() over (
            partition by export_datum
            order by gegenereerd_at desc, geladen_at desc, versie_id desc
        ) as versie_rang
    from export_versies
),

final as (
    select
        versie_id,
        export_datum,
        gegenereerd_op,
        gegenereerd_at,
        geladen_at
    from ranked
    where versie_rang = 1
)

select * from final
