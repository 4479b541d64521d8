-- Every landed app row that was not accepted, with its table, id and reason.
-- Together with the marts this accounts for every raw row: accepted or here.
-- The rows themselves stay in raw as they were landed.
{% set tables = [
    ('users', 'user_id'),
    ('profiles', 'profile_id'),
    ('media_items', 'media_item_id'),
    ('watchlist_entries', 'watchlist_entry_id'),
    ('reactions', 'reaction_id'),
    ('streaming_providers', 'streaming_provider_id'),
    ('families', 'family_id'),
    ('family_memberships', 'family_membership_id'),
    ('family_invitations', 'family_invitation_id'),
    ('recommendations', 'recommendation_id'),
] %}

with

unioned as (
    {% for table, id_column in tables %}
        select
            '{{ table }}' as source_table,
            {{ id_column }} as row_id,
            reject_reason,
            landed_row_id,
            load_id,
            extracted_at
        from {{ ref('int_app_' ~ table ~ '_validated') }}
        where reject_reason is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        {{ surrogate_key(['source_table', 'landed_row_id']) }} as rejected_row_id,
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        row_id,
        reject_reason,
        load_id,
        extracted_at
    from unioned
)

select * from final
