{#-
    The ids of an app table that are deleted now, one column `row_id`: deleted in
    the app (in int_app_row_deletions and absent from the table's latest key
    snapshot; an id that came back is not deleted), and, for `cascaded`, the
    current rows that a deletion upstream took with it (the validated model whose
    `deleted_with` is set, e.g. the families of a deleted owner). The validated
    models of child tables join it to tell a row whose parent was deleted (it
    leaves the marts with it) from an orphan (quarantined).
-#}
{% macro app_deleted_ids(table_name, cascaded=none, id_column=none) -%}
    select distinct deletions.row_id
    from {{ ref('int_app_row_deletions') }} as deletions
    where deletions.source_table = '{{ table_name }}'
        and not exists (
            select 1
            from {{ ref('int_app_key_snapshots') }} as present
            where present.source_table = '{{ table_name }}'
                and present.row_id = deletions.row_id
                and present.load_id > deletions.load_id
        )
    {%- if cascaded is not none %}
    union
    select {{ id_column }} as row_id
    from {{ cascaded }}
    where deleted_with is not null and {{ id_column }} is not null
    {%- endif %}
{%- endmacro %}
