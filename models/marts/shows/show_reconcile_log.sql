-- One row per build that reconciled new loads, with the counts of what it did
-- (summed over the loads it applied, in load order).

{{ config(schema=marts_schema()) }}

with

versions as (
    select * from {{ ref('int_show_versions') }}
),

load_summaries as (
    select * from versions
    where record_type = 'load'
),

final as (
    select
        invocation_id,
        max(reconciled_at) as reconciled_at,
        count(*) as loads_count,
        min(load_id) as first_load_id,
        max(load_id) as last_load_id,
        cast(sum(records_count) as bigint) as records_count,
        cast(sum(inserted_count) as bigint) as inserted,
        cast(sum(updated_count) as bigint) as updated,
        cast(sum(unchanged_count) as bigint) as unchanged,
        cast(sum(withdrawn_count) as bigint) as withdrawn,
        cast(sum(rejected_count) as bigint) as rejected,
        cast(sum(duplicates_count) as bigint) as duplicates
    from load_summaries
    group by invocation_id
)

select * from final
