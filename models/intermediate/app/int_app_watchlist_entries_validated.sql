-- Every current watch-list entry with its verdict (null `reject_reason`:
-- accepted), typed status and priority rank from the seeds.
with

entries as (
    {{ app_current_rows(ref('stg_app__watchlist_entries'), 'watchlist_entries', 'watchlist_entry_id') }}
),

users as (
    select * from {{ ref('int_app_users_validated') }}
    where reject_reason is null
),

media_items as (
    select * from {{ ref('int_app_media_items_validated') }}
    where reject_reason is null
),

statuses as (
    select * from {{ ref('app_watch_statuses') }}
),

priorities as (
    select * from {{ ref('app_watch_priorities') }}
),

deleted_media_items as (
    {{ app_deleted_ids('media_items') }}
),

deleted_users as (
    {{ app_deleted_ids('users') }}
),

joined as (
    select
        entries.*,
        case
            when deleted_user_id.row_id is not null then 'user'
            when deleted_media_item_id.row_id is not null then 'media item'
        end as deleted_with,
        users.user_id as accepted_user_id,
        media_items.media_item_id as accepted_media_item_id,
        statuses.status as known_status,
        statuses.is_finished,
        priorities.priority_rank,
        row_number() over (
            partition by entries.watchlist_entry_id
            order by entries.updated_at desc nulls last, entries.landed_row_id asc
        ) as id_recency,
        -- the app allows one entry per (user, media item): the latest one wins
        row_number() over (
            partition by entries.user_id, entries.media_item_id
            order by
                case when entries.watchlist_entry_id is null then 1 else 0 end asc,
                entries.updated_at desc nulls last,
                entries.watchlist_entry_id asc
        ) as pair_recency
    from entries
    left join deleted_users as deleted_user_id on entries.user_id = deleted_user_id.row_id
    left join deleted_media_items as deleted_media_item_id on entries.media_item_id = deleted_media_item_id.row_id
    left join users on entries.user_id = users.user_id
    left join media_items on entries.media_item_id = media_items.media_item_id
    left join statuses on entries.status = statuses.status
    left join priorities on entries.priority = priorities.priority
),

validated as (
    select
        *,
        case
            when deleted_with is not null then 'deleted with its ' || deleted_with
            else {{ combine_reject_reasons([
                "case when watchlist_entry_id is null then 'id is missing'
                    when id_recency > 1 then 'duplicate id'
                    when pair_recency > 1 then 'duplicate user_id and media_item_id' end",
                "case when user_id is null then 'user_id is missing'
                    when accepted_user_id is null then 'orphan user_id' end",
                "case when media_item_id is null then 'media_item_id is missing'
                    when accepted_media_item_id is null then 'orphan media_item_id' end",
                "case when status is null then 'status is missing'
                    when known_status is null then 'unknown status' end",
                "case when priority is null then 'priority is missing'
                    when priority_rank is null then 'unknown priority' end",
                "case when rating_text is not null and (rating is null or rating not between 1 and 10)
                    then 'rating outside 1-10' end",
            ]) }}
        end as reject_reason
    from joined
)

select * from validated
