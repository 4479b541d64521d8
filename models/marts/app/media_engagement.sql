-- One row per accepted app media item: how the app's users engage with it.

{{ config(schema=marts_schema()) }}

with

media_items as (
    select * from {{ ref('int_app_media_items_validated') }}
    where reject_reason is null
),

entries as (
    select * from {{ ref('watchlist_entries') }}
),

reactions as (
    select * from {{ ref('user_media_reactions') }}
),

recommendations as (
    select * from {{ ref('recommendations') }}
),

entry_stats as (
    select
        media_item_id,
        count(*) as watchlist_adds,
        count(case when is_completed then 1 end) as completed_count,
        count(rating) as ratings_count,
        avg(rating) as average_rating
    from entries
    group by media_item_id
),

reaction_stats as (
    select
        media_item_id,
        count(*) as reactions_count,
        cast(sum(reaction_weight) as {{ dbt.type_bigint() }}) as weighted_reaction_score
    from reactions
    group by media_item_id
),

recommendation_stats as (
    select
        media_item_id,
        count(*) as recommendations_count,
        sum(case when status <> 'pending' then 1 else 0 end) as recommendations_answered_count,
        count(case when is_accepted then 1 end) as recommendations_accepted_count
    from recommendations
    group by media_item_id
),

final as (
    select
        media_items.media_item_id,
        media_items.tmdb_id,
        media_items.media_type,
        media_items.title,
        coalesce(entry_stats.watchlist_adds, 0) as watchlist_adds,
        coalesce(entry_stats.completed_count, 0) as completed_count,
        cast(
            round(1.0 * entry_stats.completed_count / nullif(entry_stats.watchlist_adds, 0), 4)
            as {{ type_double() }}
        ) as completion_rate,
        coalesce(entry_stats.ratings_count, 0) as ratings_count,
        cast(
            round(cast(entry_stats.average_rating as {{ dbt.type_numeric() }}), 2)
            as {{ type_double() }}
        ) as average_rating,
        coalesce(reaction_stats.reactions_count, 0) as reactions_count,
        coalesce(reaction_stats.weighted_reaction_score, 0) as weighted_reaction_score,
        coalesce(recommendation_stats.recommendations_count, 0) as recommendations_count,
        coalesce(recommendation_stats.recommendations_accepted_count, 0) as recommendations_accepted_count,
        cast(
            round(
                1.0 * recommendation_stats.recommendations_accepted_count
                / nullif(recommendation_stats.recommendations_answered_count, 0),
                4
            )
            as {{ type_double() }}
        ) as recommendation_acceptance_rate
    from media_items
    left join entry_stats on media_items.media_item_id = entry_stats.media_item_id
    left join reaction_stats on media_items.media_item_id = reaction_stats.media_item_id
    left join recommendation_stats on media_items.media_item_id = recommendation_stats.media_item_id
)

select * from final
