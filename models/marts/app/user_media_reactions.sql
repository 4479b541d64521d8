-- One row per accepted reaction of a user to a title, with its weight.

{{ config(schema=marts_schema()) }}

with

reactions as (
    select * from {{ ref('int_app_reactions_validated') }}
    where reject_reason is null
),

media_items as (
    select * from {{ ref('int_app_media_items_validated') }}
    where reject_reason is null
),

final as (
    select
        reactions.reaction_id,
        reactions.user_id,
        reactions.media_item_id,
        media_items.tmdb_id,
        media_items.media_type,
        reactions.reaction,
        reactions.reaction_weight,
        reactions.is_watched,
        reactions.created_at,
        reactions.updated_at
    from reactions
    inner join media_items on reactions.media_item_id = media_items.media_item_id
)

select * from final
