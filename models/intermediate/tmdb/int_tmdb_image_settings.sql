{#-
    The image base URL and sizes the media marts build image URLs with (one row), from the
    latest TMDB /configuration landed: its secure base URL, unless var tmdb_image_base_url
    (env TMDB_IMAGE_BASE_URL) names one; the preferred sizes (vars tmdb_poster_size,
    tmdb_backdrop_size) while TMDB offers them, else `original` (always offered). Before
    any configuration has landed: var tmdb_image_default_base_url and the preferred sizes.
    `is_refresh_due` tells `marquee ingest tmdb` to read /configuration again (none landed,
    or the latest is over var tmdb_configuration_refresh_days days old: TMDB asks clients
    to cache it and check every few days). A view: current as soon as a configuration lands.
-#}
{%- set poster_size = var('tmdb_poster_size') -%}
{%- set backdrop_size = var('tmdb_backdrop_size') -%}
{%- set base_url_override = var('tmdb_image_base_url') | replace("'", "''") -%}
{%- set default_base_url = var('tmdb_image_default_base_url') | replace("'", "''") -%}
with

configurations as (
    select * from {{ ref('stg_tmdb__configurations') }}
),

ranked as (
    -- an answer without an image base URL is no configuration: the last usable one stays, and
    -- the refresh stays due
    select
        *,
        row_number() over (order by fetched_at desc, load_id desc) as recency
    from configurations
    where image_base_url is not null
),

latest as (
    select * from ranked
    where recency = 1
),

offered as (
    select
        'poster' as image_kind,
        {{ json_scalar_text('size_name.value') }} as size_name
    from latest
    {{ json_array_elements('latest.poster_sizes', 'size_name') }}
    union all
    select
        'backdrop' as image_kind,
        {{ json_scalar_text('size_name.value') }} as size_name
    from latest
    {{ json_array_elements('latest.backdrop_sizes', 'size_name') }}
),

preferred_offered as (
    select
        coalesce(sum(case when image_kind = 'poster' then 1 else 0 end), 0) as poster_sizes_offered,
        coalesce(sum(case when image_kind = 'poster' and size_name = '{{ poster_size }}' then 1 else 0 end), 0)
            as poster_size_matches,
        coalesce(sum(case when image_kind = 'backdrop' then 1 else 0 end), 0) as backdrop_sizes_offered,
        coalesce(
            sum(case when image_kind = 'backdrop' and size_name = '{{ backdrop_size }}' then 1 else 0 end), 0
        ) as backdrop_size_matches
    from offered
),

final as (
    select
        coalesce(
            nullif('{{ base_url_override }}', ''),
            latest.image_base_url,
            '{{ default_base_url }}'
        ) as image_base_url,
        case
            when preferred_offered.poster_sizes_offered = 0 or preferred_offered.poster_size_matches > 0
                then '{{ poster_size }}'
            else 'original'
        end as poster_size,
        case
            when preferred_offered.backdrop_sizes_offered = 0 or preferred_offered.backdrop_size_matches > 0
                then '{{ backdrop_size }}'
            else 'original'
        end as backdrop_size,
        latest.fetched_at as configuration_fetched_at,
        coalesce(
            latest.fetched_at
            < {{ marquee_utc_now() }}
            - interval '{{ var("tmdb_configuration_refresh_days") | int }} days',
            true
        ) as is_refresh_due
    from preferred_offered
    left join latest on 1 = 1
)

select * from final
