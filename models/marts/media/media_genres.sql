-- One row per genre of each TMDB title.
with

titles as (
    select * from {{ ref('int_tmdb_titles_deduplicated') }}
),

genres as (
    select
        titles.media_id,
        titles.tmdb_id,
        titles.media_type,
        cast(genre.value ->> 'id' as integer) as genre_id,
        genre.value ->> 'name' as genre_name
    from titles
    {{ json_array_elements("titles.payload -> 'genres'", 'genre') }}
),

final as (
    select
        {{ surrogate_key(['media_id', 'genre_id']) }} as media_genre_id,
        *
    from genres
)

select * from final
