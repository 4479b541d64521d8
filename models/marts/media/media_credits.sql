-- One row per credit of each TMDB title: the cast (character, billing order)
-- and the crew (department, job), keyed by TMDB's credit id (credits without
-- one, or listed twice, are in rejected_tmdb_rows instead).

{{ config(schema=marts_schema()) }}

with

credits as (
    select * from {{ ref('int_tmdb_credits_unnested') }}
),

final as (
    select
        media_id,
        tmdb_id,
        media_type,
        credit_id,
        credit_type,
        person_id,
        person_name,
        character_name,
        cast_order,
        department,
        job
    from credits
    where reject_reason is null
)

select * from final
