-- Every landed family invitation with its verdict (null `reject_reason`: accepted).
with

invitations as (
    select * from {{ ref('stg_app__family_invitations') }}
),

families as (
    select * from {{ ref('int_app_families_validated') }}
    where reject_reason is null
),

users as (
    select * from {{ ref('int_app_users_validated') }}
    where reject_reason is null
),

joined as (
    select
        invitations.*,
        families.family_id as accepted_family_id,
        users.user_id as accepted_invited_by_user_id,
        row_number() over (
            partition by invitations.family_invitation_id
            order by invitations.created_at desc nulls last, invitations.landed_row_id asc
        ) as id_recency
    from invitations
    left join families on invitations.family_id = families.family_id
    left join users on invitations.invited_by_user_id = users.user_id
),

validated as (
    select
        *,
        {{ combine_reject_reasons([
            "case when family_invitation_id is null then 'id is missing'
                when id_recency > 1 then 'duplicate id' end",
            "case when family_id is null then 'family_id is missing'
                when accepted_family_id is null then 'orphan family_id' end",
            "case when invited_by_user_id is null then 'invited_by_id is missing'
                when accepted_invited_by_user_id is null then 'orphan invited_by_id' end",
            "case when recorded_status is null then 'status is missing'
                when recorded_status not in ('pending', 'accepted', 'declined', 'revoked')
                    then 'unknown status' end",
        ]) }} as reject_reason
    from joined
)

select * from validated
