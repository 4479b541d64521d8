-- Every current app profile with its verdict (null `reject_reason`: accepted).
with

profiles as (
    {{ app_current_rows(ref('stg_app__profiles'), 'profiles', 'profile_id') }}
),

users as (
    select * from {{ ref('int_app_users_validated') }}
    where reject_reason is null
),

deleted_users as (
    {{ app_deleted_ids('users') }}
),

ranked as (
    select
        profiles.*,
        case
            when deleted_user_id.row_id is not null then 'user'
        end as deleted_with,
        users.user_id as accepted_user_id,
        row_number() over (
            partition by profiles.profile_id
            order by profiles.updated_at desc nulls last, profiles.landed_row_id asc
        ) as id_recency
    from profiles
    left join deleted_users as deleted_user_id on profiles.user_id = deleted_user_id.row_id
    left join users on profiles.user_id = users.user_id
),

validated as (
    select
        *,
        case
            when deleted_with is not null then 'deleted with its ' || deleted_with
            else {{ combine_reject_reasons([
                "case when profile_id is null then 'id is missing' when id_recency > 1 then 'duplicate id' end",
                "case when user_id is null then 'user_id is missing'
                    when accepted_user_id is null then 'orphan user_id' end",
            ]) }}
        end as reject_reason
    from ranked
)

select * from validated
