-- Every landed recommendation with its verdict (null `reject_reason`: accepted).
with

recommendations as (
    select * from {{ ref('stg_app__recommendations') }}
),

users as (
    select * from {{ ref('int_app_users_validated') }}
    where reject_reason is null
),

media_items as (
    select * from {{ ref('int_app_media_items_validated') }}
    where reject_reason is null
),

joined as (
    select
        recommendations.*,
        senders.user_id as accepted_from_user_id,
        recipients.user_id as accepted_to_user_id,
        media_items.media_item_id as accepted_media_item_id,
        row_number() over (
            partition by recommendations.recommendation_id
            order by recommendations.created_at desc nulls last, recommendations.landed_row_id asc
        ) as id_recency
    from recommendations
    left join users as senders on recommendations.from_user_id = senders.user_id
    left join users as recipients on recommendations.to_user_id = recipients.user_id
    left join media_items on recommendations.media_item_id = media_items.media_item_id
),

validated as (
    select
        *,
        {{ combine_reject_reasons([
            "case when recommendation_id is null then 'id is missing'
                when id_recency > 1 then 'duplicate id' end",
            "case when from_user_id is null then 'from_user_id is missing'
                when accepted_from_user_id is null then 'orphan from_user_id' end",
            "case when to_user_id is null then 'to_user_id is missing'
                when accepted_to_user_id is null then 'orphan to_user_id' end",
            "case when media_item_id is null then 'media_item_id is missing'
                when accepted_media_item_id is null then 'orphan media_item_id' end",
            "case when status is null then 'status is missing'
                when status not in ('pending', 'accepted', 'declined', 'watched') then 'unknown status' end",
        ]) }} as reject_reason
    from joined
)

select * from validated
