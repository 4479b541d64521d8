{#-
    Schema names: a model's custom schema as it is (staging, intermediate,
    core, ...) instead of dbt's `<target schema>_<custom schema>`, so both
    targets expose the same names. The rebuilt marts go to the build's own
    version schema `marts_v<publish_version>`: `marquee build` sets the var,
    tests everything, then publishes the views of schema `marts` onto it in
    one transaction (ingestion/publish.py). A plain `dbt build` without the
    var writes `marts_vdev` and publishes nothing.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'marts' -%}
        marts_v{{ var('publish_version', 'dev') }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
