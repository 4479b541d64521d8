{#-
    The reject reason of an app row: the reasons of every failed check
    (`case when <check fails> then '<reason>' end` expressions), joined with
    '; ', or null when every check passes (the row is accepted).
-#}
{% macro app_reject_reason(checks) -%}
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
