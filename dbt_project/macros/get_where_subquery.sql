{#- dbt's own `get_where_subquery` (the relation a generic test reads, narrowed by its `where`
    config), with one placeholder: `__loaded_since__` becomes `loaded_since_condition('loaded_at')`,
    the rows loaded since the live publication's gate. A `where` config is rendered when dbt parses
    the project, before the gate knows that instant; the placeholder is replaced when the test
    runs, as dbt's documentation advises for a `where` that must be computed then. dbt's own
    generic tests on an event log (`relationships`, `accepted_values`) so check the new events
    only, like the project's own tests given a `loaded_at_column`: their cost follows the new
    data, not the history. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- set where = where | replace('__loaded_since__', loaded_since_condition('loaded_at')) -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
