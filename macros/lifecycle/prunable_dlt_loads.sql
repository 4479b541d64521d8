{#- The processed loads of a dlt source (schema name) beyond the newest `keep`, oldest first. -#}
{% macro prunable_dlt_loads(schema_name, domain, keep) -%}
    {%- set dlt_loads = dlt_loads_relation() -%}
    {%- if dlt_loads is none -%}{{ return([]) }}{%- endif -%}
    {%- set candidates -%}
        with processed as (
            select load_id from {{ dlt_loads }}
            where schema_name = '{{ schema_name }}' and status = 0
                and {{ utc_timestamp('inserted_at') }} < {{ processed_watermark(domain) }}
        ),
        ranked as (
            select load_id, row_number() over (order by load_id desc) as recency from processed
        )
        select load_id from ranked where recency > {{ keep }} order by load_id
    {%- endset -%}
    {{ return(marquee_query(candidates).columns[0].values() | list) }}
{%- endmacro %}
