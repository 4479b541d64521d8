{#-
    On-run-start: finish or undo a state switch a killed build left half-way, before any model
    is compiled (is_incremental() must see the stateful table that holds the state):
      - the table and its `__dbt_next`: the switch had not begun, the new state is dropped;
      - no table, `__dbt_previous` and `__dbt_next`: `__dbt_next` was complete, it becomes the table;
      - no table, only `__dbt_previous`: the old state is the table again;
      - the table and `__dbt_previous`: the switch was done, the old state is dropped.
    Snapshots switch the same way (spark_snapshot.sql). A `__dbt_staged` table is a build's
    scratch, dropped by the model's next build.
-#}
{% macro recover_state_switches() -%}
    {{ return(adapter.dispatch('recover_state_switches', 'marquee')()) }}
{%- endmacro %}

{% macro default__recover_state_switches() -%}
    {#- DuckDB and PostgreSQL change state in place, in one transaction -#}
{%- endmacro %}

{% macro spark__recover_state_switches() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set schemas = [] -%}
    {%- set stateful = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'snapshot' or (node.resource_type == 'model' and node.config.materialized == 'incremental') -%}
        {%- do stateful.append(node) -%}
        {%- if node.schema not in schemas -%}{%- do schemas.append(node.schema) -%}{%- endif -%}
    {%- endfor -%}
    {%- set tables = {} -%}
    {%- for row in schema_relations(schemas) -%}{%- do tables.update({row[0] ~ '.' ~ row[1]: true}) -%}{%- endfor -%}
    {%- for node in stateful -%}
        {%- set relation = api.Relation.create(schema=node.schema, identifier=node.alias, type='table') -%}
        {%- set name = node.schema ~ '.' ~ node.alias -%}
        {%- set has_next = (name ~ '__dbt_next') in tables -%}
        {%- set has_previous = (name ~ '__dbt_previous') in tables -%}
        {%- if name in tables and has_next -%}
            {%- do log('marquee: ' ~ name ~ ': a build was stopped before its state switch; its new state is dropped', info=true) -%}
            {%- do adapter.drop_relation(state_switch_relation(relation, 'next')) -%}
        {%- elif name not in tables and has_previous and has_next -%}
            {%- do log('marquee: ' ~ name ~ ': completing the state switch a stopped build began', info=true) -%}
            {%- do adapter.rename_relation(state_switch_relation(relation, 'next'), relation) -%}
        {%- elif name not in tables and has_previous -%}
            {%- do log('marquee: ' ~ name ~ ': restoring the state a stopped build had set aside', info=true) -%}
            {%- do adapter.rename_relation(state_switch_relation(relation, 'previous'), relation) -%}
            {%- set has_previous = false -%}
        {%- endif -%}
        {%- if has_previous and (name in tables or has_next) -%}
            {%- do adapter.drop_relation(state_switch_relation(relation, 'previous')) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}
