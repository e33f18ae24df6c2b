{#-
    dbt-duckdb's delete+insert, with the rows to delete found through the distinct keys of the
    new rows rather than through the new rows themselves.

    dbt-duckdb deletes with `delete from target using new_rows where <keys equal>`: a join of
    every old row with every new row of the same key. When the key names a batch of rows rather
    than one row (int_usage_events_aggregated replaces a source's whole day: thousands of rows
    share each key), that join is rows-of-the-day squared: 11 s to replace two days at scale M,
    for a delete that needs one row per key. Joining the distinct keys deletes exactly the same
    rows (a null key matches nothing either way), at the cost of the rows themselves.
    The insert, and a single-column key, are dbt-duckdb's own.
-#}
{% macro duckdb__get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}

    {%- set dest_cols_csv = get_quoted_csv(dest_columns | map(attribute="name")) -%}

    {% if unique_key %}
        {% if unique_key is sequence and unique_key is not string %}
            delete from {{ target }} as DBT_INCREMENTAL_TARGET
            using (
                select distinct {{ unique_key | join(", ") }} from {{ source }}
            ) as DBT_INCREMENTAL_KEYS
            where (
                {% for key in unique_key %}
                    DBT_INCREMENTAL_KEYS.{{ key }} = DBT_INCREMENTAL_TARGET.{{ key }}
                    {{ "and " if not loop.last }}
                {% endfor %}
                {% if incremental_predicates %}
                    {% for predicate in incremental_predicates %}
                        and {{ predicate }}
                    {% endfor %}
                {% endif %}
            );
        {% else %}
            delete from {{ target }}
            where (
                {{ unique_key }}) in (
                select ({{ unique_key }})
                from {{ source }}
            )
            {%- if incremental_predicates %}
                {% for predicate in incremental_predicates %}
                    and {{ predicate }}
                {% endfor %}
            {%- endif -%};

        {% endif %}
    {% endif %}

    insert into {{ target }} ({{ dest_cols_csv }})
    (
        select {{ dest_cols_csv }}
        from {{ source }}
    )

{%- endmacro %}
