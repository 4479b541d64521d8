{#-
    One writer per warehouse, for `dbt build` run directly as for `marquee`
    (on-run-start: acquire; on-run-end: publish, then release).

    DuckDB: the lock is taken outside SQL, by the dbt-duckdb plugin
    `marquee.engines.duckdb_plugin` (profiles.yml.example) before dbt opens the file:
    the same flock `marquee` holds, released by the OS when the process ends.

    PostgreSQL: dbt closes its connections between nodes, so a session
    advisory lock cannot outlive a hook. A dbt run holds a lease instead: a
    row of `ops.warehouse_lock` naming its invocation, valid for var
    `warehouse_lock_minutes` unless released at the end of the run. `marquee`
    holds PostgreSQL's advisory lock on a connection of its own (crash-safe)
    and, when it runs dbt itself, passes that connection's backend pid in the
    environment variable MARQUEE_LOCK_PID (read at run time: see marquee_lock_pid()). Each side first marks itself, then looks for the other,
    so two writers can both refuse but never both go on.

    The on-run-end hooks run on one connection: there, a dbt run hands its lease
    over to that session's advisory lock (take_over_warehouse_lock, first thing
    in publish_marts), so that a publish or prune that raises, which makes dbt
    skip the hook that would release the lease, leaves no lease behind: the
    session ends with the process and PostgreSQL drops its lock.
-#}
{% macro acquire_warehouse_lock() -%}
    {{ return(adapter.dispatch('acquire_warehouse_lock', 'marquee')()) }}
{%- endmacro %}

{% macro default__acquire_warehouse_lock() -%}
    {#- DuckDB (and any single-process engine): see the plugin. -#}
{%- endmacro %}

{#-
    The backend pid on which `marquee` holds the advisory lock, when marquee runs
    dbt (MARQUEE_LOCK_PID); none for a dbt run of its own. An environment variable
    read only at run time (never while parsing), not a dbt var: a var that changes
    with every command would make dbt parse the whole project every time.
-#}
{% macro marquee_lock_pid() -%}
    {%- set pid = env_var('MARQUEE_LOCK_PID', '') | trim -%}
    {{ return(pid if pid else none) }}
{%- endmacro %}

{#- The advisory lock key `marquee` takes (marquee/engines/postgres.py ADVISORY_LOCK_KEY). -#}
{% macro warehouse_lock_key() -%}
    {{ return(1620564350) }}
{%- endmacro %}

{% macro postgres__acquire_warehouse_lock() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set marquee_pid = marquee_lock_pid() -%}
    {%- set advisory_holders -%}
        select pid from pg_locks
        where locktype = 'advisory' and granted and classid = 0 and objid = {{ warehouse_lock_key() }}::bigint::oid
            and database = (select oid from pg_database where datname = current_database())
    {%- endset -%}
    {%- if marquee_pid is not none -%}
        {#- dbt run by marquee, which holds the advisory lock: check that it really does. -#}
        {%- set holders = run_query(advisory_holders).columns[0].values() | list -%}
        {%- if (marquee_pid | int) not in holders -%}
            {{ exceptions.raise_compiler_error("MARQUEE_LOCK_PID names no holder of the warehouse lock; run `marquee build`, or `dbt build` without it") }}
        {%- endif -%}
        {{ return('') }}
    {%- endif -%}
    {%- do marquee_begin() -%}
    {%- call statement('acquire_lease', auto_begin=false) -%}
        create schema if not exists ops;
        create table if not exists ops.warehouse_lock (
            lock_name varchar primary key, holder varchar not null,
            acquired_at timestamp not null, expires_at timestamp not null
        );
        do $$
        declare
            current_holder record;
        begin
            lock table ops.warehouse_lock in share row exclusive mode;
            select * into current_holder from ops.warehouse_lock
            where lock_name = 'warehouse' and holder <> '{{ invocation_id }}'
                and expires_at > (now() at time zone 'UTC');
            if found then
                raise exception 'another dbt run (invocation %) has held the warehouse since % UTC; wait for it to finish, or if it was killed, release it with: dbt run-operation release_warehouse_lock --args "{force: true}"',
                    current_holder.holder, to_char(current_holder.acquired_at, 'YYYY-MM-DD HH24:MI:SS');
            end if;
            insert into ops.warehouse_lock values (
                'warehouse', '{{ invocation_id }}', now() at time zone 'UTC',
                now() at time zone 'UTC' + interval '{{ var("warehouse_lock_minutes") | int }} minutes'
            )
            on conflict (lock_name) do update set
                holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at;
        end $$
    {%- endcall -%}
    {%- do marquee_commit() -%}
    {%- if run_query(advisory_holders).columns[0].values() | length > 0 -%}
        {%- do release_warehouse_lock() -%}
        {{ exceptions.raise_compiler_error("another marquee or dbt run is using the warehouse; wait for it to finish") }}
    {%- endif -%}
{%- endmacro %}

{#- Does this run hold the warehouse lock (on PostgreSQL: its lease is still its own)? -#}
{% macro holds_warehouse_lock() -%}
    {{ return(adapter.dispatch('holds_warehouse_lock', 'marquee')()) }}
{%- endmacro %}

{% macro default__holds_warehouse_lock() -%}
    {{ return(true) }}
{%- endmacro %}

{% macro postgres__holds_warehouse_lock() -%}
    {%- if marquee_lock_pid() is not none or session_holds_advisory_lock() -%}{{ return(true) }}{%- endif -%}
    {%- set mine -%}
        select count(*) from ops.warehouse_lock where lock_name = 'warehouse' and holder = '{{ invocation_id }}'
    {%- endset -%}
    {%- if adapter.get_relation(database=target.database, schema='ops', identifier='warehouse_lock') is none -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(run_query(mine).columns[0].values()[0] > 0) }}
{%- endmacro %}

{#- Release this run's lease (on-run-end), or with force=true whoever's (a killed run's). -#}
{% macro release_warehouse_lock(force=false) -%}
    {{ return(adapter.dispatch('release_warehouse_lock', 'marquee')(force)) }}
{%- endmacro %}

{% macro default__release_warehouse_lock(force) -%}
{%- endmacro %}

{% macro postgres__release_warehouse_lock(force) -%}
    {%- if not execute or marquee_lock_pid() is not none -%}{{ return('') }}{%- endif -%}
    {%- if session_holds_advisory_lock() -%}
        {#- unlocked explicitly: PostgreSQL ends a closed session asynchronously -#}
        {%- do run_query('select pg_advisory_unlock(' ~ warehouse_lock_key() ~ ')') -%}
    {%- endif -%}
    {%- if adapter.get_relation(database=target.database, schema='ops', identifier='warehouse_lock') is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- do marquee_begin() -%}
    {%- call statement('release_lease', auto_begin=false) -%}
        delete from ops.warehouse_lock where lock_name = 'warehouse'
        {%- if not force %} and holder = '{{ invocation_id }}'{% endif %}
    {%- endcall -%}
    {%- do marquee_commit() -%}
{%- endmacro %}

{#-
    On-run-end (first thing in publish_marts): hand this run's lease over to the
    advisory lock of the hooks' session, then delete the lease. From then on the
    warehouse is held exactly as long as that session lives: a hook that raises
    ends the run, the session ends with it, and no lease is left to expire.
    Nothing to do on DuckDB (the flock ends with the process) or when marquee
    runs dbt (marquee holds the advisory lock itself).
-#}
{% macro take_over_warehouse_lock() -%}
    {{ return(adapter.dispatch('take_over_warehouse_lock', 'marquee')()) }}
{%- endmacro %}

{% macro default__take_over_warehouse_lock() -%}
{%- endmacro %}

{% macro postgres__take_over_warehouse_lock() -%}
    {%- if not execute or marquee_lock_pid() is not none or session_holds_advisory_lock() -%}{{ return('') }}{%- endif -%}
    {#- the lease keeps everyone else out, but a writer that is checking holds the advisory lock
        for a moment before it sees the lease and gives up: wait for it, briefly -#}
    {%- set taken = [] -%}
    {%- for attempt in range(20) if not taken -%}
        {%- if run_query('select pg_try_advisory_lock(' ~ warehouse_lock_key() ~ ')').columns[0].values()[0] -%}
            {%- do taken.append(true) -%}
        {%- else -%}
            {%- do run_query('select pg_sleep(0.25)') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not taken -%}
        {%- do log('marquee: the hooks could not take over the lease; it is released at the end of the run as before', info=true) -%}
        {{ return('') }}
    {%- endif -%}
    {%- do marquee_begin() -%}
    {%- call statement('hand_over_lease', auto_begin=false) -%}
        delete from ops.warehouse_lock where lock_name = 'warehouse' and holder = '{{ invocation_id }}'
    {%- endcall -%}
    {%- do marquee_commit() -%}
{%- endmacro %}

{#- Does this session hold the advisory lock of the warehouse (PostgreSQL)? -#}
{% macro session_holds_advisory_lock() -%}
    {%- set held -%}
        select count(*) from pg_locks
        where locktype = 'advisory' and granted and classid = 0 and objid = {{ warehouse_lock_key() }}::bigint::oid
            and pid = pg_backend_pid()
    {%- endset -%}
    {{ return(run_query(held).columns[0].values()[0] > 0) }}
{%- endmacro %}
