{#- The application a spend line pays for: its product, else (a blank product) its vendor, since
    card expenses and some invoices name only who was paid. -#}
{% macro spend_application_name(product, vendor) -%}
    coalesce(nullif(trim({{ product }}), ''), {{ vendor }})
{%- endmacro %}
