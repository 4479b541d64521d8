-- The latest landed response of each TMDB title (media_type, tmdb_id).
with

titles as (
    select * from {{ ref('stg_tmdb__titles') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by media_id
            order by fetched_at desc, load_id desc
        ) as recency
    from titles
),

final as (
    select * from ranked
    where recency = 1
)

select * from final
