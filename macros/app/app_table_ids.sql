{#-
    The landed app tables and the id column of each (as the stg_app__ models name
    it), in load order: the list the models that cover every app table iterate.
-#}
{% macro app_table_ids() -%}
    {{ return([
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
    ]) }}
{%- endmacro %}
