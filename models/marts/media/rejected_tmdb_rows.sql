-- The TMDB quarantine: every part of a title's latest TMDB response that the
-- media marts cannot use (a genre, credit or watch provider without a usable
-- key, or listed twice), with the part, its position, its JSON and the reason.
-- The response itself stays in raw as it was landed; the rest of the title is
-- used as usual.

{{ config(schema=marts_schema()) }}

with

genres as (
    select * from {{ ref('int_tmdb_genres_unnested') }}
    where reject_reason is not null
),

credits as (
    select * from {{ ref('int_tmdb_credits_unnested') }}
    where reject_reason is not null
),

providers as (
    select * from {{ ref('int_tmdb_providers_unnested') }}
    where reject_reason is not null
),

unioned as (
    select
        media_id,
        'genre' as part,
        element_index,
        element_json,
        reject_reason
    from genres
    union all
    select
        media_id,
        'credit' as part,
        element_index,
        element_json,
        reject_reason
    from credits
    union all
    select
        media_id,
        'provider' as part,
        element_index,
        element_json,
        reject_reason
    from providers
),

final as (
    select
        {{ surrogate_key(['media_id', 'part', 'element_json', 'element_index']) }} as rejected_row_id,
        *
    from unioned
)

select * from final
