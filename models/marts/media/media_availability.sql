{#-
    Where each title can be watched, in one place: one row per title x
    provider x region x offer type. `source` says where the row comes from:
    'tmdb' (TMDB's watch/providers, data by JustWatch) or 'app' (the
    watch-list app's StreamingProvider rows, regions as rows; the app knows
    subscription streaming only, so their offer type is 'flatrate').
-#}

{{ config(schema=marts_schema()) }}

with

tmdb_providers as (
    select * from {{ ref('int_tmdb_providers_unnested') }}
    where reject_reason is null
),

app_availability as (
    select * from {{ ref('int_app_media_availability') }}
),

tmdb_rows as (
    select
        {{ surrogate_key(["'tmdb'", 'media_id', 'provider_id', 'region_code', 'offer_type']) }} as availability_id,
        'tmdb' as source,
        media_id,
        tmdb_id,
        media_type,
        region_code,
        offer_type,
        provider_id,
        provider_name,
        display_priority,
        watch_url,
        fetched_at
    from tmdb_providers
),

app_rows as (
    select
        {{ surrogate_key(["'app'", 'media_type', 'tmdb_id', 'provider', 'region']) }} as availability_id,
        'app' as source,
        media_type || ':' || cast(tmdb_id as {{ dbt.type_string() }}) as media_id,
        tmdb_id,
        media_type,
        region as region_code,
        'flatrate' as offer_type,
        cast(null as integer) as provider_id,
        provider as provider_name,
        cast(null as integer) as display_priority,
        url as watch_url,
        updated_at as fetched_at
    from app_availability
),

final as (
    select * from tmdb_rows
    union all
    select * from app_rows
)

select * from final
