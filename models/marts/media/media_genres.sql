-- One row per genre of each TMDB title (genres TMDB listed without a usable
-- id, or twice, are in rejected_tmdb_rows instead).

{{ config(schema=marts_schema()) }}

with

genres as (
    select * from {{ ref('int_tmdb_genres_unnested') }}
),

final as (
    select
        {{ surrogate_key(['media_id', 'genre_id']) }} as media_genre_id,
        media_id,
        tmdb_id,
        media_type,
        genre_id,
        genre_name
    from genres
    where reject_reason is null
)

select * from final
