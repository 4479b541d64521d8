-- One row per credit listed in each title's latest TMDB response, the cast
-- (character, billing order) and the crew (department, job), with the reason
-- it cannot be used (null when it can): a missing credit id, or a credit id
-- listed more than once (TMDB's credit ids are unique: the first stays).
with

titles as (
    select * from {{ ref('int_tmdb_titles_deduplicated') }}
),

cast_members as (
    select
        titles.media_id,
        titles.tmdb_id,
        titles.media_type,
        person.element_index,
        nullif(trim({{ json_get_text('person.value', 'credit_id') }}), '') as credit_id,
        'cast' as credit_type,
        {{ parse_integer(json_get_text('person.value', 'id')) }} as person_id,
        {{ json_get_text('person.value', 'name') }} as person_name,
        {{ json_get_text('person.value', 'character') }} as character_name,
        {{ parse_integer_in_range(json_get_text('person.value', 'order'), 0, 2147483647) }} as cast_order,
        cast(null as {{ dbt.type_string() }}) as department,
        cast(null as {{ dbt.type_string() }}) as job,
        cast(person.value as {{ dbt.type_string() }}) as element_json
    from titles
    {{ json_array_elements(json_get('titles.payload', 'credits', 'cast'), 'person') }}
),

crew_members as (
    select
        titles.media_id,
        titles.tmdb_id,
        titles.media_type,
        person.element_index,
        nullif(trim({{ json_get_text('person.value', 'credit_id') }}), '') as credit_id,
        'crew' as credit_type,
        {{ parse_integer(json_get_text('person.value', 'id')) }} as person_id,
        {{ json_get_text('person.value', 'name') }} as person_name,
        cast(null as {{ dbt.type_string() }}) as character_name,
        cast(null as integer) as cast_order,
        {{ json_get_text('person.value', 'department') }} as department,
        {{ json_get_text('person.value', 'job') }} as job,
        cast(person.value as {{ dbt.type_string() }}) as element_json
    from titles
    {{ json_array_elements(json_get('titles.payload', 'credits', 'crew'), 'person') }}
),

credits as (
    select * from cast_members
    union all
    select * from crew_members
),

ranked as (
    select
        *,
        row_number() over (
            partition by credit_id
            order by media_id, credit_type, element_index
        ) as listing
    from credits
),

final as (
    select
        media_id,
        tmdb_id,
        media_type,
        element_index,
        credit_id,
        credit_type,
        person_id,
        person_name,
        character_name,
        cast_order,
        department,
        job,
        element_json,
        case
            when credit_id is null then 'credit_id is missing'
            when listing > 1 then 'credit_id is listed more than once'
        end as reject_reason
    from ranked
)

select * from final
