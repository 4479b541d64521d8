{#-
    The current rows of an app table: the state of the app as of its latest load.

    Every app load is kept in raw (an export lands every row again, the database
    path lands the changed ones), so `staged` (a stg_app__ model) holds every
    landed version. A row with an id is current when it comes from the latest
    load that holds that id (older versions are superseded) and the id is in the
    table's latest key snapshot (absent: deleted in the app, see
    int_app_row_deletions). A row without an id is current when it comes from
    the table's latest load (it is then quarantined: 'id is missing'). Rows of a
    warehouse landed before key snapshots existed count as present. Duplicate ids
    inside one load all stay: the validated models quarantine them. Only loads
    dlt completed count (stg_dlt__loads): a landing killed half-way
    leaves rows that are no snapshot.
-#}
{% macro app_current_rows(staged, table_name, id_column) -%}
    {%- set completed = "(select load_id from " ~ ref('stg_dlt__loads') ~ " where source_name = 'app')" -%}
    select staged.*
    from (select * from {{ staged }} where load_id in {{ completed }}) as staged
    left join (
        select
            {{ id_column }} as row_id,
            max(load_id) as latest_load_id
        from {{ staged }}
        where {{ id_column }} is not null and load_id in {{ completed }}
        group by {{ id_column }}
    ) as latest
        on staged.{{ id_column }} = latest.row_id
    cross join (
        select
            (select max(load_id) from {{ staged }} where load_id in {{ completed }}) as latest_rows_load_id,
            (
                select max(load_id) from {{ ref('int_app_key_snapshots') }}
                where source_table = '{{ table_name }}' and is_marker
            ) as snapshot_load_id
    ) as loads
    left join (
        select distinct
            load_id,
            row_id
        from {{ ref('int_app_key_snapshots') }}
        where source_table = '{{ table_name }}' and not is_marker
    ) as present
        on present.load_id = loads.snapshot_load_id and staged.{{ id_column }} = present.row_id
    where
        case
            when staged.{{ id_column }} is null then staged.load_id = loads.latest_rows_load_id
            else staged.load_id = latest.latest_load_id
                and (loads.snapshot_load_id is null or present.row_id is not null)
        end
{%- endmacro %}
