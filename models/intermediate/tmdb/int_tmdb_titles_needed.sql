{#-
    Every title Marquee needs TMDB to know, one row per work item:
    - the distinct film titles of the show feed (searched by title; the year
      of the earliest show is the hint for choosing among same-named films),
    - the pinned titles of the seed tmdb_pinned_titles,
    - the app's media items (TMDB ids, movie or tv, else IMDb ids) once the
      app source has been landed: raw.media_items with tmdb_id / tmdb_type /
      imdb_id columns (issue 4). The part is left out while that table or those
      columns do not exist, so this model builds before any app data.
    `work_item_id` is a hash of (lookup_kind, lookup_value).
-#}
{%- set app_items = none -%}
{%- set app_columns = [] -%}
{%- if execute -%}
    {%- set app_items = adapter.get_relation(database=target.database, schema='raw', identifier='media_items') -%}
    {%- if app_items is not none -%}
        {%- set app_columns = adapter.get_columns_in_relation(app_items) | map(attribute='name') | map('lower') | list -%}
    {%- endif -%}
{%- endif %}

with

shows as (
    select * from {{ ref('master_shows') }}
),

pinned as (
    select * from {{ ref('tmdb_pinned_titles') }}
),

show_titles as (
    select
        'title' as lookup_kind,
        title as lookup_value,
        cast(extract(year from min(show_time)) as integer) as year_hint,
        'shows' as needed_by
    from shows
    where title is not null
    group by title
),

pinned_titles as (
    select
        lookup_kind,
        trim(lookup_value) as lookup_value,
        cast(null as integer) as year_hint,
        'pinned' as needed_by
    from pinned
),

{% if app_items is not none and 'tmdb_id' in app_columns and 'tmdb_type' in app_columns %}
app_titles as (
    select distinct
        case
            when lower(cast(tmdb_type as {{ dbt.type_string() }})) in ('movie', 'tv')
                and tmdb_id is not null
                then lower(cast(tmdb_type as {{ dbt.type_string() }}))
            {%- if 'imdb_id' in app_columns %}
                when nullif(trim(cast(imdb_id as {{ dbt.type_string() }})), '') is not null then 'imdb'
            {%- endif %}
        end as lookup_kind,
        case
            when lower(cast(tmdb_type as {{ dbt.type_string() }})) in ('movie', 'tv')
                and tmdb_id is not null
                then cast(tmdb_id as {{ dbt.type_string() }})
            {%- if 'imdb_id' in app_columns %}
                else trim(cast(imdb_id as {{ dbt.type_string() }}))
            {%- endif %}
        end as lookup_value,
        cast(null as integer) as year_hint,
        'app' as needed_by
    from {{ app_items }}
),
{% else %}
app_titles as (
    select
        cast(null as {{ dbt.type_string() }}) as lookup_kind,
        cast(null as {{ dbt.type_string() }}) as lookup_value,
        cast(null as integer) as year_hint,
        cast(null as {{ dbt.type_string() }}) as needed_by
    where 1 = 0
),
{% endif %}

combined as (
    select * from show_titles
    union all
    select * from pinned_titles
    union all
    select * from app_titles
),

final as (
    select
        {{ surrogate_key(['lookup_kind', 'lookup_value']) }} as work_item_id,
        lookup_kind,
        lookup_value,
        min(year_hint) as year_hint,
        min(needed_by) as needed_by
    from combined
    where lookup_kind is not null and lookup_value is not null
    group by lookup_kind, lookup_value
)

select * from final
