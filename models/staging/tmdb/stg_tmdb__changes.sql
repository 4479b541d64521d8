-- One row per title a TMDB change list named, and one marker row per list read (null tmdb_id), typed.
with

source as (
    {{ source_or_empty('tmdb', 'tmdb_changes') }}
),

renamed as (
    select
        _dlt_load_id as load_id,
        media_type,
        cast(tmdb_id as {{ dbt.type_bigint() }}) as tmdb_id,
        cast(window_start as date) as window_start,
        cast(window_end as date) as window_end,
        {{ utc_timestamp('listed_at') }} as listed_at
    from source
)

select * from renamed
