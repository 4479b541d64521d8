-- One row per credit of each TMDB title: the cast (character, billing order)
-- and the crew (department, job), keyed by TMDB's credit id.
with

titles as (
    select * from {{ ref('int_tmdb_titles_deduplicated') }}
),

cast_members as (
    select
        titles.media_id,
        titles.tmdb_id,
        titles.media_type,
        person.value ->> 'credit_id' as credit_id,
        'cast' as credit_type,
        cast(person.value ->> 'id' as {{ dbt.type_bigint() }}) as person_id,
        person.value ->> 'name' as person_name,
        person.value ->> 'character' as character_name,
        cast(person.value ->> 'order' as integer) as cast_order,
        cast(null as {{ dbt.type_string() }}) as department,
        cast(null as {{ dbt.type_string() }}) as job
    from titles
    {{ json_array_elements("titles.payload -> 'credits' -> 'cast'", 'person') }}
),

crew_members as (
    select
        titles.media_id,
        titles.tmdb_id,
        titles.media_type,
        person.value ->> 'credit_id' as credit_id,
        'crew' as credit_type,
        cast(person.value ->> 'id' as {{ dbt.type_bigint() }}) as person_id,
        person.value ->> 'name' as person_name,
        cast(null as {{ dbt.type_string() }}) as character_name,
        cast(null as integer) as cast_order,
        person.value ->> 'department' as department,
        person.value ->> 'job' as job
    from titles
    {{ json_array_elements("titles.payload -> 'credits' -> 'crew'", 'person') }}
),

final as (
    select * from cast_members
    union all
    select * from crew_members
)

select * from final
