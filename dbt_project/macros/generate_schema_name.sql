{#- Models land in schemas named exactly as configured (staging, intermediate, marts, seeds), not
    prefixed with the target schema, so readers and the orchestrator find them at fixed names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
