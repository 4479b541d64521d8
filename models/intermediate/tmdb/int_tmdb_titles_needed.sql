{#-
    Every title Marquee needs TMDB to know, one row per work item:
    - the distinct film titles of the show feed (searched by title; the year
      of the earliest show is the hint for choosing among same-named films),
    - the pinned titles of the seed tmdb_pinned_titles,
    - the app's media items (TMDB ids, movie or tv, else IMDb ids) once the
      app source has been landed: raw.media_items with tmdb_id / tmdb_type /
      imdb_id columns (issue 4). The part is left out while that table or those
      columns do not exist, so this model builds before any app data (macro
      tmdb_app_work_items).
    `work_item_id` is a hash of (lookup_kind, lookup_value).
-#}
with

shows as (
    select * from {{ ref('master_shows') }}
),

pinned as (
    select * from {{ ref('tmdb_pinned_titles') }}
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
    {{ tmdb_app_work_items() }}
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
