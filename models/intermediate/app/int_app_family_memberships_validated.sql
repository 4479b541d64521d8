-- Every current family membership with its verdict (null `reject_reason`:
-- accepted) and the role's rank from the seed.
with

memberships as (
    {{ app_current_rows(ref('stg_app__family_memberships'), 'family_memberships', 'family_membership_id') }}
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

deleted_families as (
    {{ app_deleted_ids('families', ref('int_app_families_validated'), 'family_id') }}
),

deleted_users as (
    {{ app_deleted_ids('users') }}
),

joined as (
    select
        memberships.*,
        case
            when deleted_family_id.row_id is not null then 'family'
            when deleted_user_id.row_id is not null then 'user'
        end as deleted_with,
        families.family_id as accepted_family_id,
        users.user_id as accepted_user_id,
        roles.role_rank,
        row_number() over (
            partition by memberships.family_membership_id
            order by memberships.joined_at desc nulls last, memberships.landed_row_id asc
        ) as id_recency
    from memberships
    left join deleted_families as deleted_family_id on memberships.family_id = deleted_family_id.row_id
    left join deleted_users as deleted_user_id on memberships.user_id = deleted_user_id.row_id
    left join families on memberships.family_id = families.family_id
    left join users on memberships.user_id = users.user_id
    left join roles on memberships.role = roles.role
),

validated as (
    select
        *,
        case
            when deleted_with is not null then 'deleted with its ' || deleted_with
            else {{ combine_reject_reasons([
                "case when family_membership_id is null then 'id is missing'
                    when id_recency > 1 then 'duplicate id' end",
                "case when family_id is null then 'family_id is missing'
                    when accepted_family_id is null then 'orphan family_id' end",
                "case when user_id is null then 'user_id is missing'
                    when accepted_user_id is null then 'orphan user_id' end",
                "case when role is null then 'role is missing' when role_rank is null then 'unknown role' end",
            ]) }}
        end as reject_reason
    from joined
)

select * from validated
