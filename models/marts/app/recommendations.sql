-- One row per accepted user-to-user recommendation of a title.

{{ config(schema=marts_schema()) }}

with

recommendations as (
    select * from {{ ref('int_app_recommendations_validated') }}
    where reject_reason is null
),

media_items as (
    select * from {{ ref('int_app_media_items_validated') }}
    where reject_reason is null
),

final as (
    select
        recommendations.recommendation_id,
        recommendations.from_user_id,
        recommendations.to_user_id,
        recommendations.media_item_id,
        media_items.tmdb_id,
        media_items.media_type,
        recommendations.status,
        recommendations.status in ('accepted', 'watched') as is_accepted,
        recommendations.has_message,
        recommendations.created_at,
        recommendations.responded_at
    from recommendations
    inner join media_items on recommendations.media_item_id = media_items.media_item_id
)

select * from final
