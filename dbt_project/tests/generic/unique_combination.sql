{#- The columns together identify a row: the grain of a model keyed on more than one column, or the
    key of an event log. With `loaded_at_column` and `rows_loaded_since` set, only the keys of rows
    loaded since then are looked for in the whole model: a new row repeating an old key still
    fails, but the history, checked already, is only probed, not grouped (0.7 s instead of 5.4 s
    for L's 28 million Okta sign-ins).

    With `time_column` too (an event log's event time, which its not-null test covers), the probe
    reads only the rows within a day of the new rows' times: a log never gives one event two
    times, so the same event loaded twice (a page read again, a window landed twice) has one time,
    and a day's margin covers that time put in another zone. DuckDB then skips the rest of the
    history by its row groups' bounds, and the test costs the new rows, not the years behind them
    (scale L, 92 days of Okta sign-ins: 0.7 -> 0.15 s). New rows without a time are probed too. -#}
{% test unique_combination(model, columns, loaded_at_column=none, time_column=none) %}

    {%- set keys = columns | join(', ') %}
    {%- if loaded_at_column is none or rows_loaded_since() is none %}

    with

    repeated_hashes as (

        -- the keys grouped by their 64-bit hash first: a number is grouped faster than the text
        -- and times it stands for (scale L, 27 million Okta sign-ins: 3.9 -> 2.6 s)
        select hash({{ keys }}) as key_hash
        from {{ model }}
        group by key_hash
        having count(*) > 1

    ),

    repeated as (

        -- then only the rows whose hash repeats, nearly always none, by their keys: two keys
        -- sharing a hash are candidates, not a failure, so the result is exact. hash() gives
        -- null one value, as `group by` makes nulls one group
        select {{ keys }}, count(*) as row_count
        from {{ model }}
        where hash({{ keys }}) in (select repeated_hashes.key_hash from repeated_hashes)
        group by {{ keys }}
        having count(*) > 1

    )

    select * from repeated

    {%- else %}

    with

    new_rows as (

        select {{ keys }}{{ ", " ~ time_column if time_column and time_column not in columns }}
        from {{ model }}
        where {{ loaded_since_condition(loaded_at_column) }}

    ),

    new_keys as (

        select distinct {{ keys }}
        from new_rows

    ),

    {%- if time_column %}

    new_times as (

        select
            min({{ time_column }}) - interval 1 day as first_time,
            max({{ time_column }}) + interval 1 day as last_time
        from new_rows

    ),

    probed as (

        -- two plain ranges, no `or`, so that DuckDB prunes the row groups outside them
        select {{ keys }}
        from {{ model }}
        where
            {{ time_column }} >= (select first_time from new_times)
            and {{ time_column }} <= (select last_time from new_times)

        union all

        select {{ keys }}
        from new_rows
        where {{ time_column }} is null

    ),

    {%- else %}

    probed as (

        select {{ keys }}
        from {{ model }}

    ),

    {%- endif %}

    repeated as (

        select
            {%- for column in columns %}
            checked.{{ column }},
            {%- endfor %}
            count(*) as row_count
        from probed as checked
        semi join new_keys
            on {{ keys_match('checked', 'new_keys', columns) }}
        group by all
        having count(*) > 1

    )

    select * from repeated

    {%- endif %}

{% endtest %}
