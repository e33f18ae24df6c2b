{#- An invariant every row must satisfy; the failing rows are returned. With `loaded_at_column`,
    the rows loaded before `rows_loaded_since` are left out: they were checked then. -#}
{% test expression_is_true(model, expression, loaded_at_column=none) %}
    select *
    from {{ model }}
    where
        not coalesce({{ expression }}, false)
        and {{ loaded_since_condition(loaded_at_column) }}
{% endtest %}
