-- Every current app family with its verdict (null `reject_reason`: accepted).
with

families as (
    {{ app_current_rows(ref('stg_app__families'), 'families', 'family_id') }}
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
        families.*,
        case
            when deleted_owner_user_id.row_id is not null then 'owner'
        end as deleted_with,
        users.user_id as accepted_owner_user_id,
        row_number() over (
            partition by families.family_id
            order by families.updated_at desc nulls last, families.landed_row_id asc
        ) as id_recency
    from families
    left join deleted_users as deleted_owner_user_id on families.owner_user_id = deleted_owner_user_id.row_id
    left join users on families.owner_user_id = users.user_id
),

validated as (
    select
        *,
        case
            when deleted_with is not null then 'deleted with its ' || deleted_with
            else {{ combine_reject_reasons([
                "case when family_id is null then 'id is missing' when id_recency > 1 then 'duplicate id' end",
                "case when owner_user_id is null then 'owner_id is missing'
                    when accepted_owner_user_id is null then 'orphan owner_id' end",
            ]) }}
        end as reject_reason
    from ranked
)

select * from validated
