-- The master show table as of this build: a copy of the stateful
-- core.master_shows (int_shows_mastered) in the build's version schema, so the
-- published master changes with the other marts, at the publish, and never
-- while a build runs.

{{ config(schema=marts_schema()) }}

with

shows as (
    select * from {{ ref('int_shows_mastered') }}
)

select * from shows
