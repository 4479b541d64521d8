-- Feed records that could not be accepted, with the reason and the load they
-- came in. Pruning (macros/lifecycle/prune_raw.sql) removes old feeds from raw
-- but keeps these classified records, so this list never shrinks.

{{ config(schema=marts_schema()) }}

with

records as (
    select * from {{ ref('int_show_records_validated') }}
),

final as (
    select
        load_id,
        record_index,
        fetched_at,
        source_uri,
        movie_id,
        cinema_id_text,
        screen_name,
        show_time_text,
        title,
        invalid_record,
        reject_reason
    from records
    where record_status = 'rejected'
)

select * from final
