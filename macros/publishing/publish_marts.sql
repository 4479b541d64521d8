{#-
    Write, audit, publish: the on-run-end hook of every dbt command, so that
    `dbt build` run directly publishes exactly as `marquee build` does.

    Analysts read schema `marts`, which holds only views. A build writes its
    marts into its own version schema `marts_v<version>` (generate_schema_name),
    tests everything, and then this hook switches each view in `marts` to the
    new version in ONE transaction (both engines have transactional DDL): a
    reader sees the previous version or the new one, never a mix, and a kill
    before the commit leaves `marts` as it was. Stateful relations (ledger,
    master, snapshot) are never published directly: a mart copies each of them
    into the version schema, so history changes at the switch and only then.

    Domains (the dbt groups of the marts: shows, media, app) publish on their
    own. A failure touches a domain when one of its marts, or anything a mart
    depends on, failed or was skipped, or a test of any of those failed; that
    domain keeps its published marts (copied into the new version) and is
    recorded in `ops.stale_domains`, while the other domains publish. A build
    whose failures touch every domain, or no mart at all, publishes nothing and
    drops its version schema.

    A partial build (`--select`) copies each published mart it did not rebuild
    into the new version as it is, so a version is always complete. Marts never
    published are left out until a build makes them. After the switch, older
    version schemas are dropped; on PostgreSQL the analyst role's grants are
    re-applied in the same transaction. `ops.publications` records each
    publication (version, time, invocation, views, carried over, outcome).

    Spark has no transactions: the views are replaced one after another, in name order
    (each replacement is atomic in the catalog), after every mart of the version was built
    and tested. For the moment the switch lasts, a reader of several marts may see some
    of the new version and some of the previous one; every mart it reads is complete and
    tested. The previous version stays until the next publish (superseded_versions_kept),
    so a query begun on it finishes on it. A kill during the switch leaves the views it
    had reached on the new version and the others on the previous one; the next build
    publishes all of them again.

    Commands other than `build` publish nothing: a `dbt run` leaves the marts
    as they are (its untested version is dropped) and the next build publishes.
-#}
{% macro publish_marts(results) -%}
    {%- if not execute or flags.WHICH not in ('build', 'run') -%}{{ return('') }}{%- endif -%}
    {%- set version_schema = marts_schema() | trim -%}
    {%- set version = version_schema[7:] -%}
    {%- set nodes = graph.nodes -%}
    {%- set marts = {} -%}
    {%- for node in nodes.values() if node.resource_type == 'model' and node.schema == version_schema -%}
        {%- do marts.update({node.unique_id: node}) -%}
    {%- endfor -%}

    {#- What failed, and which domains it touches. -#}
    {%- set lock_failed = [] -%}
    {%- set touched = [] -%}
    {%- set failures = [] -%}
    {%- for result in results -%}
        {%- if result.status in ('error', 'fail', 'runtime error', 'skipped') -%}
            {%- set node = result.node -%}
            {%- if node.resource_type == 'operation' -%}
                {%- do lock_failed.append(node.unique_id) -%}
            {%- elif node.resource_type == 'test' -%}
                {%- do failures.append(node.name) -%}
                {%- do touched.extend(node.depends_on.nodes) -%}
            {%- else -%}
                {%- do failures.append(node.name) -%}
                {%- do touched.append(node.unique_id) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if lock_failed or not holds_warehouse_lock() -%}
        {%- do log('marquee: ' ~ ('a check before the build failed (the warehouse lock, or the marts\' schema)' if lock_failed else 'the warehouse lock was not held') ~ ': nothing was published', info=true) -%}
        {{ return('') }}
    {%- endif -%}
    {#- from here on the warehouse is held by this session, not by a lease (warehouse_lock.sql) -#}
    {%- do take_over_warehouse_lock() -%}
    {#- Everything downstream of a failure is touched too: one walk over the children, with
        `touched` as its own work list (a node joins it once, and its children are visited
        when the loop reaches it), whatever the depth of the DAG. -#}
    {%- set children = {} -%}
    {%- for uid, node in nodes.items() if node.resource_type in ('model', 'snapshot', 'seed') -%}
        {%- for parent in node.depends_on.nodes -%}
            {%- if parent not in children -%}{%- do children.update({parent: []}) -%}{%- endif -%}
            {%- do children[parent].append(uid) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for uid in touched -%}
        {%- for child in children.get(uid, []) if child not in touched -%}
            {%- do touched.append(child) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set all_domains = [] -%}
    {%- set stale = [] -%}
    {%- for uid, node in marts.items() -%}
        {%- if (node.group or node.fqn[2]) not in all_domains -%}{%- do all_domains.append((node.group or node.fqn[2])) -%}{%- endif -%}
        {%- if uid in touched and (node.group or node.fqn[2]) not in stale -%}{%- do stale.append((node.group or node.fqn[2])) -%}{%- endif -%}
    {%- endfor -%}

    {%- if flags.WHICH != 'build' or (failures and (not stale or stale | length >= all_domains | length)) -%}
        {%- do marquee_begin() -%}
        {%- do run_query('drop schema if exists ' ~ adapter.quote(version_schema) ~ ' cascade') -%}
        {%- do marquee_commit() -%}
        {%- if flags.WHICH == 'build' -%}
            {%- do log('marquee: dbt build failed: ' ~ failures[:5] | join('; ') ~ ' -- nothing was published; marts are unchanged', info=true) -%}
        {%- endif -%}
        {{ return('') }}
    {%- endif -%}

    {#- Complete the version: carry over what it did not rebuild, and every mart of a stale domain. -#}
    {%- do marquee_begin() -%}
    {%- set existing = {} -%}
    {%- for row in schema_relations(['marts', version_schema]) -%}
        {%- do existing.update({row[0] ~ '.' ~ row[1]: row[2]}) -%}
    {%- endfor -%}
    {%- set views = {} -%}
    {%- set carried_over = [] -%}
    {%- for uid, node in marts.items() | sort -%}
        {%- set name = node.alias or node.name -%}
        {%- set built = version_schema ~ '.' ~ name -%}
        {%- set published = existing.get('marts.' ~ name) == 'VIEW' -%}
        {%- if (node.group or node.fqn[2]) in stale and built in existing -%}
            {%- do run_query('drop ' ~ ('view' if existing[built] == 'VIEW' else 'table') ~ ' if exists ' ~ adapter.quote(version_schema) ~ '.' ~ adapter.quote(name)) -%}
            {%- do existing.pop(built) -%}
        {%- endif -%}
        {%- if built not in existing and published -%}
            {%- do run_query('create schema if not exists ' ~ adapter.quote(version_schema)) -%}
            {%- do run_query('create table ' ~ adapter.quote(version_schema) ~ '.' ~ adapter.quote(name) ~ ' as select * from marts.' ~ adapter.quote(name)) -%}
            {%- do carried_over.append(name) -%}
            {%- do existing.update({built: 'BASE TABLE'}) -%}
        {%- endif -%}
        {%- if built in existing -%}{%- do views.update({name: built}) -%}{%- endif -%}
    {%- endfor -%}
    {%- do marquee_commit() -%}

    {#- The switch, in one transaction. -#}
    {%- do marquee_begin() -%}
    {%- do run_query('create schema if not exists marts') -%}
    {%- do run_query('create schema if not exists ops') -%}
    {%- do lock_published_views(existing) -%}
    {%- for name, relation in views.items() | sort -%}
        {%- do replace_published_view(name, adapter.quote(version_schema) ~ '.' ~ adapter.quote(name), ('marts.' ~ name) in existing) -%}
    {%- endfor -%}
    {%- for key in existing if key.startswith('marts.') and existing[key] == 'VIEW' and key[6:] not in views -%}
        {%- do run_query('drop view if exists marts.' ~ adapter.quote(key[6:])) -%}
    {%- endfor -%}
    {%- do grant_published_views() -%}
    {%- do record_publication(version, views | length, carried_over | length, stale | sort) -%}
    {%- do marquee_commit() -%}

    {%- do marquee_begin() -%}
    {%- set older = schema_names_like('marts_v*') | reject('equalto', version_schema) | sort -%}
    {%- set kept = superseded_versions_kept() -%}
    {%- for name in (older[:-kept] if kept else older) -%}
        {%- do run_query('drop schema if exists ' ~ adapter.quote(name) ~ ' cascade') -%}
    {%- endfor -%}
    {%- do marquee_commit() -%}
    {%- set note = (('; ' ~ carried_over | length ~ ' not selected carried over unchanged') if selected_resources | length < nodes | length and not stale else '') -%}
    {%- if stale -%}
        {%- set note = '; ' ~ stale | sort | join(', ') ~ ' kept ' ~ ('their' if stale | length > 1 else 'its') ~ ' last good version' -%}
    {%- endif -%}
    {%- do log('marquee: published ' ~ views | length ~ ' marts (version ' ~ version ~ ') to schema marts' ~ note ~ '.', info=true) -%}
{%- endmacro %}

{#-
    Transactions of the hooks: dbt runs hook statements in autocommit mode (on both engines),
    and run_query never begins a transaction, so what must commit together is wrapped in an
    explicit begin / commit (every statement of these macros runs through run_query or
    `statement(auto_begin=false)`, so dbt's own transaction handling never interleaves).
-#}
{% macro marquee_begin() -%}
    {{ return(adapter.dispatch('marquee_begin', 'marquee')()) }}
{%- endmacro %}

{% macro default__marquee_begin() -%}
    {%- do run_query('begin') -%}
{%- endmacro %}

{% macro marquee_commit() -%}
    {{ return(adapter.dispatch('marquee_commit', 'marquee')()) }}
{%- endmacro %}

{% macro default__marquee_commit() -%}
    {%- do run_query('commit') -%}
{%- endmacro %}

{#- Spark has no transactions: every statement takes effect on its own. -#}
{% macro spark__marquee_begin() -%}
{%- endmacro %}

{% macro spark__marquee_commit() -%}
{%- endmacro %}

{#- Record the publication and each stale domain with the time its marts were last published good. -#}
{% macro record_publication(version, views, carried_over, stale) -%}
    {%- do run_query("create table if not exists ops.publications (version " ~ dbt.type_string() ~ ", published_at timestamp, invocation_id " ~ dbt.type_string() ~ ", views integer, carried_over integer)") -%}
    {%- do upgrade_publications() -%}
    {%- do run_query("create table if not exists ops.stale_domains (version " ~ dbt.type_string() ~ ", domain " ~ dbt.type_string() ~ ", last_good_at timestamp)") -%}
    {%- set previous = run_query("select version, published_at from ops.publications order by published_at desc limit 1") -%}
    {%- do run_query("insert into ops.publications (version, published_at, invocation_id, views, carried_over) values ('"
        ~ version ~ "', " ~ marquee_utc_now() ~ ", '" ~ invocation_id ~ "', " ~ views ~ ", " ~ carried_over ~ ")") -%}
    {%- for domain in stale -%}
        {%- if previous.rows | length == 0 -%}
            {%- set last_good = 'cast(null as timestamp)' -%}
        {%- else -%}
            {%- set last_good = "coalesce((select last_good_at from ops.stale_domains where version = '" ~ previous.rows[0][0]
                ~ "' and domain = '" ~ domain ~ "'), (select published_at from ops.publications where version = '" ~ previous.rows[0][0] ~ "'))" -%}
        {%- endif -%}
        {%- do run_query("insert into ops.stale_domains select '" ~ version ~ "', '" ~ domain ~ "', " ~ last_good) -%}
    {%- endfor -%}
{%- endmacro %}

{#-
    How many superseded versions stay after a publish. DuckDB and PostgreSQL switch in one
    transaction and drop the old version in the next, after readers' queries on it ended (a
    drop waits for them): none. Spark switches view by view and a drop deletes files under a
    running query: the previous version stays until the next publish, so a query that began
    on it finishes on it.
-#}
{% macro superseded_versions_kept() -%}
    {{ return(adapter.dispatch('superseded_versions_kept', 'marquee')()) }}
{%- endmacro %}

{% macro default__superseded_versions_kept() -%}
    {{ return(0) }}
{%- endmacro %}

{% macro spark__superseded_versions_kept() -%}
    {{ return(1) }}
{%- endmacro %}

{#- A warehouse of an earlier release: ops.publications gained column carried_over (session 4). -#}
{% macro upgrade_publications() -%}
    {{ return(adapter.dispatch('upgrade_publications', 'marquee')()) }}
{%- endmacro %}

{% macro default__upgrade_publications() -%}
    {%- do run_query("alter table ops.publications add column if not exists carried_over integer") -%}
{%- endmacro %}

{#- Spark warehouses came later: theirs has it from the start. -#}
{% macro spark__upgrade_publications() -%}
{%- endmacro %}

{#- Take every published view's lock at once before the switch (PostgreSQL; DuckDB has one writer process). -#}
{% macro lock_published_views(existing) -%}
    {{ return(adapter.dispatch('lock_published_views', 'marquee')(existing)) }}
{%- endmacro %}

{% macro default__lock_published_views(existing) -%}
{%- endmacro %}

{#-
    Readers lock the views their query names one after the other; a publisher
    that waited for them while already holding other views could deadlock
    with them. NOWAIT and retry (for 30 s): the switch happens between readers' queries.
-#}
{% macro postgres__lock_published_views(existing) -%}
    {%- set views = [] -%}
    {%- for key in existing | sort if key.startswith('marts.') and existing[key] == 'VIEW' -%}
        {%- do views.append('marts.' ~ adapter.quote(key[6:])) -%}
    {%- endfor -%}
    {%- if not views -%}{{ return('') }}{%- endif -%}
    {%- call statement('lock_published_views', auto_begin=false) -%}
        do $$
        begin
            for attempt in 1..600 loop
                begin
                    lock table {{ views | join(', ') }} in access exclusive mode nowait;
                    return;
                exception when lock_not_available then
                    perform pg_sleep(0.05);
                end;
            end loop;
            raise exception 'could not publish: readers kept the marts views locked for 30 s; try again';
        end $$
    {%- endcall -%}
{%- endmacro %}

{#- Point marts.<name> at a version's relation. -#}
{% macro replace_published_view(name, relation, exists) -%}
    {{ return(adapter.dispatch('replace_published_view', 'marquee')(name, relation, exists)) }}
{%- endmacro %}

{% macro default__replace_published_view(name, relation, exists) -%}
    {%- do run_query('create or replace view marts.' ~ adapter.quote(name) ~ ' as select * from ' ~ relation) -%}
{%- endmacro %}

{#- Replacing keeps grants and dependent views, but PostgreSQL refuses column changes: then drop and create. -#}
{% macro postgres__replace_published_view(name, relation, exists) -%}
    {%- set view = 'marts.' ~ adapter.quote(name) -%}
    {%- call statement('replace_published_view', auto_begin=false) -%}
        do $$
        begin
            execute $sql$create or replace view {{ view }} as select * from {{ relation }}$sql$;
        exception when others then
            execute $sql$drop view {{ view }}$sql$;
            execute $sql$create view {{ view }} as select * from {{ relation }}$sql$;
        end $$
    {%- endcall -%}
{%- endmacro %}

{#- Let the analyst role (env MARQUEE_ANALYST_ROLE) read schema marts (PostgreSQL). -#}
{% macro grant_published_views() -%}
    {{ return(adapter.dispatch('grant_published_views', 'marquee')()) }}
{%- endmacro %}

{% macro default__grant_published_views() -%}
{%- endmacro %}

{% macro postgres__grant_published_views() -%}
    {%- set role = env_var('MARQUEE_ANALYST_ROLE', 'marquee_analyst') -%}
    {%- if not modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*', role) -%}
        {{ exceptions.raise_compiler_error('MARQUEE_ANALYST_ROLE must be a plain identifier, not ' ~ role) }}
    {%- endif -%}
    {%- call statement('grant_published_views', auto_begin=false) -%}
        do $$ begin
            if not exists (select from pg_roles where rolname = '{{ role }}') then create role {{ role }} nologin; end if;
        end $$;
        grant usage on schema marts to {{ role }};
        grant select on all tables in schema marts to {{ role }};
        alter default privileges in schema marts grant select on tables to {{ role }}
    {%- endcall -%}
{%- endmacro %}
