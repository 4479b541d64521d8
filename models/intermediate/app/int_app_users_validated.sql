-- Every current app user with its verdict: `reject_reason` is null for an
-- accepted row, else why it is quarantined (see rejected_app_rows).
with

users as (
    {{ app_current_rows(ref('stg_app__users'), 'users', 'user_id') }}
),

ranked as (
    select
        *,
        cast(null as {{ dbt.type_string() }}) as deleted_with,
        row_number() over (
            partition by user_id
            order by updated_at desc nulls last, landed_row_id asc
        ) as id_recency
    from users
),

validated as (
    select
        *,
        case
            when deleted_with is not null then 'deleted with its ' || deleted_with
            else {{ combine_reject_reasons([
                "case when user_id is null then 'id is missing' when id_recency > 1 then 'duplicate id' end",
            ]) }}
        end as reject_reason
    from ranked
)

select * from validated
