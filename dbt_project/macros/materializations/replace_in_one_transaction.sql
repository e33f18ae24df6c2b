{#-
    Tables and views replaced in one transaction: drop the old relation, create the new one, commit.

    dbt's own materializations build a model under a temporary name, rename the old relation to a
    backup, rename the new one into place and drop the backup: four statements, each with its
    relation-cache bookkeeping, so that databases without transactional DDL never show a missing
    table. DuckDB's DDL is transactional, so dropping and creating inside the transaction gives
    the same guarantees with two statements: a model whose SQL fails rolls back and leaves its
    previous relation as it was (tests/models/test_materializations.py), and nobody reads the
    warehouse half-built (it is one writer's file while dbt runs). On the demo this is about a
    quarter of `dbt build`'s time on every refresh after the first.

    The SQL itself is dbt-duckdb's (`create_table_as`, `get_create_view_as_sql`: contracts,
    sql_header), as are hooks, grants and persisted docs. What this project does not use is
    refused rather than half-supported: indexes, and Python models (dbt reports the language as
    unsupported; this project has none).
-#}

{% materialization table, adapter="duckdb", supported_languages=["sql"] %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type="table") -%}
  {%- set grant_config = config.get("grants") -%}
  {%- if config.get("indexes") -%}
    {{ exceptions.raise_compiler_error(
        "model " ~ this ~ ": indexes are not supported by this project's table materialization"
        " (dbt_project/macros/materializations)"
    ) }}
  {%- endif -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {#- one statement call: dbt begins the transaction before it, so the drop is part of it -#}
  {% call statement("main") -%}
    {{ _drop_in_transaction(existing_relation) }}
    {{ create_table_as(False, target_relation, compiled_code) }}
  {%- endcall %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
  {% do persist_docs(target_relation, model) %}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({"relations": [target_relation]}) }}
{% endmaterialization %}


{% materialization view, adapter="duckdb" %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type="view") -%}
  {%- set grant_config = config.get("grants") -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% call statement("main") -%}
    {{ _drop_in_transaction(existing_relation) }}
    {{ get_create_view_as_sql(target_relation, sql) }}
  {%- endcall %}

  {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
  {% do persist_docs(target_relation, model) %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({"relations": [target_relation]}) }}
{% endmaterialization %}


{% macro _drop_in_transaction(relation) -%}
  {#- the relation the model replaces, whatever it was (a table may become a view) -#}
  {%- if relation is not none -%}
    drop {{ relation.type }} if exists {{ relation }};
  {%- endif -%}
{%- endmacro %}
