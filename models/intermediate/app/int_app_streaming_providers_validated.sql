-- Every current streaming provider row with its verdict (null `reject_reason`: accepted).
with

providers as (
    {{ app_current_rows(ref('stg_app__streaming_providers'), 'streaming_providers', 'streaming_provider_id') }}
),

media_items as (
    select * from {{ ref('int_app_media_items_validated') }}
    where reject_reason is null
),

deleted_media_items as (
    {{ app_deleted_ids('media_items') }}
),

joined as (
    select
        providers.*,
        case
            when deleted_media_item_id.row_id is not null then 'media item'
        end as deleted_with,
        media_items.media_item_id as accepted_media_item_id,
        row_number() over (
            partition by providers.streaming_provider_id
            order by providers.updated_at desc nulls last, providers.landed_row_id asc
        ) as id_recency
    from providers
    left join deleted_media_items as deleted_media_item_id on providers.media_item_id = deleted_media_item_id.row_id
    left join media_items on providers.media_item_id = media_items.media_item_id
),

validated as (
    select
        *,
        case
            when deleted_with is not null then 'deleted with its ' || deleted_with
            else {{ combine_reject_reasons([
                "case when streaming_provider_id is null then 'id is missing'
                    when id_recency > 1 then 'duplicate id' end",
                "case when media_item_id is null then 'media_item_id is missing'
                    when accepted_media_item_id is null then 'orphan media_item_id' end",
                "case when provider is null then 'provider is missing' end",
                "case when regions_json is not null
                    and not " ~ regex_matches('trim(regions_json)', '^\\[.*\\]$') ~ "
                    then 'regions is not a JSON array' end",
            ]) }}
        end as reject_reason
    from joined
)

select * from validated
