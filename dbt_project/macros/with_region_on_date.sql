{#- Contract section 4, "Region and agreement": the rows of `relation` with the region that the
    register names for their location on local date `date_column`: that day's snapshot, else
    the nearest earlier one, else the nearest later one. `register` has export_datum,
    locatie_id and roaz_regio of the snapshots. The one home of this rule. -#}
{% macro with_region_on_date(relation, date_column, register) -%}
    select
        {{ relation }}.*,
        coalesce(eerder.roaz_regio, later.roaz_regio) as roaz_regio,
        coalesce(eerder.export_datum, later.export_datum) as regio_snapshot_datum
    from {{ relation }}
    asof left join {{ register }} as eerder
        on
            {{ relation }}.locatie_id = eerder.locatie_id
            and {{ relation }}.{{ date_column }} >= eerder.export_datum
    asof left join {{ register }} as later
        on
            {{ relation }}.locatie_id = later.locatie_id
            and {{ relation }}.{{ date_column }} <= later.export_datum
{%- endmacro %}
