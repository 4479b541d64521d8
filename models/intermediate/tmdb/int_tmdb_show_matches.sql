{#-
    The TMDB film of each show-feed title: the latest conclusive title lookup
    (success or not_found; a failed attempt keeps the previous answer), used
    when its confidence reaches var tmdb_min_match_confidence. A title TMDB
    does not know, or knows only vaguely, gets a null tmdb_id.
-#}
with

attempts as (
    select * from {{ ref('stg_tmdb__fetch_logs') }}
),

conclusive as (
    select
        *,
        row_number() over (
            partition by lookup_value
            order by attempted_at desc, load_id desc
        ) as recency
    from attempts
    where
        lookup_kind = 'title'
        and status in ('success', 'not_found')
),

final as (
    select
        lookup_value as title,
        case
            when status = 'success' and match_confidence >= {{ var('tmdb_min_match_confidence') }}
                then tmdb_id
        end as tmdb_id,
        match_confidence,
        status as lookup_status,
        attempted_at as matched_at
    from conclusive
    where recency = 1
)

select * from final
