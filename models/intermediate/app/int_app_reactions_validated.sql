-- Every current reaction with its verdict (null `reject_reason`: accepted) and
-- its weight from the seed.
with

reactions as (
    {{ app_current_rows(ref('stg_app__reactions'), 'reactions', 'reaction_id') }}
),

users as (
    select * from {{ ref('int_app_users_validated') }}
    where reject_reason is null
),

media_items as (
    select * from {{ ref('int_app_media_items_validated') }}
    where reject_reason is null
),

weights as (
    select * from {{ ref('app_reaction_weights') }}
),

deleted_media_items as (
    {{ app_deleted_ids('media_items') }}
),

deleted_users as (
    {{ app_deleted_ids('users') }}
),

joined as (
    select
        reactions.*,
        case
            when deleted_user_id.row_id is not null then 'user'
            when deleted_media_item_id.row_id is not null then 'media item'
        end as deleted_with,
        users.user_id as accepted_user_id,
        media_items.media_item_id as accepted_media_item_id,
        weights.weight as reaction_weight,
        row_number() over (
            partition by reactions.reaction_id
            order by reactions.updated_at desc nulls last, reactions.landed_row_id asc
        ) as id_recency
    from reactions
    left join deleted_users as deleted_user_id on reactions.user_id = deleted_user_id.row_id
    left join deleted_media_items as deleted_media_item_id on reactions.media_item_id = deleted_media_item_id.row_id
    left join users on reactions.user_id = users.user_id
    left join media_items on reactions.media_item_id = media_items.media_item_id
    left join weights on reactions.reaction = weights.reaction
),

validated as (
    select
        *,
        case
            when deleted_with is not null then 'deleted with its ' || deleted_with
            else {{ combine_reject_reasons([
                "case when reaction_id is null then 'id is missing' when id_recency > 1 then 'duplicate id' end",
                "case when user_id is null then 'user_id is missing'
                    when accepted_user_id is null then 'orphan user_id' end",
                "case when media_item_id is null then 'media_item_id is missing'
                    when accepted_media_item_id is null then 'orphan media_item_id' end",
                "case when reaction is null then 'rating is missing'
                    when reaction_weight is null then 'unknown rating' end",
            ]) }}
        end as reject_reason
    from joined
)

select * from validated
