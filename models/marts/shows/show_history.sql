-- Every version of every show (type 2 history): a change closes the old
-- version (valid_to) and opens a new one; valid_to is null for the current
-- version. A copy of the reconcile's version ledger as of this build (a table
-- in the build's version schema), so analysts see history change only at the
-- publish, together with master_shows.

{{ config(schema=marts_schema()) }}

with

versions as (
    select * from {{ ref('int_show_versions') }}
),

final as (
    select
        version_id,
        show_id,
        movie_id,
        cinema_id,
        screen_name,
        show_time,
        title,
        rating,
        length_minutes,
        format,
        genre,
        is_active,
        image_url,
        withdrawn_at,
        change_type,
        valid_from,
        valid_to,
        load_id
    from versions
    where record_type = 'show'
)

select * from final
