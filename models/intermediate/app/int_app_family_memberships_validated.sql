-- Every landed family membership with its verdict (null `reject_reason`:
-- accepted) and the role's rank from the seed.
with

memberships as (
    select * from {{ ref('stg_app__family_memberships') }}
),

families as (
    select * from {{ ref('int_app_families_validated') }}
    where reject_reason is null
),

users as (
    select * from {{ ref('int_app_users_validated') }}
    where reject_reason is null
),

roles as (
    select * from {{ ref('app_family_roles') }}
),

joined as (
    select
        memberships.*,
        families.family_id as accepted_family_id,
        users.user_id as accepted_user_id,
        roles.role_rank,
        row_number() over (
            partition by memberships.family_membership_id
            order by memberships.joined_at desc nulls last, memberships.landed_row_id asc
        ) as id_recency
    from memberships
    left join families on memberships.family_id = families.family_id
    left join users on memberships.user_id = users.user_id
    left join roles on memberships.role = roles.role
),

validated as (
    select
        *,
        {{ combine_reject_reasons([
            "case when family_membership_id is null then 'id is missing'
                when id_recency > 1 then 'duplicate id' end",
            "case when family_id is null then 'family_id is missing'
                when accepted_family_id is null then 'orphan family_id' end",
            "case when user_id is null then 'user_id is missing'
                when accepted_user_id is null then 'orphan user_id' end",
            "case when role is null then 'role is missing' when role_rank is null then 'unknown role' end",
        ]) }} as reject_reason
    from joined
)

select * from validated
