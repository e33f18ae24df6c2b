{#- A query merging the rows of `relation` that share the `keys` into one row, with their lists of
    days merged (ascending, each day once), and `merged_row_count`, the rows merged. Every list it
    merges is already ascending with each day once (what the usage rollup's data test holds, and
    what this returns). A row alone in its group is passed through, not aggregated: an aggregate
    copies every list it is given into its state even when the group holds one row, and most
    groups do (one user's one kind of event). Only the groups of several rows are aggregated,
    found first by their keys alone (scale L: 1.5 -> 1.1 s for int_usage_events_unioned, the same
    rows), and by the keys' 64-bit hash at that: a number is grouped and joined faster than
    several texts, null or not (int_application_user_activity at scale L: 1.63 -> 1.57 s, the
    same rows, checked with `except all`). A hash found more than once only sends its rows to
    the aggregate, which groups them by the keys themselves: two keys sharing a hash still come
    out as two rows, each merging its own. -#}
{% macro days_merged_by(relation, keys, days) -%}
    with

    repeated_hashes as (

        select hash({{ keys | join(', ') }}) as key_hash
        from {{ relation }}
        group by key_hash
        having count(*) > 1

    ),

    single_rows as (

        select
            {%- for key in keys %}
            single.{{ key }},
            {%- endfor %}
            single.{{ days }},
            1 as merged_row_count
        from {{ relation }} as single
        anti join repeated_hashes
            on hash(
                {%- for key in keys %}single.{{ key }}{{ ", " if not loop.last }}{% endfor -%}
            ) = repeated_hashes.key_hash

    ),

    merged_rows as (

        select
            {%- for key in keys %}
            repeated.{{ key }},
            {%- endfor %}
            list_sort(list_distinct(flatten(list(repeated.{{ days }})))) as {{ days }},
            count(*) as merged_row_count
        from {{ relation }} as repeated
        semi join repeated_hashes
            on hash(
                {%- for key in keys %}repeated.{{ key }}{{ ", " if not loop.last }}{% endfor -%}
            ) = repeated_hashes.key_hash
        group by
            {%- for key in keys %}
            repeated.{{ key }}
            {{- "," if not loop.last }}
            {%- endfor %}

    )

    select * from single_rows
    union all
    select * from merged_rows
{%- endmacro %}
