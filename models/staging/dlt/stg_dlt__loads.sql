with

source as (
    {{ source_or_empty('dlt', '_dlt_loads') }}
),

completed as (
    select
        load_id,
        schema_name as source_name,
        {{ utc_timestamp('inserted_at') }} as completed_at
    from source
    where status = 0
)

select * from completed
