-- One row per genre listed in each title's latest TMDB response, with the
-- reason it cannot be used (null when it can): an id that is missing or not
-- a whole number, or a genre listed twice for the title (the first stays).
with

titles as (
    select * from {{ ref('int_tmdb_titles_deduplicated') }}
),

genres as (
    select
        titles.media_id,
        titles.tmdb_id,
        titles.media_type,
        genre.element_index,
        {{ parse_integer_in_range(json_get_text('genre.value', 'id'), -2147483648, 2147483647) }} as genre_id,
        {{ json_get_text('genre.value', 'name') }} as genre_name,
        cast(genre.value as {{ dbt.type_string() }}) as element_json
    from titles
    {{ json_array_elements(json_get('titles.payload', 'genres'), 'genre') }}
),

ranked as (
    select
        *,
        row_number() over (partition by media_id, genre_id order by element_index) as listing
    from genres
),

final as (
    select
        media_id,
        tmdb_id,
        media_type,
        element_index,
        genre_id,
        genre_name,
        element_json,
        case
            when genre_id is null then 'genre id is missing or not an integer'
            when listing > 1 then 'genre is listed more than once for the title'
        end as reject_reason
    from ranked
)

select * from final
