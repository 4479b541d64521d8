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
{#- the app table's id columns, whatever their spelling (tmdb_id, tmdbId, ...) -#}
{%- set app_items = none -%}
{%- set app = {} -%}
{%- if execute -%}
    {%- set app_items = adapter.get_relation(database=target.database, schema='raw', identifier='media_items') -%}
    {%- if app_items is not none -%}
        {%- for column in adapter.get_columns_in_relation(app_items) -%}
            {%- set bare = column.name | lower | replace('_', '') -%}
            {%- if bare in ('tmdbid', 'tmdbtype', 'imdbid') -%}
                {%- do app.update({bare: adapter.quote(column.name)}) -%}
            {%- endif -%}
        {%- endfor -%}
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

{% if app_items is not none and 'tmdbid' in app and 'tmdbtype' in app %}
{%- set tmdb_type = 'lower(trim(cast(' ~ app['tmdbtype'] ~ ' as ' ~ dbt.type_string() ~ ')))' %}
app_titles as (
    select distinct
        case
            when {{ tmdb_type }} in ('movie', 'tv') and {{ app['tmdbid'] }} is not null
                then {{ tmdb_type }}
            {%- if 'imdbid' in app %}
                when nullif(trim(cast({{ app['imdbid'] }} as {{ dbt.type_string() }})), '') is not null
                    then 'imdb'
            {%- endif %}
        end as lookup_kind,
        case
            when {{ tmdb_type }} in ('movie', 'tv') and {{ app['tmdbid'] }} is not null
                then cast(cast({{ app['tmdbid'] }} as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
            {%- if 'imdbid' in app %}
                else trim(cast({{ app['imdbid'] }} as {{ dbt.type_string() }}))
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
