{#- A business contact (an application owner's e-mail, an executive's name) as published: the value
    itself, or null when the company chose not to publish contacts (var publish_owner_contacts).
    Flags and comparisons are computed from the value before this, so they do not change. -#}
{% macro owner_contact(expression) -%}
    {%- if var('publish_owner_contacts') -%}
        {{ expression }}
    {%- else -%}
        cast(null as varchar)
    {%- endif -%}
{%- endmacro %}
