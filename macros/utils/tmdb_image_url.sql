{#-
    A TMDB image URL from an image path (`/abc.jpg`): base URL + size + path, each
    argument a SQL expression; the base and size come from int_tmdb_image_settings
    (TMDB's /configuration). Null when the path is null or blank.
-#}
{% macro tmdb_image_url(path_expression, base_url_expression, size_expression) -%}
    case
        when nullif(trim({{ path_expression }}), '') is not null
            then {{ base_url_expression }} || {{ size_expression }} || {{ path_expression }}
    end
{%- endmacro %}
