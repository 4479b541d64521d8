{#- When the domain's marts were last published by a full build in which they were not stale
    (a timestamp literal; null before any): loads landed before it are processed. -#}
{% macro processed_watermark(domain) -%}
    {%- if not relation_exists(api.Relation.create(schema='ops', identifier='publications')) -%}
        {{ return('cast(null as timestamp)') }}
    {%- endif -%}
    {{ return("(select max(publications.published_at) from ops.publications as publications
        where coalesce(publications.carried_over, 0) = 0 and not exists (
            select 1 from ops.stale_domains as stale
            where stale.version = publications.version and stale.domain = '" ~ domain ~ "'))") }}
{%- endmacro %}
