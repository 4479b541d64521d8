-- One row per TMDB title (movie or series), from its latest fetched response.

{{ config(schema=marts_schema()) }}

with

titles as (
    select * from {{ ref('int_tmdb_titles_deduplicated') }}
),

trailers as (
    select * from {{ ref('int_tmdb_trailers_chosen') }}
),

image_settings as (
    select * from {{ ref('int_tmdb_image_settings') }}
),

directors as (
    -- films: the first credited director; series: the first creator
    select
        titles.media_id,
        {{ json_get_text('person.value', 'name') }} as person_name,
        row_number() over (
            partition by titles.media_id
            order by person.element_index
        ) as credit_rank
    from titles
    {{ json_array_elements(json_get('titles.payload', 'credits', 'crew'), 'person') }}
    where titles.media_type = 'movie' and {{ json_get_text('person.value', 'job') }} = 'Director'
),

creators as (
    select
        titles.media_id,
        {{ json_get_text('person.value', 'name') }} as person_name,
        row_number() over (
            partition by titles.media_id
            order by person.element_index
        ) as credit_rank
    from titles
    {{ json_array_elements(json_get('titles.payload', 'created_by'), 'person') }}
    where titles.media_type = 'tv'
),

first_directors as (
    select
        media_id,
        person_name
    from directors
    where credit_rank = 1
    union all
    select
        media_id,
        person_name
    from creators
    where credit_rank = 1
),

final as (
    select
        titles.media_id,
        titles.tmdb_id,
        titles.media_type,
        titles.imdb_id,
        titles.title,
        titles.original_title,
        titles.overview,
        titles.release_date,
        titles.runtime_minutes,
        titles.original_language,
        titles.popularity,
        titles.vote_average,
        titles.vote_count,
        {{ tmdb_image_url('titles.poster_path', 'image_settings.image_base_url', 'image_settings.poster_size') }}
            as poster_url,
        {{ tmdb_image_url('titles.backdrop_path', 'image_settings.image_base_url', 'image_settings.backdrop_size') }}
            as backdrop_url,
        trailers.trailer_url,
        first_directors.person_name as director,
        titles.fetched_at
    from titles
    left join trailers
        on titles.media_id = trailers.media_id
    left join first_directors
        on titles.media_id = first_directors.media_id
    cross join image_settings
)

select * from final
