{#-
    Every title Marquee needs TMDB to know, one row per work item:
    - the distinct film titles of the show feed (searched by title; the year
      of the earliest show is the hint for choosing among same-named films),
    - the pinned titles of the seed tmdb_pinned_titles,
    - the app's accepted media items (a TMDB id, movie or tv), from
      int_app_media_items_validated (empty until app data is landed).
    `work_item_id` is a hash of (lookup_kind, lookup_value).
-#}
with

shows as (
    select * from {{ ref('int_shows_mastered') }}
),

pinned as (
    select * from {{ ref('tmdb_pinned_titles') }}
),

app_media_items as (
    select * from {{ ref('int_app_media_items_validated') }}
),

show_titles as (
    select
        'title' as lookup_kind,
        title as lookup_value,
        cast(extract(year from min(show_time)) as integer) as year_hint,
        'shows' as needed_by
    from shows
    where title is not null
    group by title
),

pinned_titles as (
    select
        lookup_kind,
        trim(lookup_value) as lookup_value,
        cast(null as integer) as year_hint,
        'pinned' as needed_by
    from pinned
),

app_titles as (
    select distinct
        media_type as lookup_kind,
        cast(tmdb_id as {{ dbt.type_string() }}) as lookup_value,
        cast(null as integer) as year_hint,
        'app' as needed_by
    from app_media_items
    where reject_reason is null
),

combined as (
    select * from show_titles
    union all
    select * from pinned_titles
    union all
    select * from app_titles
),

final as (
    select
        {{ surrogate_key(['lookup_kind', 'lookup_value']) }} as work_item_id,
        lookup_kind,
        lookup_value,
        min(year_hint) as year_hint,
        min(needed_by) as needed_by
    from combined
    where lookup_kind is not null and lookup_value is not null
    group by lookup_kind, lookup_value
)

select * from final
