-- One row per landed TMDB details response, its scalar fields typed and
-- renamed; the JSON stays in `payload` for the models that unnest it. Typing
-- never fails: a value of the wrong shape (a runtime "abc", a date
-- "2024-02-30") is null.
with

source as (
    {{ source_or_empty('tmdb', 'tmdb_titles') }}
),

parsed as (
    select
        _dlt_load_id as load_id,
        cast(tmdb_id as {{ dbt.type_bigint() }}) as tmdb_id,
        media_type,
        work_item_id,
        {{ utc_timestamp('fetched_at') }} as fetched_at,
        nullif(trim(requested_language), '') as requested_language,
        {{ parse_json('payload') }} as payload
    from source
),

renamed as (
    select
        media_type || ':' || cast(tmdb_id as {{ dbt.type_string() }}) as media_id,
        tmdb_id,
        media_type,
        load_id,
        work_item_id,
        fetched_at,
        requested_language,
        coalesce(
            nullif({{ json_get_text('payload', 'imdb_id') }}, ''),
            nullif({{ json_get_text('payload', 'external_ids', 'imdb_id') }}, '')
        ) as imdb_id,
        coalesce({{ json_get_text('payload', 'title') }}, {{ json_get_text('payload', 'name') }}) as title,
        coalesce(
            {{ json_get_text('payload', 'original_title') }}, {{ json_get_text('payload', 'original_name') }}
        ) as original_title,
        nullif({{ json_get_text('payload', 'overview') }}, '') as overview,
        {%- set release_date = "coalesce(" ~ json_get_text('payload', 'release_date') ~ ", "
            ~ json_get_text('payload', 'first_air_date') ~ ")" %}
        {{ parse_date(release_date) }} as release_date,
        {%- set runtime = "coalesce(" ~ json_get_text('payload', 'runtime') ~ ", "
            ~ json_get_text('payload', 'episode_run_time', 0) ~ ")" %}
        {{ parse_integer_in_range(runtime, 0, 100000) }} as runtime_minutes,
        nullif({{ json_get_text('payload', 'original_language') }}, '') as original_language,
        {{ parse_number(json_get_text('payload', 'popularity')) }} as popularity,
        {{ parse_number(json_get_text('payload', 'vote_average')) }} as vote_average,
        {{ parse_integer_in_range(json_get_text('payload', 'vote_count'), 0, 2147483647) }} as vote_count,
        nullif({{ json_get_text('payload', 'poster_path') }}, '') as poster_path,
        nullif({{ json_get_text('payload', 'backdrop_path') }}, '') as backdrop_path,
        payload
    from parsed
)

select * from renamed
