-- Per needed title: its latest attempt and its latest success, for media_links.
with

needed as (
    select * from {{ ref('int_tmdb_titles_needed') }}
),

attempts as (
    select * from {{ ref('stg_tmdb__fetch_logs') }}
),

ranked as (
    select
        *,
        row_number() over (partition by work_item_id order by attempted_at desc, load_id desc) as recency,
        row_number() over (
            partition by work_item_id
            order by case when status = 'success' then 0 else 1 end, attempted_at desc, load_id desc
        ) as success_recency
    from attempts
),

latest as (
    select * from ranked
    where recency = 1
),

latest_success as (
    select * from ranked
    where success_recency = 1 and status = 'success'
),

final as (
    select
        needed.work_item_id,
        needed.lookup_kind,
        needed.lookup_value,
        latest.status as last_status,
        latest.attempted_at as last_attempted_at,
        latest.error as last_error,
        latest_success.tmdb_id,
        latest_success.media_type,
        latest_success.media_type || ':' || cast(latest_success.tmdb_id as {{ dbt.type_string() }}) as media_id,
        latest_success.attempted_at as last_success_at
    from needed
    left join latest
        on needed.work_item_id = latest.work_item_id
    left join latest_success
        on needed.work_item_id = latest_success.work_item_id
)

select * from final
