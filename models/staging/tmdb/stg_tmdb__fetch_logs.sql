-- One row per TMDB work item attempt, typed.
with

source as (
    select * from {{ optional_source('tmdb', 'tmdb_fetch_log', {
        'work_item_id': dbt.type_string(),
        'lookup_kind': dbt.type_string(),
        'lookup_value': dbt.type_string(),
        'year_hint': dbt.type_bigint(),
        'status': dbt.type_string(),
        'tmdb_id': dbt.type_bigint(),
        'media_type': dbt.type_string(),
        'match_confidence': 'double precision',
        'match_candidates': dbt.type_string(),
        'error': dbt.type_string(),
        'attempted_at': 'timestamp with time zone',
        '_dlt_load_id': dbt.type_string(),
    }, 'raw_fetch_log') }}
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
        cast(match_confidence as double precision) as match_confidence,
        match_candidates,
        error,
        attempted_at at time zone 'UTC' as attempted_at
    from source
)

select * from renamed
