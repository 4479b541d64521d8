{#-
    The reject reason of a row (shows, app): the reasons of every failed check
    (`case when <check fails> then '<reason>' end` expressions), joined with
    '; ', or null when every check passes (the row is accepted).
-#}
{% macro combine_reject_reasons(checks) -%}
    nullif(
        concat_ws(
            '; ',
            {%- for check in checks %}
            {{ check }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        ),
        ''
    )
{%- endmacro %}
