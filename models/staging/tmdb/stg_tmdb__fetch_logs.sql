-- One row per TMDB work item attempt, typed.
with

source as (
    {{ source_or_empty('tmdb', 'tmdb_fetch_log') }}
),

renamed as (
    select
        _dlt_load_id as load_id,
        work_item_id,
        lookup_kind,
        lookup_value,
        cast(year_hint as integer) as year_hint,
        status,
        cast(tmdb_id as {{ dbt.type_bigint() }}) as tmdb_id,
        media_type,
        cast(match_confidence as {{ type_double() }}) as match_confidence,
        match_candidates,
        error,
        {{ utc_timestamp('attempted_at') }} as attempted_at
    from source
)

select * from renamed
