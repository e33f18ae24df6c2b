{#- A join condition: `left` and `right` agree on each of `columns`, a null matching a null, as
    `group by` groups them (a key of an event log or of a usage row may hold nulls). -#}
{% macro keys_match(left, right, columns) -%}
    {%- for column in columns %}
    {{ left }}.{{ column }} is not distinct from {{ right }}.{{ column }}
    {{- " and" if not loop.last }}
    {%- endfor %}
{%- endmacro %}
