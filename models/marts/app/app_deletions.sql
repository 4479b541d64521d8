-- Deletions in the app, counted per table: rows deleted in the app (their id
-- left the table's key snapshot) and current rows that left the marts with a
-- deleted parent (a deleted user's entries, an owner's families, ...). Counts
-- only: no id of a deleted row reaches the marts.

{{ config(schema=marts_schema()) }}

{% set tables = app_table_ids() %}

with

still_deleted as (
    select * from {{ ref('int_app_rows_deleted') }}
),

cascaded as (
    {% for table, id_column in tables %}
        select
            '{{ table }}' as source_table,
            count(*) as rows_deleted_with_parent
        from {{ ref('int_app_' ~ table ~ '_validated') }}
        where deleted_with is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        cast(cascaded.source_table as {{ dbt.type_string() }}) as source_table,
        count(still_deleted.row_id) as rows_deleted,
        cascaded.rows_deleted_with_parent,
        max(still_deleted.deleted_at) as last_deleted_at
    from cascaded
    left join still_deleted on cascaded.source_table = still_deleted.source_table
    group by cascaded.source_table, cascaded.rows_deleted_with_parent
)

select * from final
