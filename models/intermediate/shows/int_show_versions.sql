{#-
    The reconcile, set-based: applies every load landed since the last build
    to the show state and keeps every version of every show. History is a
    function of the set of feeds, ordered by the time each was fetched (ties
    by load id), never of the order they were landed in: a feed fetched
    before feeds already reconciled (a back-fill) re-derives the history from
    its fetch time on, replaying the later loads after it (see "replay" below).

    One row per version of a show (record_type 'show', valid_to null for the
    current one) plus one summary row per reconciled load (record_type 'load')
    carrying that load's counts; the summary rows are also the watermark, so
    a load that changed nothing is still reconciled exactly once.

    Per key, the loads in scope (see "Replay") form a sequence of events: the key is present
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

    Replay: the loads in scope are the loads landed since the last build plus
    every reconciled load fetched after the earliest of them (none in the usual
    case, where feeds land in fetch order). The state they apply to is the
    version of each show valid at that point; every version opened from then
    on is rewritten (the strategy's `delete_also` removes the ones the replay
    no longer produces), and the replayed loads' summaries are re-counted.

    Instants: a load's `fetched_at` here is its effective instant, the feed's
    fetch time plus one microsecond per earlier load fetched at the very same
    time, so that every load has its own instant and no version is valid for
    no time. The summary row keeps the feed's own fetch time in `valid_from`
    and the effective instant in `valid_to`.

    Stateful: never rebuilt from nothing (full_refresh is off).
-#}
{{
    config(
        materialized='incremental',
        unique_key='version_id',
        incremental_strategy='audited_delete_insert',
        on_schema_change='fail',
        pre_hook="{{ set_reconcile_planner(merge_joins=false) }}",
        post_hook="{{ analyze_relation(this) }}",
        full_refresh=false,
        delete_also="record_type = 'show' and valid_from >= (
            select min(replay_loads.valid_to) from __staged__ as replay_loads where replay_loads.record_type = 'load')",
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
                    and target.version_id not in (select version_id from __staged__)
                    and target.valid_from < (select min(replay_loads.valid_to) from __staged__ as replay_loads
                        where replay_loads.record_type = 'load')",
            'versions are valid for a positive time': "select version_id from __staged__
                where record_type = 'show' and valid_to <= valid_from",
            'a replayed load still has all its records': "select staged.load_id from __staged__ as staged
                inner join __target__ as target
                    on staged.version_id = target.version_id and target.record_type = 'load'
                where staged.records_count <> target.records_count",
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
{#- the version of every show valid at the replay point (the current one when nothing is
    replayed; none on the first build) #}
{%- set current_versions_query %}
    {% if is_incremental() %}
        select ledger.* from {{ this }} as ledger
        cross join replay_point
        where
            ledger.record_type = 'show'
            and ledger.valid_from < replay_point.replay_from
            and (ledger.valid_to is null or ledger.valid_to > replay_point.replay_from)
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

-- the loads reconciled before: the feed's fetch time and the load's effective instant
reconciled_loads as (
    {% if is_incremental() %}
        select
            load_id,
            valid_from as feed_fetched_at,
            valid_to as fetched_at
        from {{ this }}
        where record_type = 'load'
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as load_id,
            cast(null as timestamp) as feed_fetched_at,
            cast(null as timestamp) as fetched_at
        where 1 = 0
    {% endif %}
),

landed_loads as (
    select
        load_id,
        max(fetched_at) as feed_fetched_at
    from records
    {% if is_incremental() %}
        where load_id > (select coalesce(max(reconciled_loads.load_id), '') from reconciled_loads)
    {% endif %}
    group by load_id
),

reconciled_fetch_times as (
    select
        feed_fetched_at,
        count(*) as loads_count
    from reconciled_loads
    group by feed_fetched_at
),

-- each new load's effective instant: after every load (earlier or reconciled) fetched at the same time
new_loads as (
    select
        landed_loads.load_id,
        landed_loads.feed_fetched_at,
        landed_loads.feed_fetched_at + interval '1 microsecond' * (
            coalesce(same_time.loads_count, 0)
            + row_number() over (partition by landed_loads.feed_fetched_at order by landed_loads.load_id)
            - 1
        ) as fetched_at
    from landed_loads
    left join reconciled_fetch_times as same_time on landed_loads.feed_fetched_at = same_time.feed_fetched_at
),

-- where the history is re-derived from: the earliest new load (null when there is none)
replay_point as (
    select min(fetched_at) as replay_from
    from new_loads
),

-- the loads applied by this build, in order of their instants: the new ones and the reconciled
-- ones fetched after the earliest new one (a back-fill re-derives what comes after it)
scope_loads as (
    select
        load_id,
        feed_fetched_at,
        fetched_at
    from new_loads
    union all
    select
        reconciled_loads.load_id,
        reconciled_loads.feed_fetched_at,
        reconciled_loads.fetched_at
    from reconciled_loads
    cross join replay_point
    where reconciled_loads.fetched_at > replay_point.replay_from
),

pending_loads as (
    select
        scope_loads.load_id,
        scope_loads.feed_fetched_at,
        scope_loads.fetched_at,
        count(records.load_id) as records_count,
        cast(sum(case when records.record_status = 'rejected' then 1 else 0 end) as bigint) as rejected_count,
        cast(sum(case when records.record_status = 'duplicate' then 1 else 0 end) as bigint) as duplicates_count
    from scope_loads
    left join records on scope_loads.load_id = records.load_id
    group by scope_loads.load_id, scope_loads.feed_fetched_at, scope_loads.fetched_at
),

-- how many loads are applied and the instant of the first (a key listed in every applied feed
-- was first seen then, unless it was known before)
pending_span as (
    select
        count(*) as loads_count,
        min(fetched_at) as first_fetched_at
    from pending_loads
),

-- the winning record of each key in each applied load
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

-- the version of every show valid at the replay point, the columns every key's classification
-- needs (the full rows only for the shows with events); a version closed after that point was
-- closed by a replayed load, so its show is re-derived with events
prior_states as (
    select
        current_versions.show_id,
        current_versions.cinema_id,
        current_versions.show_time,
        current_versions.attributes_hash,
        current_versions.withdrawn_at,
        current_versions.valid_to
    from ({{ current_versions_query }}) as current_versions
),

-- per key: in how many applied loads it is listed, with how many attribute sets
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
                and prior_states.valid_to is null
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
-- applied load they arrived in (fresh keys are listed in every load, so
-- they are never absent and need no entry)
first_arrivals as (
    select
        eventful_arrivals.show_id,
        min(eventful_arrivals.fetched_at) as first_fetched_at
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
        cast(null as timestamp) as known_since_at
    from prior_states
    union all
    select
        eventful_arrivals.show_id,
        eventful_arrivals.cinema_id,
        eventful_arrivals.show_time,
        eventful_arrivals.fetched_at as known_since_at
    from eventful_arrivals
    inner join first_arrivals
        on
            eventful_arrivals.show_id = first_arrivals.show_id
            and eventful_arrivals.fetched_at = first_arrivals.first_fetched_at
),

load_cinemas as (
    select distinct
        load_id,
        cinema_id
    from arrivals
),

-- known future shows of a cinema in a feed that the feed does not list (future: after the
-- feed's own fetch time)
absences as (
    select
        known_shows.show_id,
        load_cinemas.load_id,
        pending_loads.fetched_at
    from known_shows
    inner join load_cinemas on known_shows.cinema_id = load_cinemas.cinema_id
    inner join pending_loads on load_cinemas.load_id = pending_loads.load_id
    left join arrivals
        on
            load_cinemas.load_id = arrivals.load_id
            and known_shows.show_id = arrivals.show_id
    where
        arrivals.show_id is null
        and (known_shows.known_since_at is null or known_shows.known_since_at < pending_loads.fetched_at)
        and known_shows.show_time > pending_loads.feed_fetched_at
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

-- the full version at the replay point of the shows with events
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
    window by_show as (partition by show_id order by fetched_at)
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
        lead(fetched_at) over (partition by show_id order by fetched_at) as next_change_at,
        row_number() over (partition by show_id order by fetched_at) as change_sequence
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

-- one version per fresh key, opened by the first applied load
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
    inner join pending_span on arrivals.fetched_at = pending_span.first_fetched_at
    inner join key_paths
        on
            arrivals.show_id = key_paths.show_id
            and key_paths.key_path = 'fresh'
),

-- the version at the replay point, closed by its first change (or open again, when the change
-- that had closed it was replayed away)
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
    left join changes
        on
            prior_versions.show_id = changes.show_id
            and changes.change_sequence = 1
    where changes.show_id is not null or prior_versions.valid_to is not null
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
        pending_loads.feed_fetched_at,
        pending_loads.fetched_at,
        pending_loads.records_count,
        coalesce(load_counts.inserted_count, 0)
        + case when pending_loads.fetched_at = pending_span.first_fetched_at then path_counts.fresh_count else 0 end
            as inserted_count,
        coalesce(load_counts.updated_count, 0) as updated_count,
        coalesce(load_counts.unchanged_count, 0)
        + path_counts.settled_count
        + case when pending_loads.fetched_at = pending_span.first_fetched_at then 0 else path_counts.fresh_count end
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
        feed_fetched_at as valid_from,
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
