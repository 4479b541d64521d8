{#- on-run-end, after publish_marts: prune after a build that held the lock. -#}
{% macro prune_after_publish() -%}
    {%- if execute and flags.WHICH == 'build' and holds_warehouse_lock() -%}
        {%- do prune_raw() -%}
    {%- endif -%}
{%- endmacro %}
