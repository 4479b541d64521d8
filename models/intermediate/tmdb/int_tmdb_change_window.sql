{#-
    The days of TMDB change lists the next fetch reads (one row): from the last day of
    the last window read, whose lists may have grown since, to today (UTC). TMDB lists at
    most var tmdb_change_list_max_days days at once: when the last window read ended
    earlier than that, or none was ever read, the window is the latest such span and
    `is_fallback` says the days before it are covered by the refresh window alone
    (var tmdb_refresh_days, int_tmdb_work_list). `last_covered_date` is the end of the last
    window covered (pruning keeps its markers). A view: current as soon as a window lands.
-#}
with

changes as (
    select * from {{ ref('stg_tmdb__changes') }}
),

covered as (
    -- a window counts once both lists of it were read (the marker rows)
    select window_end
    from changes
    where tmdb_id is null
    group by window_end
    having count(distinct media_type) = 2
),

today as (
    select cast({{ utc_timestamp('current_timestamp') }} as date) as today_date
),

bounds as (
    select
        today.today_date,
        max(covered.window_end) as last_end,
        cast(today.today_date - interval '{{ var("tmdb_change_list_max_days") | int }} days' as date) as earliest_start
    from today
    left join covered on today.today_date >= covered.window_end
    group by today.today_date
),

final as (
    select
        case
            when last_end is null or last_end < earliest_start then earliest_start
            else last_end
        end as start_date,
        today_date as end_date,
        coalesce(last_end < earliest_start, false) as is_fallback,
        last_end as last_covered_date
    from bounds
)

select * from final
