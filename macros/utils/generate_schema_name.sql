{#-
    Schema names: a model's custom schema as it is (staging, intermediate,
    core, ...) instead of dbt's `<target schema>_<custom schema>`, so both
    targets expose the same names. The marts name theirs in their own config,
    `config(schema=marts_schema())` (the folder's `schema: marts` is what dbt
    sees before it renders that config); check_marts_schema() refuses a build
    with a mart left in `marts`.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

{#-
    The schema this command's marts live in. A command that builds them
    (`dbt build`, `dbt run`) writes them into the run's own version schema
    `marts_v<version>`, never into what analysts read; the on-run-end hook
    publish_marts() then switches the views of schema `marts` onto it. Every
    other command (test, docs, show, compile, ls) sees the marts where analysts
    read them: schema `marts`.

    Who names it:
    - `marquee` sets MARQUEE_MARTS_SCHEMA for each dbt command it runs. Every
      mart calls this macro in its own config (`config(schema=marts_schema())`),
      so dbt records the variable against the mart's file and its partial
      parsing parses exactly the marts again when the name changes: a build
      reuses the last parse of everything else. (Called from
      generate_schema_name instead, the variable would be recorded against the
      macro, and any change would make dbt parse the whole project.)
    - A plain dbt command: var `publish_version`, else the run's start time to
      the microsecond. That name depends on the run, so plain dbt never parses
      partially (`partial_parse: false` in dbt_project.yml).
    check_marts_schema() refuses a build whose marts would go anywhere else.
-#}
{% macro marts_schema() -%}
    {%- set named = env_var('MARQUEE_MARTS_SCHEMA', '') | trim -%}
    {%- if named -%}
        {{ named }}
    {%- elif flags.WHICH in ('build', 'run') or var('publish_version', none) is not none -%}
        marts_v{{ var('publish_version', run_started_at.strftime('%Y%m%d%H%M%S%f')) }}
    {%- else -%}
        marts
    {%- endif -%}
{%- endmacro %}
