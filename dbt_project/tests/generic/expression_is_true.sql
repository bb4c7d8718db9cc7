{#- Fails for every row where the boolean SQL expression is not true. -#}
{% test expression_is_true(model, expression) %}

with

final as (
    select * from {{ model }}
    where not coalesce({{ expression }}, false)
)

select * from final

{% endtest %}
