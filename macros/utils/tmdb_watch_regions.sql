{#-
    The watch-provider regions the media marts keep: var tmdb_watch_regions (env
    MARQUEE_TMDB_WATCH_REGIONS), comma-separated ISO 3166-1 codes such as `US,GB`, as an
    upper-case list; empty (the default) keeps every region TMDB lists. A code that is
    not two letters is a compile error naming it.
-#}
{% macro tmdb_watch_regions() -%}
    {%- set codes = [] -%}
    {%- for part in (var('tmdb_watch_regions') | string).split(',') if part | trim -%}
        {%- set code = part | trim | upper -%}
        {%- if code | length != 2 or not code.isalpha() -%}
            {{ exceptions.raise_compiler_error('tmdb_watch_regions: ' ~ code ~ ' is not an ISO 3166-1 region code (two letters, say US or GB)') }}
        {%- endif -%}
        {%- do codes.append(code) -%}
    {%- endfor -%}
    {{ return(codes) }}
{%- endmacro %}
