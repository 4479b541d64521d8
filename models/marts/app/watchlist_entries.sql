-- One row per accepted watch-list entry, with the title's TMDB identity.
-- To add TMDB attributes, join marts.media (issue 3) on (tmdb_id, media_type).

{{ config(schema=marts_schema()) }}

with

entries as (
    select * from {{ ref('int_app_watchlist_entries_validated') }}
    where reject_reason is null
),

media_items as (
    select * from {{ ref('int_app_media_items_validated') }}
    where reject_reason is null
),

final as (
    select
        entries.watchlist_entry_id,
        entries.user_id,
        entries.media_item_id,
        media_items.tmdb_id,
        media_items.media_type,
        media_items.title,
        entries.status,
        entries.is_finished as is_completed,
        entries.priority,
        entries.priority_rank,
        entries.rating,
        entries.has_notes,
        entries.added_at,
        entries.updated_at,
        -- the app keeps no completion time: the last change of a completed entry
        case when entries.is_finished then entries.updated_at end as completed_at
    from entries
    inner join media_items on entries.media_item_id = media_items.media_item_id
)

select * from final
