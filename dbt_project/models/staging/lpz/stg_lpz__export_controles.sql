with

export_controles as (
    select * from {{ source('lpz', 'export_controles') }}
),

final as (
    select
        export_datum,
        status,
        reden,
        gegenereerd_op,
        {{ parse_lpz_timestamp('gegenereerd_op') }} as gegenereerd_at,
        manifest_sha256,
        gecontroleerd_at
    from export_controles
)

select * from final
