-- Titles to watch together: on the watch-lists of at least two members of a
-- family and completed by none of its members, ranked within the family by
-- how many members want it, then by the sum of their priority ranks.

{{ config(schema=marts_schema()) }}

with

memberships as (
    select * from {{ ref('int_app_family_memberships_validated') }}
    where reject_reason is null
),

entries as (
    select * from {{ ref('int_app_watchlist_entries_validated') }}
    where reject_reason is null
),

media_items as (
    select * from {{ ref('int_app_media_items_validated') }}
    where reject_reason is null
),

member_entries as (
    select
        memberships.family_id,
        entries.user_id,
        entries.media_item_id,
        entries.is_finished,
        entries.priority,
        entries.priority_rank
    from memberships
    inner join entries on memberships.user_id = entries.user_id
),

per_title as (
    select
        family_id,
        media_item_id,
        count(distinct case when not is_finished then user_id end) as interested_members_count,
        cast(sum(case when not is_finished then priority_rank else 0 end) as {{ dbt.type_bigint() }}) as priority_score,
        count(case when not is_finished and priority = 'HIGH' then 1 end) as high_priority_count,
        sum(case when is_finished then 1 else 0 end) as completed_members_count
    from member_entries
    group by family_id, media_item_id
),

candidates as (
    select * from per_title
    where interested_members_count >= 2 and completed_members_count = 0
),

ranked as (
    select
        candidates.*,
        row_number() over (
            partition by candidates.family_id
            order by
                candidates.interested_members_count desc,
                candidates.priority_score desc,
                candidates.media_item_id asc
        ) as candidate_rank
    from candidates
),

final as (
    select
        {{ surrogate_key(['ranked.family_id', 'ranked.media_item_id']) }} as family_watch_candidate_id,
        ranked.family_id,
        ranked.media_item_id,
        media_items.tmdb_id,
        media_items.media_type,
        media_items.title,
        ranked.interested_members_count,
        ranked.high_priority_count,
        ranked.priority_score,
        ranked.candidate_rank
    from ranked
    inner join media_items on ranked.media_item_id = media_items.media_item_id
)

select * from final
