-- One row per title x region x offer type x provider of the latest response's
-- watch/providers, in the regions var tmdb_watch_regions names (all when empty), with
-- the reason it cannot be used (null when it can): a provider id that is missing or
-- not a whole number, or a provider listed twice for the same region and offer type
-- (the first stays).
{%- set watch_regions = tmdb_watch_regions() %}
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
    {{ json_object_entries(json_get('titles.payload', 'watch/providers', 'results'), 'region') }}
    {%- if watch_regions %}
    where region.key in ({% for code in watch_regions %}'{{ code }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif %}
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
        provider.element_index,
        {{ parse_integer_in_range(json_get_text('provider.value', 'provider_id'), -2147483648, 2147483647) }}
            as provider_id,
        {{ json_get_text('provider.value', 'provider_name') }} as provider_name,
        {{ parse_integer_in_range(json_get_text('provider.value', 'display_priority'), -2147483648, 2147483647) }}
            as display_priority,
        {{ json_get_text('offer_types.offers', 'link') }} as watch_url,
        offer_types.fetched_at,
        cast(provider.value as {{ dbt.type_string() }}) as element_json
    from offer_types
    {{ json_array_elements('offer_types.providers', 'provider') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by media_id, region_code, offer_type, provider_id
            order by element_index
        ) as listing
    from providers
),

final as (
    select
        media_id,
        tmdb_id,
        media_type,
        region_code,
        offer_type,
        provider_id,
        provider_name,
        display_priority,
        watch_url,
        fetched_at,
        element_index,
        element_json,
        case
            when provider_id is null then 'provider id is missing or not an integer'
            when listing > 1 then 'provider is listed more than once for the region and offer type'
        end as reject_reason
    from ranked
)

select * from final
