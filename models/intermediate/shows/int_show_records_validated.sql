-- Every landed record with its verdict: rejected (with the reasons: a key
-- field missing, unparseable or longer than var show_key_max_length, or what
-- the landing could not build), a
-- duplicate superseded by a later record of the same key in the same feed,
-- or accepted. Nothing is dropped here. Incremental by load: each build types
-- and classifies only the loads landed since the last one.
{{
    config(
        materialized='incremental',
        incremental_strategy='audited_append',
        on_schema_change='append_new_columns',
        pre_hook="{{ set_reconcile_planner(merge_joins=false) }}",
        post_hook="{{ analyze_relation(this) }}",
        audits={
            'one row per landed record': "select load_id, record_index from __staged__
                group by load_id, record_index having count(*) > 1",
            'loads are not classified twice': "select load_id from __staged__
                where load_id in (select load_id from __target__)",
            'every record has a verdict': "select load_id from __staged__
                where record_status not in ('accepted', 'duplicate', 'rejected')
                or (record_status = 'rejected') <> (reject_reason is not null)",
        },
        indexes=warehouse_indexes([{'columns': ['load_id']}]),
    )
}}

{%- set key_max_length = var('show_key_max_length') | int %}

with

records as (
    select * from {{ ref('stg_shows__shows') }}
    {% if is_incremental() %}
        where load_id > (select coalesce(max(load_id), '') from {{ this }})
    {% endif %}
),

validated as (
    select
        *,
        case
            when landing_reject_reason is not null then landing_reject_reason
            when invalid_record is not null then 'record is not a JSON object'
            else {{ combine_reject_reasons([
                "case when movie_id is null then 'movie_id is missing'
                    when length(movie_id) > " ~ key_max_length ~ " then 'movie_id is longer than "
                    ~ key_max_length ~ " characters' end",
                "case when nullif(trim(cinema_id_text), '') is null then 'cinema_id is missing'
                    when cinema_id is null then 'cinema_id is not an integer' end",
                "case when screen_name is null then 'screen_name is missing'
                    when length(screen_name) > " ~ key_max_length ~ " then 'screen_name is longer than "
                    ~ key_max_length ~ " characters' end",
                "case when nullif(trim(show_time_text), '') is null then 'show_time is missing'
                    when show_time is null then 'show_time is not an ISO 8601 timestamp' end",
            ]) }}
        end as reject_reason
    from records
),

keyed as (
    select
        *,
        {{ surrogate_key(['movie_id', 'cinema_id', 'screen_name', 'show_time']) }} as show_id,
        {{ surrogate_key(show_attribute_columns()) }} as attributes_hash
    from validated
),

-- keys listed more than once in a feed: rare, so only their records are ranked
-- (a window over every record would sort the whole feed)
repeated_keys as (
    select
        load_id,
        show_id
    from keyed
    group by load_id, show_id
    having count(*) > 1
),

repeated_records as (
    select
        keyed.load_id,
        keyed.record_index,
        row_number() over (
            partition by keyed.load_id, keyed.show_id
            order by keyed.record_index desc
        ) as key_recency_in_load
    from keyed
    inner join repeated_keys
        on
            keyed.load_id = repeated_keys.load_id
            and keyed.show_id = repeated_keys.show_id
),

ranked as (
    select
        keyed.*,
        coalesce(repeated_records.key_recency_in_load, 1) as key_recency_in_load
    from keyed
    left join repeated_records
        on
            keyed.load_id = repeated_records.load_id
            and keyed.record_index = repeated_records.record_index
),

final as (
    select
        *,
        case
            when reject_reason is not null then 'rejected'
            when key_recency_in_load = 1 then 'accepted'
            else 'duplicate'
        end as record_status
    from ranked
)

select * from final
