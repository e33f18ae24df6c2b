{#- Amounts are carried unrounded through staging and intermediate models and rounded to cents
    once, in the marts, so totals of rounded figures stay within a cent of the exact ones. -#}
{% macro money(amount) -%}
    cast(round({{ amount }}, 2) as decimal(18, 2))
{%- endmacro %}
