-- Every current app row that was not accepted, with its table, id and reason.
-- Together with the marts this accounts for every current row: accepted, here,
-- or gone with a deleted parent (counted in app_deletions). Older versions of a
-- row are superseded by its latest load (macro app_current_rows).

{{ config(schema=marts_schema()) }}

{% set tables = app_table_ids() %}

with

unioned as (
    {% for table, id_column in tables %}
        select
            '{{ table }}' as source_table,
            {{ id_column }} as row_id,
            reject_reason,
            landed_row_id,
            load_id,
            extracted_at
        from {{ ref('int_app_' ~ table ~ '_validated') }}
        where reject_reason is not null and deleted_with is null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        {{ surrogate_key(['source_table', 'landed_row_id']) }} as rejected_row_id,
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        row_id,
        reject_reason,
        load_id,
        extracted_at
    from unioned
)

select * from final
