{#-
    Spark's state switch (spark_incremental.sql, spark_snapshot.sql): a stateful table's next
    state is written complete as `<table>__dbt_next`, then switched in by renames.
-#}
{#- The relation of a state switch's step (`staged`, `next`, `previous`) beside `relation`. -#}
{% macro state_switch_relation(relation, step) -%}
    {{ return(relation.incorporate(path={'identifier': relation.identifier ~ '__dbt_' ~ step}, type='table')) }}
{%- endmacro %}

{#- Make `next` the table `relation` (complete), through `previous`: see the materialization. -#}
{% macro switch_state(relation, next) -%}
    {%- set previous = state_switch_relation(relation, 'previous') -%}
    {%- do adapter.rename_relation(relation, previous) -%}
    {%- do adapter.rename_relation(next, relation) -%}
    {%- do adapter.drop_relation(previous) -%}
{%- endmacro %}
