{#-
    The deduplicated master show table: one row per show key ever accepted,
    with its current attributes. A withdrawn show keeps its row with
    `withdrawn_at` set. Incremental: each build merges only the shows whose
    current version was written since the last merge, so its cost follows
    what changed. Stateful: never rebuilt from nothing, kept in schema `core`
    (published as the view marts.master_shows), merged only after its audits
    pass on the staged rows.
-#}
{{
    config(
        materialized='incremental',
        unique_key='show_id',
        schema='core',
        incremental_strategy='audited_delete_insert',
        on_schema_change='fail',
        full_refresh=false,
        audits={
            'one row per show': "select show_id from __staged__ group by show_id having count(*) > 1",
            'one row per show key': "select movie_id, cinema_id, screen_name, show_time from __staged__
                group by movie_id, cinema_id, screen_name, show_time having count(*) > 1
                union all
                select staged.movie_id, staged.cinema_id, staged.screen_name, staged.show_time
                from __staged__ as staged
                inner join __target__ as target
                    on staged.movie_id = target.movie_id and staged.cinema_id = target.cinema_id
                    and staged.screen_name = target.screen_name and staged.show_time = target.show_time
                where staged.show_id <> target.show_id",
        },
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

{% if is_incremental() %}
    merged as (
        select coalesce(max(last_load_id), '') as last_load_id from {{ this }}
    ),
{% endif %}

current_versions as (
    select versions.* from versions
    {% if is_incremental() %}
        inner join merged on versions.load_id > merged.last_load_id
    {% endif %}
    where
        versions.record_type = 'show'
        and versions.valid_to is null
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
