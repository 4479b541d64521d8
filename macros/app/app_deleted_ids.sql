{#-
    The ids of an app table that are deleted now, one column `row_id`: deleted in
    the app (int_app_rows_deleted: an id that came back is not deleted), and, for `cascaded`, the
    current rows that a deletion upstream took with it (the validated model whose
    `deleted_with` is set, e.g. the families of a deleted owner). The validated
    models of child tables join it to tell a row whose parent was deleted (it
    leaves the marts with it) from an orphan (quarantined).
-#}
{% macro app_deleted_ids(table_name, cascaded=none, id_column=none) -%}
    select deleted.row_id
    from {{ ref('int_app_rows_deleted') }} as deleted
    where deleted.source_table = '{{ table_name }}'
    {%- if cascaded is not none %}
    union
    select {{ id_column }} as row_id
    from {{ cascaded }}
    where deleted_with is not null and {{ id_column }} is not null
    {%- endif %}
{%- endmacro %}
