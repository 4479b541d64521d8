{#-
    The attributes of a show that the reconcile compares (null-safely, through
    their hash) and that show history tracks. The key is
    (movie_id, cinema_id, screen_name, show_time); everything else is here.
-#}
{% macro show_attribute_columns() -%}
    {{ return(['title', 'rating', 'length_minutes', 'format', 'genre', 'is_active', 'image_url']) }}
{%- endmacro %}
