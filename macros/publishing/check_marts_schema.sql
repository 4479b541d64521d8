{#-
    On-run-start, before anything is built: the marts of this build go into a
    version schema of their own, new. It refuses a build with a mart that does
    not name its schema with marts_schema() (it would be built where analysts
    read), one whose marts were
    parsed for another one (a partial parse that did not parse them again: their
    schema is another version's) or whose version schema holds relations already
    (a build never writes into a published or an earlier version; dbt has just
    created the schema, empty, before this hook).
-#}
{% macro check_marts_schema() -%}
    {%- if not execute or flags.WHICH not in ('build', 'run') -%}{{ return('') }}{%- endif -%}
    {%- set version_schema = marts_schema() | trim -%}
    {%- set elsewhere = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.schema.startswith('marts') and node.schema != version_schema -%}
        {%- if node.schema == 'marts' -%}
            {{ exceptions.raise_compiler_error(node.original_file_path ~ " does not name its schema: a mart starts with {{ config(schema=marts_schema()) }}") }}
        {%- endif -%}
        {%- do elsewhere.append(node.name ~ ' in ' ~ node.schema) -%}
    {%- endfor -%}
    {%- if elsewhere -%}
        {{ exceptions.raise_compiler_error("marts parsed for another build (" ~ (elsewhere | sort)[:3] | join(', ') ~ ", not " ~ version_schema ~ "): parse again (dbt --no-partial-parse)") }}
    {%- endif -%}
    {%- if schema_relations([version_schema]) -%}
        {{ exceptions.raise_compiler_error("marts version schema " ~ version_schema ~ " holds relations already: a build never writes into another build's version") }}
    {%- endif -%}
{%- endmacro %}
