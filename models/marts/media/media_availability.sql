{#-
    Where each title can be watched: one row per title x provider x region x
    offer type (flatrate, rent, buy, free, ads), from TMDB's watch/providers
    (data by JustWatch). `source` says where the row comes from: 'tmdb' here;
    the app marts (issue 4) add their own rows with another source.
-#}
with

providers as (
    select * from {{ ref('int_tmdb_providers_unnested') }}
),

final as (
    select
        {{ surrogate_key(["'tmdb'", 'media_id', 'provider_id', 'region_code', 'offer_type']) }} as availability_id,
        'tmdb' as source,
        *
    from providers
)

select * from final
