{#- The calendar quarter ('YYYY-QN') of a local month ('YYYY-MM'): 2023-01 .. 2023-03 ->
    2023-Q1 (specification, section 10.1). -#}
{% macro quarter_of_month(maand) -%}
    (substr({{ maand }}, 1, 4) || '-Q' || cast(
        (cast(substr({{ maand }}, 6, 2) as integer) + 2) // 3 as varchar
    ))
{%- endmacro %}
