-- One row per title x region x offer type x provider of the latest response's watch/providers.
with

titles as (
    select * from {{ ref('int_tmdb_titles_deduplicated') }}
),

regions as (
    select
        titles.media_id,
        titles.tmdb_id,
        titles.media_type,
        titles.fetched_at,
        region.key as region_code,
        region.value as offers
    from titles
    {{ json_object_entries("titles.payload -> 'watch/providers' -> 'results'", 'region') }}
),

offer_types as (
    select
        regions.*,
        offer.key as offer_type,
        offer.value as providers
    from regions
    {{ json_object_entries('regions.offers', 'offer') }}
    where offer.key in ('flatrate', 'rent', 'buy', 'free', 'ads')
),

providers as (
    select
        offer_types.media_id,
        offer_types.tmdb_id,
        offer_types.media_type,
        offer_types.region_code,
        offer_types.offer_type,
        cast(provider.value ->> 'provider_id' as integer) as provider_id,
        provider.value ->> 'provider_name' as provider_name,
        cast(provider.value ->> 'display_priority' as integer) as display_priority,
        offer_types.offers ->> 'link' as watch_url,
        offer_types.fetched_at
    from offer_types
    {{ json_array_elements('offer_types.providers', 'provider') }}
)

select * from providers
