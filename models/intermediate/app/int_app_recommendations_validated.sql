-- Every current recommendation with its verdict (null `reject_reason`: accepted).
with

recommendations as (
    {{ app_current_rows(ref('stg_app__recommendations'), 'recommendations', 'recommendation_id') }}
),

users as (
    select * from {{ ref('int_app_users_validated') }}
    where reject_reason is null
),

media_items as (
    select * from {{ ref('int_app_media_items_validated') }}
    where reject_reason is null
),

deleted_media_items as (
    {{ app_deleted_ids('media_items') }}
),

deleted_users as (
    {{ app_deleted_ids('users') }}
),

joined as (
    select
        recommendations.*,
        case
            when deleted_from_user_id.row_id is not null then 'sender'
            when deleted_to_user_id.row_id is not null then 'recipient'
            when deleted_media_item_id.row_id is not null then 'media item'
        end as deleted_with,
        senders.user_id as accepted_from_user_id,
        recipients.user_id as accepted_to_user_id,
        media_items.media_item_id as accepted_media_item_id,
        row_number() over (
            partition by recommendations.recommendation_id
            order by recommendations.created_at desc nulls last, recommendations.landed_row_id asc
        ) as id_recency
    from recommendations
    left join deleted_users as deleted_from_user_id on recommendations.from_user_id = deleted_from_user_id.row_id
    left join deleted_users as deleted_to_user_id on recommendations.to_user_id = deleted_to_user_id.row_id
    left join
        deleted_media_items as deleted_media_item_id
        on recommendations.media_item_id = deleted_media_item_id.row_id
    left join users as senders on recommendations.from_user_id = senders.user_id
    left join users as recipients on recommendations.to_user_id = recipients.user_id
    left join media_items on recommendations.media_item_id = media_items.media_item_id
),

validated as (
    select
        *,
        case
            when deleted_with is not null then 'deleted with its ' || deleted_with
            else {{ combine_reject_reasons([
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
            ]) }}
        end as reject_reason
    from joined
)

select * from validated
