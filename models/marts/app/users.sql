-- One row per accepted app user: pseudonymous id, signup, country and locale
-- from the profile, and activity counts. Never an email, username or secret.

{{ config(schema=marts_schema()) }}

with

users as (
    select * from {{ ref('int_app_users_validated') }}
    where reject_reason is null
),

profiles as (
    select * from {{ ref('int_app_profiles_validated') }}
    where reject_reason is null
),

entries as (
    select * from {{ ref('int_app_watchlist_entries_validated') }}
    where reject_reason is null
),

reactions as (
    select * from {{ ref('int_app_reactions_validated') }}
    where reject_reason is null
),

memberships as (
    select * from {{ ref('int_app_family_memberships_validated') }}
    where reject_reason is null
),

latest_profiles as (
    select
        *,
        row_number() over (
            partition by user_id
            order by updated_at desc nulls last, profile_id asc
        ) as profile_recency
    from profiles
),

entry_counts as (
    select
        user_id,
        count(*) as watchlist_entries_count,
        count(case when is_finished then 1 end) as completed_entries_count
    from entries
    group by user_id
),

reaction_counts as (
    select
        user_id,
        count(*) as reactions_count
    from reactions
    group by user_id
),

family_counts as (
    select
        user_id,
        count(distinct family_id) as families_count
    from memberships
    group by user_id
),

final as (
    select
        users.user_id,
        users.created_at as signup_at,
        cast(users.created_at as date) as signup_date,
        latest_profiles.country_code,
        latest_profiles.locale,
        latest_profiles.profile_id is not null as has_profile,
        coalesce(entry_counts.watchlist_entries_count, 0) as watchlist_entries_count,
        coalesce(entry_counts.completed_entries_count, 0) as completed_entries_count,
        coalesce(reaction_counts.reactions_count, 0) as reactions_count,
        coalesce(family_counts.families_count, 0) as families_count,
        users.updated_at
    from users
    left join latest_profiles
        on users.user_id = latest_profiles.user_id and latest_profiles.profile_recency = 1
    left join entry_counts on users.user_id = entry_counts.user_id
    left join reaction_counts on users.user_id = reaction_counts.user_id
    left join family_counts on users.user_id = family_counts.user_id
)

select * from final
