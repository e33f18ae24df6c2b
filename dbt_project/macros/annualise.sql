{#- A per-seat price over one year of the contract's billing period. An unknown period gives null,
    which the not_null tests downstream report instead of pricing the contract wrongly. -#}
{% macro annualise(amount, billing_period) -%}
    {{ amount }} * case {{ billing_period }} when 'monthly' then 12 when 'annual' then 1 end
{%- endmacro %}
