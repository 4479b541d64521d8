{#-
    The reconcile, set-based: applies every load landed since the last build,
    in load order, to the show state and keeps every version of every show.

    One row per version of a show (record_type 'show', valid_to null for the
    current one) plus one summary row per reconciled load (record_type 'load')
    carrying that load's counts; the summary rows are also the watermark, so
    a load that changed nothing is still reconciled exactly once.

    Per key, the pending loads form a sequence of events: the key is present
    in a load, or absent from a load whose feed lists its cinema while the show
    is still in the future (a withdrawal candidate). Comparing each event with
    the state before it (the previous event, or the current version for the
    first) classifies it: inserted, updated, reinstated (a withdrawn show seen
    again, counted as updated), unchanged, withdrawn, or no change. Only the
    changes become versions; unchanged rows are never rewritten. The result is
    the same as reconciling after every load.

    Its cost follows the changes, not the table: most keys are listed in every
    pending load with one set of attributes, and their outcome needs no event
    sequence. Such a key is `settled` when its current version (not withdrawn)
    has those attributes (unchanged in every load: no version, only counted),
    or `fresh` when it has no version yet (inserted by the first pending load,
    unchanged in the others: one version). Only the other keys (changed, new
    with changes, missing from a load, reinstated) go through the events and
    their windows.

    Stateful: never rebuilt from nothing (full_refresh is off).
-#}
{{
    config(
        materialized='incremental',
        unique_key='version_id',
        incremental_strategy='audited_delete_insert',
        on_schema_change='fail',
        pre_hook="{{ set_reconcile_planner() }}",
        post_hook="{{ analyze_relation(this) }}",
        full_refresh=false,
        audits={
            'version ids are unique': "select version_id from __staged__
                group by version_id having count(*) > 1",
            'at most one current version per show': "select staged.show_id from __staged__ as staged
                where staged.record_type = 'show' and staged.valid_to is null
                group by staged.show_id having count(*) > 1
                union all
                select staged.show_id from __staged__ as staged
                inner join __target__ as target
                    on staged.show_id = target.show_id and target.record_type = 'show' and target.valid_to is null
                where staged.valid_to is null
                    and target.version_id not in (select version_id from __staged__)",
            'every record of a load is accounted for': "select load_id from __staged__
                where record_type = 'load' and records_count <> inserted_count + updated_count
                    + unchanged_count + rejected_count + duplicates_count",
            'versions have a full key and a known change': "select version_id from __staged__
                where record_type = 'show' and (show_id is null or movie_id is null or cinema_id is null
                    or screen_name is null or show_time is null
                    or change_type not in ('inserted', 'updated', 'reinstated', 'withdrawn'))",
        },
        indexes=warehouse_indexes([
            {'columns': ['version_id'], 'unique': True},
            {'columns': ['show_id']},
            {'columns': ['load_id']},
        ]),
    )
}}

{%- set attributes = show_attribute_columns() %}
{%- set key_columns = ['movie_id', 'cinema_id', 'screen_name', 'show_time'] %}
{#- the current version of every show before this build (none on the first) #}
{%- set current_versions_query %}
    {% if is_incremental() %}
        select * from {{ this }}
        where record_type = 'show' and valid_to is null
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as version_id,
            cast(null as {{ dbt.type_string() }}) as record_type,
            cast(null as {{ dbt.type_string() }}) as show_id,
            cast(null as {{ dbt.type_string() }}) as movie_id,
            cast(null as bigint) as cinema_id,
            cast(null as {{ dbt.type_string() }}) as screen_name,
            cast(null as timestamp) as show_time,
            cast(null as {{ dbt.type_string() }}) as title,
            cast(null as {{ dbt.type_string() }}) as rating,
            cast(null as bigint) as length_minutes,
            cast(null as {{ dbt.type_string() }}) as format,
            cast(null as {{ dbt.type_string() }}) as genre,
            cast(null as boolean) as is_active,
            cast(null as {{ dbt.type_string() }}) as image_url,
            cast(null as {{ dbt.type_string() }}) as attributes_hash,
            cast(null as {{ dbt.type_string() }}) as change_type,
            cast(null as timestamp) as first_seen_at,
            cast(null as timestamp) as withdrawn_at,
            cast(null as timestamp) as valid_from,
            cast(null as timestamp) as valid_to,
            cast(null as {{ dbt.type_string() }}) as load_id
        where 1 = 0
    {% endif %}
{%- endset %}

with

records as (
    select * from {{ ref('int_show_records_validated') }}
),

pending_loads as (
    select
        load_id,
        max(fetched_at) as fetched_at,
        count(*) as records_count,
        cast(sum(case when record_status = 'rejected' then 1 else 0 end) as bigint) as rejected_count,
        cast(sum(case when record_status = 'duplicate' then 1 else 0 end) as bigint) as duplicates_count
    from records
    {% if is_incremental() %}
        where load_id > (select coalesce(max(load_id), '') from {{ this }})
    {% endif %}
    group by load_id
),

-- how many loads are pending, the first of them, and the earliest fetch time of the pending feeds
-- (a key listed in every pending feed was first seen at that time)
pending_span as (
    select
        count(*) as loads_count,
        min(load_id) as first_load_id,
        min(fetched_at) as first_fetched_at
    from pending_loads
),

-- the winning record of each key in each pending load
arrivals as (
    select
        records.show_id,
        records.load_id,
        pending_loads.fetched_at,
        {%- for column in key_columns + attributes %}
            records.{{ column }},
        {%- endfor %}
        records.attributes_hash
    from records
    inner join pending_loads on records.load_id = pending_loads.load_id
    where records.record_status = 'accepted'
),

-- the current version of every show before this build, the columns every
-- key's classification needs (the full rows only for the shows with events)
prior_states as (
    select
        current_versions.show_id,
        current_versions.cinema_id,
        current_versions.show_time,
        current_versions.attributes_hash,
        current_versions.withdrawn_at
    from ({{ current_versions_query }}) as current_versions
),

-- per key: in how many pending loads it is listed, with how many attribute sets
listings as (
    select
        show_id,
        count(*) as loads_listed,
        min(attributes_hash) as attributes_hash,
        max(attributes_hash) as last_attributes_hash
    from arrivals
    group by show_id
),

key_paths as (
    select
        listings.show_id,
        case
            when
                listings.loads_listed < pending_span.loads_count
                or listings.attributes_hash <> listings.last_attributes_hash
                then 'eventful'
            when prior_states.show_id is null then 'fresh'
            when
                prior_states.withdrawn_at is null
                and prior_states.attributes_hash = listings.attributes_hash
                then 'settled'
            else 'eventful'
        end as key_path
    from listings
    cross join pending_span
    left join prior_states on listings.show_id = prior_states.show_id
),

path_counts as (
    select
        cast(coalesce(sum(case when key_path = 'settled' then 1 else 0 end), 0) as bigint) as settled_count,
        cast(coalesce(sum(case when key_path = 'fresh' then 1 else 0 end), 0) as bigint) as fresh_count
    from key_paths
),

-- the arrivals of the keys that need their sequence of events
eventful_arrivals as (
    select arrivals.*
    from arrivals
    inner join key_paths
        on
            arrivals.show_id = key_paths.show_id
            and key_paths.key_path = 'eventful'
),

-- keys known before each load: from the prior state, or from the first
-- pending load they arrived in (fresh keys are listed in every load, so
-- they are never absent and need no entry)
first_arrivals as (
    select
        eventful_arrivals.show_id,
        min(eventful_arrivals.load_id) as first_load_id
    from eventful_arrivals
    left join prior_states on eventful_arrivals.show_id = prior_states.show_id
    where prior_states.show_id is null
    group by eventful_arrivals.show_id
),

known_shows as (
    select
        show_id,
        cinema_id,
        show_time,
        '' as known_since_load_id
    from prior_states
    union all
    select
        eventful_arrivals.show_id,
        eventful_arrivals.cinema_id,
        eventful_arrivals.show_time,
        eventful_arrivals.load_id as known_since_load_id
    from eventful_arrivals
    inner join first_arrivals
        on
            eventful_arrivals.show_id = first_arrivals.show_id
            and eventful_arrivals.load_id = first_arrivals.first_load_id
),

load_cinemas as (
    select distinct
        load_id,
        cinema_id
    from arrivals
),

-- known future shows of a cinema in a feed that the feed does not list
absences as (
    select
        known_shows.show_id,
        load_cinemas.load_id,
        pending_loads.fetched_at
    from known_shows
    inner join load_cinemas
        on
            known_shows.cinema_id = load_cinemas.cinema_id
            and known_shows.known_since_load_id < load_cinemas.load_id
    inner join pending_loads on load_cinemas.load_id = pending_loads.load_id
    left join arrivals
        on
            load_cinemas.load_id = arrivals.load_id
            and known_shows.show_id = arrivals.show_id
    where
        arrivals.show_id is null
        and known_shows.show_time > pending_loads.fetched_at
),

events as (
    select
        show_id,
        load_id,
        fetched_at,
        true as is_present,
        {%- for column in attributes %}
            {{ column }},
        {%- endfor %}
        attributes_hash
    from eventful_arrivals
    union all
    select
        show_id,
        load_id,
        fetched_at,
        false as is_present,
        {%- for column in attributes %}
            null as {{ column }},
        {%- endfor %}
        null as attributes_hash
    from absences
),

event_shows as (
    select distinct show_id
    from events
),

-- the full current version of the shows with events
prior_versions as (
    select current_versions.*
    from ({{ current_versions_query }}) as current_versions
    inner join event_shows on current_versions.show_id = event_shows.show_id
),

sequenced as (
    select
        *,
        lag(is_present) over by_show as previous_is_present,
        {%- for column in attributes %}
            lag({{ column }}) over by_show as previous_{{ column }},
        {%- endfor %}
        lag(attributes_hash) over by_show as previous_attributes_hash,
        min(case when is_present then fetched_at end) over (partition by show_id) as first_arrival_at
    from events
    window by_show as (partition by show_id order by load_id)
),

arrival_keys as (
    select distinct
        show_id,
        {{ key_columns | join(', ') }}
    from eventful_arrivals
),

classified as (
    select
        sequenced.*,
        case
            when sequenced.is_present and sequenced.previous_is_present is null
                then
                    case
                        when prior_versions.show_id is null then 'inserted'
                        when prior_versions.withdrawn_at is not null then 'reinstated'
                        when prior_versions.attributes_hash = sequenced.attributes_hash then 'unchanged'
                        else 'updated'
                    end
            when sequenced.is_present and sequenced.previous_is_present
                then
                    case
                        when sequenced.previous_attributes_hash = sequenced.attributes_hash then 'unchanged'
                        else 'updated'
                    end
            -- present after an absence: the show was withdrawn and is back
            when sequenced.is_present then 'reinstated'
            when sequenced.previous_is_present is null
                then case when prior_versions.withdrawn_at is null then 'withdrawn' else 'no_change' end
            when sequenced.previous_is_present then 'withdrawn'
            else 'no_change'
        end as change_type,
        {%- for column in attributes + ['attributes_hash'] %}
            case
                when sequenced.is_present then sequenced.{{ column }}
                when sequenced.previous_is_present then sequenced.previous_{{ column }}
                else prior_versions.{{ column }}
            end as version_{{ column }},
        {%- endfor %}
        {%- for column in key_columns %}
            coalesce(prior_versions.{{ column }}, arrival_keys.{{ column }}) as key_{{ column }},
        {%- endfor %}
        coalesce(prior_versions.first_seen_at, sequenced.first_arrival_at) as first_seen_at
    from sequenced
    left join prior_versions on sequenced.show_id = prior_versions.show_id
    left join arrival_keys on sequenced.show_id = arrival_keys.show_id
),

changes as (
    select
        *,
        lead(fetched_at) over (partition by show_id order by load_id) as next_change_at,
        row_number() over (partition by show_id order by load_id) as change_sequence
    from classified
    where change_type in ('inserted', 'updated', 'reinstated', 'withdrawn')
),

new_versions as (
    select
        {{ surrogate_key(['show_id', 'load_id']) }} as version_id,
        'show' as record_type,
        show_id,
        {%- for column in key_columns %}
            key_{{ column }} as {{ column }},
        {%- endfor %}
        {%- for column in attributes + ['attributes_hash'] %}
            version_{{ column }} as {{ column }},
        {%- endfor %}
        change_type,
        first_seen_at,
        case when change_type = 'withdrawn' then fetched_at end as withdrawn_at,
        fetched_at as valid_from,
        next_change_at as valid_to,
        load_id
    from changes
),

-- one version per fresh key, opened by the first pending load
fresh_versions as (
    select
        {{ surrogate_key(['arrivals.show_id', 'arrivals.load_id']) }} as version_id,
        'show' as record_type,
        arrivals.show_id,
        {%- for column in key_columns + attributes + ['attributes_hash'] %}
            arrivals.{{ column }},
        {%- endfor %}
        'inserted' as change_type,
        pending_span.first_fetched_at as first_seen_at,
        cast(null as timestamp) as withdrawn_at,
        arrivals.fetched_at as valid_from,
        cast(null as timestamp) as valid_to,
        arrivals.load_id
    from arrivals
    inner join pending_span on arrivals.load_id = pending_span.first_load_id
    inner join key_paths
        on
            arrivals.show_id = key_paths.show_id
            and key_paths.key_path = 'fresh'
),

closed_versions as (
    select
        prior_versions.version_id,
        prior_versions.record_type,
        prior_versions.show_id,
        {%- for column in key_columns + attributes + ['attributes_hash'] %}
            prior_versions.{{ column }},
        {%- endfor %}
        prior_versions.change_type,
        prior_versions.first_seen_at,
        prior_versions.withdrawn_at,
        prior_versions.valid_from,
        changes.fetched_at as valid_to,
        prior_versions.load_id
    from prior_versions
    inner join changes
        on
            prior_versions.show_id = changes.show_id
            and changes.change_sequence = 1
),

load_counts as (
    select
        load_id,
        cast(sum(case when change_type = 'inserted' then 1 else 0 end) as bigint) as inserted_count,
        cast(sum(case when change_type in ('updated', 'reinstated') then 1 else 0 end) as bigint) as updated_count,
        cast(sum(case when change_type = 'unchanged' then 1 else 0 end) as bigint) as unchanged_count,
        cast(sum(case when change_type = 'withdrawn' then 1 else 0 end) as bigint) as withdrawn_count
    from classified
    group by load_id
),

load_summaries as (
    select
        {{ surrogate_key(["'load'", 'pending_loads.load_id']) }} as version_id,
        'load' as record_type,
        pending_loads.load_id,
        pending_loads.fetched_at,
        pending_loads.records_count,
        coalesce(load_counts.inserted_count, 0)
        + case when pending_loads.load_id = pending_span.first_load_id then path_counts.fresh_count else 0 end
            as inserted_count,
        coalesce(load_counts.updated_count, 0) as updated_count,
        coalesce(load_counts.unchanged_count, 0)
        + path_counts.settled_count
        + case when pending_loads.load_id = pending_span.first_load_id then 0 else path_counts.fresh_count end
            as unchanged_count,
        coalesce(load_counts.withdrawn_count, 0) as withdrawn_count,
        pending_loads.rejected_count,
        pending_loads.duplicates_count
    from pending_loads
    cross join path_counts
    cross join pending_span
    left join load_counts on pending_loads.load_id = load_counts.load_id
),

show_rows as (
    select * from new_versions
    union all
    select * from fresh_versions
    union all
    select * from closed_versions
),

final as (
    select
        show_rows.*,
        cast(null as bigint) as records_count,
        cast(null as bigint) as inserted_count,
        cast(null as bigint) as updated_count,
        cast(null as bigint) as unchanged_count,
        cast(null as bigint) as withdrawn_count,
        cast(null as bigint) as rejected_count,
        cast(null as bigint) as duplicates_count,
        {{ marquee_run_columns() }}
    from show_rows
    union all
    select
        version_id,
        record_type,
        {%- for column in ['show_id'] + key_columns + attributes + ['attributes_hash', 'change_type'] %}
            null as {{ column }},
        {%- endfor %}
        null as first_seen_at,
        null as withdrawn_at,
        fetched_at as valid_from,
        fetched_at as valid_to,
        load_id,
        records_count,
        inserted_count,
        updated_count,
        unchanged_count,
        withdrawn_count,
        rejected_count,
        duplicates_count,
        {{ marquee_run_columns() }}
    from load_summaries
)

select * from final
