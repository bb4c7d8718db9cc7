{#- Specification, section 4, "Region and agreement": the rows of `relation` with the region that
the
    register names for their location on local date `date_column`: that day's snapshot, else
    the nearest earlier one, else the nearest later one. `register` has export_datum,
    locatie_id and roaz_regio of the snapshots. The one home of this rule.

    The register is first folded into periods: runs of consecutive snapshot days of a location
    in one region (a location that stays in its region for ten years is one period, not 3,653
    rows). Within a period every day is a snapshot day, so the nearest earlier snapshot of a
    date is the date itself or, past the period's end, its last day, and the nearest later one
    the date itself or the period's first day. Same result as joining the snapshot rows, at a
    fraction of the cost: at 100 x 10 years 11 s instead of 21 s, mostly spent folding the
    30 million register rows once instead of sorting them for two joins
    (docs/performance.md). -#}
{% macro with_region_on_date(relation, date_column, register) -%}
    with

    genummerd as (
        -- export_datum minus the row's rank within its location and region is constant
        -- exactly along a run of consecutive days in that region
        select
            locatie_id,
            roaz_regio,
            export_datum,
            export_datum - cast(row_number() over (
                partition by locatie_id, roaz_regio order by export_datum
            ) as integer) as periode_sleutel
        from {{ register }}
    ),

    regioperioden as (
        select
            locatie_id,
            roaz_regio,
            min(export_datum) as eerste_datum,
            max(export_datum) as laatste_datum
        from genummerd
        group by locatie_id, roaz_regio, periode_sleutel
    )

    select
        {{ relation }}.*,
        coalesce(eerder.roaz_regio, later.roaz_regio) as roaz_regio,
        -- (a case, not coalesce: least and greatest skip a null argument)
        case
            when eerder.locatie_id is not null
                then least({{ relation }}.{{ date_column }}, eerder.laatste_datum)
            when later.locatie_id is not null
                then greatest({{ relation }}.{{ date_column }}, later.eerste_datum)
        end as regio_snapshot_datum
    from {{ relation }}
    asof left join regioperioden as eerder
        on
            {{ relation }}.locatie_id = eerder.locatie_id
            and {{ relation }}.{{ date_column }} >= eerder.eerste_datum
    asof left join regioperioden as later
        on
            {{ relation }}.locatie_id = later.locatie_id
            and {{ relation }}.{{ date_column }} <= later.laatste_datum
{%- endmacro %}
