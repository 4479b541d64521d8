-- The key snapshots of the completed app loads (a landing killed half-way
-- leaves rows of a load dlt never completed: they are no snapshot).
with

keys as (
    select * from {{ ref('stg_app__row_keys') }}
),

completed as (
    select * from {{ ref('stg_dlt__loads') }}
    where source_name = 'app'
),

snapshots as (
    select keys.*
    from keys
    inner join completed on keys.load_id = completed.load_id
)

select * from snapshots
