with

source as (
    {{ source_or_empty('shows', 'shows') }}
),

renamed as (
    select
        _dlt_load_id as load_id,
        _record_index as record_index,
        {{ utc_timestamp('_feed_fetched_at') }} as fetched_at,
        _source as source_uri,
        _invalid_record as invalid_record,
        _reject_reason as landing_reject_reason,

        -- the key, typed; the raw text is kept to explain rejections
        nullif(trim(movie_id), '') as movie_id,
        {{ parse_integer('cinema_id') }} as cinema_id,
        nullif(trim(screen_name), '') as screen_name,
        {{ parse_timestamp_utc('movie_show_time', var('feed_timezone')) }} as show_time,
        cinema_id as cinema_id_text,
        movie_show_time as show_time_text,

        -- attributes
        nullif(trim(movie_title), '') as title,
        nullif(trim(movie_rating), '') as rating,
        -- negative lengths are null; the text is parsed once (a case would parse it twice)
        nullif(greatest({{ parse_integer('movie_length') }}, -1), -1) as length_minutes,
        nullif(trim(movie_format), '') as format,
        nullif(trim(movie_genere), '') as genre,
        {{ parse_boolean('is_active') }} as is_active,
        nullif(trim(movie_image_new), '') as image_url

    from source
)

select * from renamed
