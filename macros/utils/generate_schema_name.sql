{#-
    Schema names: a model's custom schema as it is (staging, intermediate,
    core, ...) instead of dbt's `<target schema>_<custom schema>`, so both
    targets expose the same names.

    The marts: a command that builds them (`dbt build`, `dbt run`) writes
    them into the run's own version schema `marts_v<publish_version>` (the
    var, else the run's start time to the microsecond), never into what
    analysts read; the on-run-end hook `publish_marts()` then switches the
    views of schema `marts` onto that version. Every other command (test, docs,
    show, compile, ls) sees the marts where analysts read them: schema `marts`.
    The name depends on the run, so the project is never partially parsed
    (`partial_parse: false` in dbt_project.yml).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'marts' -%}
        {{ marts_schema() }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

{#- The schema this command's marts live in (see generate_schema_name). -#}
{% macro marts_schema() -%}
    {%- if flags.WHICH in ('build', 'run') or var('publish_version', none) is not none -%}
        marts_v{{ var('publish_version', run_started_at.strftime('%Y%m%d%H%M%S%f')) }}
    {%- else -%}
        marts
    {%- endif -%}
{%- endmacro %}
