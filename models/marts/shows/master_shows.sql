{#-
    The deduplicated master show table: one row per show key ever accepted,
    with its current attributes. A withdrawn show keeps its row with
    `withdrawn_at` set. Incremental: each build merges only the shows whose
    current version was written since the last merge, so its cost follows
    what changed. Stateful: never rebuilt from nothing.
-#}
{{
    config(
        materialized='incremental',
        unique_key='show_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        full_refresh=false,
        indexes=[
            {'columns': ['show_id'], 'unique': True},
            {'columns': ['movie_id', 'cinema_id', 'screen_name', 'show_time'], 'unique': True},
            {'columns': ['last_load_id']},
        ],
    )
}}

with

versions as (
    select * from {{ ref('int_show_versions') }}
),

current_versions as (
    select * from versions
    where
        record_type = 'show'
        and valid_to is null
        {% if is_incremental() %}
            and load_id > (select coalesce(max(last_load_id), '') from {{ this }})
        {% endif %}
),

final as (
    select
        show_id,
        movie_id,
        cinema_id,
        screen_name,
        show_time,
        title,
        rating,
        length_minutes,
        format,
        genre,
        is_active,
        image_url,
        first_seen_at,
        valid_from as last_changed_at,
        withdrawn_at,
        load_id as last_load_id
    from current_versions
)

select * from final
