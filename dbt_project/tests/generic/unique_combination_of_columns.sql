{#- Fails for every combination of the given columns that occurs more than once. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

combinaties as (
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as aantal
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
),

final as (
    select * from combinaties
    where aantal > 1
)

select * from final

{% endtest %}
