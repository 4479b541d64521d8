-- Every landed app profile with its verdict (null `reject_reason`: accepted).
with

profiles as (
    select * from {{ ref('stg_app__profiles') }}
),

users as (
    select * from {{ ref('int_app_users_validated') }}
    where reject_reason is null
),

ranked as (
    select
        profiles.*,
        users.user_id as accepted_user_id,
        row_number() over (
            partition by profiles.profile_id
            order by profiles.updated_at desc nulls last, profiles.landed_row_id asc
        ) as id_recency
    from profiles
    left join users on profiles.user_id = users.user_id
),

validated as (
    select
        *,
        {{ combine_reject_reasons([
            "case when profile_id is null then 'id is missing' when id_recency > 1 then 'duplicate id' end",
            "case when user_id is null then 'user_id is missing'
                when accepted_user_id is null then 'orphan user_id' end",
        ]) }} as reject_reason
    from ranked
)

select * from validated
