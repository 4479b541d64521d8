-- The history of every TMDB title as of this build: a copy of the stateful
-- snapshot (snapshots.media_history) in the build's version schema, so the
-- published history changes at the publish, with the other marts.

{{ config(schema=marts_schema()) }}

with

snapshot as (
    select * from {{ ref('media_history_snapshot') }}
)

select * from snapshot
