-- Every current family invitation with its verdict (null `reject_reason`: accepted).
with

invitations as (
    {{ app_current_rows(ref('stg_app__family_invitations'), 'family_invitations', 'family_invitation_id') }}
),

families as (
    select * from {{ ref('int_app_families_validated') }}
    where reject_reason is null
),

users as (
    select * from {{ ref('int_app_users_validated') }}
    where reject_reason is null
),

deleted_families as (
    {{ app_deleted_ids('families', ref('int_app_families_validated'), 'family_id') }}
),

deleted_users as (
    {{ app_deleted_ids('users') }}
),

joined as (
    select
        invitations.*,
        case
            when deleted_family_id.row_id is not null then 'family'
            when deleted_invited_by_user_id.row_id is not null then 'inviter'
        end as deleted_with,
        families.family_id as accepted_family_id,
        users.user_id as accepted_invited_by_user_id,
        row_number() over (
            partition by invitations.family_invitation_id
            order by invitations.created_at desc nulls last, invitations.landed_row_id asc
        ) as id_recency
    from invitations
    left join deleted_families as deleted_family_id on invitations.family_id = deleted_family_id.row_id
    left join
        deleted_users as deleted_invited_by_user_id
        on invitations.invited_by_user_id = deleted_invited_by_user_id.row_id
    left join families on invitations.family_id = families.family_id
    left join users on invitations.invited_by_user_id = users.user_id
),

validated as (
    select
        *,
        case
            when deleted_with is not null then 'deleted with its ' || deleted_with
            else {{ combine_reject_reasons([
                "case when family_invitation_id is null then 'id is missing'
                    when id_recency > 1 then 'duplicate id' end",
                "case when family_id is null then 'family_id is missing'
                    when accepted_family_id is null then 'orphan family_id' end",
                "case when invited_by_user_id is null then 'invited_by_id is missing'
                    when accepted_invited_by_user_id is null then 'orphan invited_by_id' end",
                "case when recorded_status is null then 'status is missing'
                    when recorded_status not in ('pending', 'accepted', 'declined', 'revoked')
                        then 'unknown status' end",
            ]) }}
        end as reject_reason
    from joined
)

select * from validated
