-- Every current app media item with its verdict (null `reject_reason`: accepted).
with

media_items as (
    {{ app_current_rows(ref('stg_app__media_items'), 'media_items', 'media_item_id') }}
),

ranked as (
    select
        *,
        cast(null as {{ dbt.type_string() }}) as deleted_with,
        row_number() over (
            partition by media_item_id
            order by updated_at desc nulls last, landed_row_id asc
        ) as id_recency
    from media_items
),

validated as (
    select
        *,
        case
            when deleted_with is not null then 'deleted with its ' || deleted_with
            else {{ combine_reject_reasons([
                "case when media_item_id is null then 'id is missing' when id_recency > 1 then 'duplicate id' end",
                "case when tmdb_id is null then 'tmdb_id is missing or not an integer' end",
                "case when media_type is null then 'tmdb_type is missing'
                    when media_type not in ('movie', 'tv') then 'unknown tmdb_type' end",
            ]) }}
        end as reject_reason
    from ranked
)

select * from validated
