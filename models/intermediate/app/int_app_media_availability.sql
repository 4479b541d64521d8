-- Where the app says a title can be streamed: one row per (title, provider,
-- region), `source` = 'app'; marts.media_availability unions it with TMDB's.
with

providers as (
    select * from {{ ref('int_app_streaming_providers_validated') }}
    where reject_reason is null
),

media_items as (
    select * from {{ ref('int_app_media_items_validated') }}
    where reject_reason is null
),

parsed as (
    select
        *,
        {{ parse_json('regions_json') }} as regions
    from providers
),

regions as (
    select
        parsed.media_item_id,
        parsed.provider,
        parsed.url,
        parsed.updated_at,
        {{ json_scalar_text('region.value') }} as region_text
    from parsed
    {{ json_array_elements('parsed.regions', 'region') }}
),

normalised as (
    select distinct
        media_item_id,
        provider,
        upper(trim(region_text)) as region,
        url,
        updated_at
    from regions
    where nullif(trim(region_text), '') is not null
),

final as (
    select
        {{ surrogate_key(["'app'", 'normalised.media_item_id', 'normalised.provider', 'normalised.region']) }}
            as media_availability_id,
        cast('app' as {{ dbt.type_string() }}) as source,
        normalised.media_item_id,
        media_items.tmdb_id,
        media_items.media_type,
        media_items.title,
        normalised.provider,
        normalised.region,
        normalised.url,
        normalised.updated_at
    from normalised
    inner join media_items on normalised.media_item_id = media_items.media_item_id
)

select * from final
