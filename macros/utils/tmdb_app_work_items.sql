{#-
    The body of int_tmdb_titles_needed's `app_titles` CTE: the app's media
    items as TMDB work items. raw.media_items is landed by the app source
    (issue 4); its id columns are found whatever their spelling (tmdb_id or
    tmdbId, tmdb_type, imdb_id): a TMDB id with type movie/tv becomes a
    `movie` / `tv` item, else an IMDb id an `imdb` item. While the table or
    those columns do not exist, an empty select of the same shape.
-#}
{% macro tmdb_app_work_items() -%}
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
    {%- endif -%}
    {%- if app_items is not none and 'tmdbid' in app and 'tmdbtype' in app -%}
        {%- set tmdb_type = 'lower(trim(cast(' ~ app['tmdbtype'] ~ ' as ' ~ dbt.type_string() ~ ')))' -%}
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
    {%- else -%}
    select
        cast(null as {{ dbt.type_string() }}) as lookup_kind,
        cast(null as {{ dbt.type_string() }}) as lookup_value,
        cast(null as integer) as year_hint,
        cast(null as {{ dbt.type_string() }}) as needed_by
    where 1 = 0
    {%- endif -%}
{%- endmacro %}
