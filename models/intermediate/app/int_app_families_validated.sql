-- Every landed app family with its verdict (null `reject_reason`: accepted).
with

families as (
    select * from {{ ref('stg_app__families') }}
),

users as (
    select * from {{ ref('int_app_users_validated') }}
    where reject_reason is null
),

ranked as (
    select
        families.*,
        users.user_id as accepted_owner_user_id,
        row_number() over (
            partition by families.family_id
            order by families.updated_at desc nulls last, families.landed_row_id asc
        ) as id_recency
    from families
    left join users on families.owner_user_id = users.user_id
),

validated as (
    select
        *,
        {{ combine_reject_reasons([
            "case when family_id is null then 'id is missing' when id_recency > 1 then 'duplicate id' end",
            "case when owner_user_id is null then 'owner_id is missing'
                when accepted_owner_user_id is null then 'orphan owner_id' end",
        ]) }} as reject_reason
    from ranked
)

select * from validated
