-- The versions of each show tile time: each is valid for a positive time and
-- ends exactly when the next one starts; only the last one is open (valid_to
-- null). Lists the versions that break this.
with

versions as (
    select * from {{ ref('int_show_versions') }}
    where record_type = 'show'
),

sequenced as (
    select
        version_id,
        show_id,
        valid_from,
        valid_to,
        lead(valid_from) over (partition by show_id order by valid_from) as next_valid_from
    from versions
),

final as (
    select *
    from sequenced
    where
        valid_to <= valid_from
        or (next_valid_from is null and valid_to is not null)
        or (next_valid_from is not null and (valid_to is null or valid_to <> next_valid_from))
)

select * from final
