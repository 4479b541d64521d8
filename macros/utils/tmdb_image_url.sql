{#-
    A TMDB image URL from an image path (`/abc.jpg`) and a size (`w500`,
    `original`): the configurable image base (var tmdb_image_base_url, env
    TMDB_IMAGE_BASE_URL) + size + path; null when the path is null or blank.
-#}
{% macro tmdb_image_url(path_expression, size) -%}
    case
        when nullif(trim({{ path_expression }}), '') is not null
            then '{{ var("tmdb_image_base_url") | replace("'", "''") }}' || '{{ size }}' || {{ path_expression }}
    end
{%- endmacro %}
