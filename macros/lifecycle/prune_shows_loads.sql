{#-
    Prunes the show feed: of the reconciled loads beyond the newest `keep` in fetch order (the
    ledger's load rows), their raw records and their accepted and duplicate classified records
    (the rejected ones stay: rejected_shows lists them). See prune_raw.
-#}
{% macro prune_shows_loads(keep) -%}
    {%- set nothing = {'loads': 0, 'rows': 0, 'bytes': 0, 'relations': []} -%}
    {%- set raw = graph_relation('shows', 'shows') -%}
    {%- set ledger = graph_relation('int_show_versions') -%}
    {%- set records = graph_relation('int_show_records_validated') -%}
    {%- for relation in [raw, ledger, records] -%}
        {%- if not relation_exists(relation) -%}
            {{ return(nothing) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set candidates -%}
        with processed as (
            select load_id, valid_from as feed_fetched_at, valid_to as instant
            from {{ ledger }}
            where record_type = 'load' and reconciled_at < {{ processed_watermark('shows') }}
        ),
        ranked as (
            select *, row_number() over (order by instant desc) as recency from processed
        )
        select load_id, feed_fetched_at from ranked
        where recency > {{ keep }}
            {# the pruned ones are recorded: no scan of raw to find what is left #}
            and load_id not in (select pruned.load_id from ops.pruned_loads as pruned where pruned.source = 'shows')
        order by load_id
    {%- endset -%}
    {%- set loads = marquee_query(candidates).rows | list -%}
    {%- if not loads -%}{{ return(nothing) }}{%- endif -%}
    {%- set ids = in_list(loads | map(attribute=0) | list) -%}
    {%- set removed = prune_delete([
        [raw, "_dlt_load_id in " ~ ids],
        [records, "record_status <> 'rejected' and load_id in " ~ ids],
    ]) -%}
    {{ return({'loads': record_pruned_loads('shows', loads), 'rows': removed.rows, 'bytes': removed.bytes,
        'relations': [raw, records]}) }}
{%- endmacro %}
