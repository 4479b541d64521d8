with

source as (
    {{ source_or_empty('app', 'app_row_keys') }}
),

renamed as (
    select
        cast(table_name as {{ dbt.type_string() }}) as source_table,
        nullif(trim(id), '') as row_id,
        id is null as is_marker,
        _dlt_load_id as load_id,
        {{ utc_timestamp('_extracted_at') }} as extracted_at
    from source
)

select * from renamed
